/**
 * The SearchBackend contract on a real Elasticsearch cluster — registered only when
 * ELASTICSEARCH_URL is set (the city's CI: `ELASTICSEARCH_URL=… npx vitest run
 * test/contract/elasticsearch.contract.test.ts`). Without it the suite is not registered at all
 * (never skipped: a skipped suite would count as passing); the tests below, which need no
 * cluster, keep the file meaningful either way. The requests themselves are tested against a fake
 * cluster in server/search/elasticsearch/*.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { elasticsearchHarness, seedInput } from './elasticsearch-harness.js';
import { describeSearchBackendContract } from './search-backend.contract.js';
import { SEED_DOCUMENTS } from './seed-documents.js';

describe('Elasticsearch harness', () => {
  it('hands the indexer each seed document as ingestion would: chunks quoting their pages, one vector each', async () => {
    for (const d of SEED_DOCUMENTS) {
      const input = await seedInput(d, '1');
      expect(input.id).toBe('1');
      expect(input.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(input.chunks.length).toBeGreaterThan(0);
      expect(input.vectors).toHaveLength(input.chunks.length);
      for (const c of input.chunks) expect(input.pages[c.page - 1]!.text.slice(c.start, c.end)).toBe(c.text);
      for (const v of input.vectors) expect(v.length).toBe(384);
      expect(new Set(input.chunks.map((c) => c.page))).toEqual(new Set(d.pages.map((p) => p.page)));
    }
  });
});

const url = process.env.ELASTICSEARCH_URL;
if (url) describeSearchBackendContract('elasticsearch', () => elasticsearchHarness(url));

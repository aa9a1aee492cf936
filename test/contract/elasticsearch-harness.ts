/**
 * Seeds a real Elasticsearch cluster the way ingestion writes it (chunkPages, HashingEmbedder,
 * ElasticsearchIndexer), for the SearchBackend contract suite. Each harness works under its own
 * alias prefix (`kwerenda-test-<pid>-<random>`), so runs never touch the city's indices, and
 * deletes its indices and templates on close. Connect with ELASTICSEARCH_URL (credentials may sit
 * in the URL: https://elastic:PASSWORD@host:9200).
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { HashingEmbedder } from '../../ingest/embed.js';
import { chunkPages } from '../../ingest/text/chunk.js';
import { ElasticsearchBackend } from '../../server/search/elasticsearch/es-backend.js';
import { ElasticsearchIndexer, type EsDocumentInput } from '../../server/search/elasticsearch/es-indexer.js';
import type { DocumentSource } from '../../server/search/elasticsearch/es-records.js';
import type { BackendHarness } from './search-backend.contract.js';
import type { SeedDocument } from './seed-documents.js';

const embedder = new HashingEmbedder();

/** What ingestion would hand the indexer for a seed document. */
export async function seedInput(d: SeedDocument, id: string): Promise<EsDocumentInput> {
  const chunks = chunkPages(d.pages);
  return {
    id, sha256: d.sha256, filename: d.filename, kind: d.kind, title: d.title, caseNumber: d.caseNumber, docType: d.docType, docDate: d.docDate,
    pages: d.pages.map((p) => ({
      page: p.page, text: p.text, words: p.words, source: p.source, confidence: p.source === 'ocr' ? 91 : null,
      corrections: {}, width: 595.28, height: 841.89,
    })),
    metadata: d.metadata,
    chunks,
    vectors: await embedder.embed(chunks.map((c) => c.text), 'passage'),
  };
}

export async function elasticsearchHarness(url: string): Promise<BackendHarness & { prefix: string }> {
  const client = new Client({ node: url });
  const prefix = `kwerenda-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  const indexer = new ElasticsearchIndexer({ client, prefix, dimensions: embedder.dimensions });
  await indexer.ensureIndices();
  let seeded = 0;
  return {
    prefix,
    backend: new ElasticsearchBackend({ client, prefix, dimensions: embedder.dimensions }),
    async seed(docs) {
      for (const d of docs) {
        const input = await seedInput(d, String(++seeded)); // record ids, as the archive hands them out
        if (d.status === 'ready') {
          await indexer.indexDocument(input);
        } else {
          // Indexed but never flipped: every index holds it, only the status keeps it out.
          const { documentOp, partOps } = indexer.writeOps(input);
          await indexer.bulk([...partOps, documentOp], 'wait_for');
        }
      }
    },
    async restrict(documentId, principals) {
      const doc = await client.get<Pick<DocumentSource, 'restrictions'>>({ index: `${prefix}-documents`, id: documentId, _source_includes: ['restrictions'] });
      const rules = (doc._source?.restrictions ?? []).map((r) => r.principals);
      await indexer.setRestrictions([documentId], [...rules, principals.map((p) => `${p.kind}:${p.value}`)]);
    },
    async close() {
      await client.indices.delete({ index: `${prefix}-*`, expand_wildcards: 'all' }, { ignore: [404] });
      await client.indices.deleteIndexTemplate({ name: `${prefix}-*` }, { ignore: [404] });
      await client.close();
    },
  };
}

/**
 * `docTypes` on Elasticsearch against a fake cluster (nock): one terms aggregation over the
 * documents index with the ready + viewer rule inside the query (so a restricted document is
 * never counted), the buckets read back most first, equal counts by value.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Viewer } from '../../domain/types.js';
import { ElasticsearchBackend } from './es-backend.js';
import { fakeCluster, searchReply, testClient } from './es-test-kit.js';

const ewa: Viewer = { userId: 12, name: 'ewa', role: 'clerk' };
let cluster: ReturnType<typeof fakeCluster> | null = null;
afterEach(() => {
  cluster?.done();
  cluster = null;
});

describe('ElasticsearchBackend.docTypes', () => {
  it('aggregates doc_type of ready documents the viewer may read; most first, ties by value', async () => {
    const buckets = [
      { key: 'postanowienie', doc_count: 2 },
      { key: 'wyrok', doc_count: 5 },
      { key: 'decyzja o pozwoleniu na budowę', doc_count: 2 },
    ];
    cluster = fakeCluster(() => [200, { ...(searchReply([]) as object), aggregations: { types: { doc_count_error_upper_bound: 0, sum_other_doc_count: 0, buckets } } }]);
    const got = await new ElasticsearchBackend({ client: testClient(), dimensions: 4 }).docTypes(ewa);
    expect(got).toEqual([
      { value: 'wyrok', count: 5 },
      { value: 'decyzja o pozwoleniu na budowę', count: 2 },
      { value: 'postanowienie', count: 2 },
    ]);
    expect(cluster.requests).toHaveLength(1);
    const sent = cluster.requests[0]!;
    expect(sent.path).toBe('/kwerenda-documents/_search');
    const body = sent.body as { size: number; query: { bool: { filter: unknown[] } }; aggs: { types: { terms: { field: string } } } };
    expect(body.size).toBe(0);
    expect(body.aggs.types.terms.field).toBe('doc_type');
    expect(body.query.bool.filter[0]).toEqual({ term: { status: 'ready' } });
    // The viewer rule is inside the query: the restriction principals of ewa are named.
    expect(JSON.stringify(body.query.bool.filter[1])).toContain('"user:ewa","role:clerk"');
  });
});

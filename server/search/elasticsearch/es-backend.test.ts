/**
 * The requests the Elasticsearch backend sends and how it reads the replies, against a fake cluster
 * at the HTTP level (nock). Without a cluster here, these pin the query bodies the real cluster
 * will see: the viewer rule and filters inside every query, user text only as match values.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { UNRESTRICTED_VIEWER, type Viewer } from '../../domain/types.js';
import { ElasticsearchBackend } from './es-backend.js';
import { fakeCluster, searchReply, testClient, type Recorded } from './es-test-kit.js';

const SHA = '17';
const OTHER = '4242';
const FILE_SHA = 'a'.repeat(64);
const ewa: Viewer = { userId: 12, name: 'ewa', role: 'clerk' };
const backend = () => new ElasticsearchBackend({ client: testClient(), dimensions: 4 });

let cluster: ReturnType<typeof fakeCluster> | null = null;
afterEach(() => {
  cluster?.done();
  cluster = null;
});

/** One search request answered with `hits`; returns what was sent. */
function answering(hits: Parameters<typeof searchReply>[0]): Recorded[] {
  cluster = fakeCluster(() => [200, searchReply(hits)]);
  return cluster.requests;
}

const VIEWER_RULE = {
  bool: {
    should: [
      { term: { restriction_count: 0 } },
      { bool: { must_not: [{ nested: { path: 'restrictions', query: { bool: { must_not: [{ terms: { 'restrictions.principals': ['user:ewa', 'role:clerk'] } }] } } } }] } },
    ],
    minimum_should_match: 1,
  },
};

describe('ElasticsearchBackend requests', () => {
  it('keyword: phrases over the folded words, prefixes, ready + viewer + filters inside the query', async () => {
    const sent = answering([{ _id: `${SHA}-000002`, _score: 7.5, _source: { doc_id: SHA, page: 2, start: 10, end: 90 } }]);
    const hits = await backend().keyword(
      { terms: [{ forms: [{ text: 'pozwolenia' }, { text: 'Pozwolenia' }, { text: 'decyz', prefix: true }] }, { forms: [{ text: '45/7' }] }], match: 'all' },
      { limit: 5, viewer: ewa, filters: { caseNumber: 'wua-zrb. 6740.1.123.2019', precinct: 'Oporów', parcel: '45 / 7', docType: 'Decyzja' } },
    );
    expect(hits).toEqual([{ chunkId: `${SHA}-000002`, documentId: SHA, page: 2, start: 10, end: 90, score: 7.5 }]);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.method).toBe('POST');
    expect(sent[0]!.path).toBe('/kwerenda-chunks/_search');
    expect(sent[0]!.body).toEqual({
      size: 5,
      query: {
        bool: {
          must: [{
            bool: {
              must: [
                // "Pozwolenia" folds to the same form: sent once.
                { bool: { should: [{ match_phrase: { text: { query: 'pozwolenia' } } }, { prefix: { text: { value: 'decyz' } } }], minimum_should_match: 1 } },
                { match_phrase: { text: { query: '45/7' } } },
              ],
            },
          }],
          filter: [
            { term: { status: 'ready' } },
            VIEWER_RULE,
            { term: { case_number: 'WUA-ZRB.6740.1.123.2019' } },
            { prefix: { 'doc_type.folded': { value: 'decyzja' } } },
            { nested: { path: 'parcels', query: { bool: { filter: [{ term: { 'parcels.number': '45/7' } }, { term: { 'parcels.precinct.folded': 'oporow' } }] } } } },
          ],
        },
      },
      sort: [{ _score: { order: 'desc' } }, { chunk_key: { order: 'asc' } }],
      track_scores: true,
      _source: ['doc_id', 'page', 'start', 'end'],
    });
  });

  it('keyword: substring forms go to the trigram field; hostile text stays a match value; nothing searchable sends nothing', async () => {
    const sent = answering([]);
    await backend().keyword({ terms: [{ forms: [{ text: 'ab' }, { text: 'ZRB.6740.1.20' }] }, { forms: [{ text: 'text:"x" OR *' }] }], match: 'any', index: 'substring' }, { limit: 3, viewer: UNRESTRICTED_VIEWER });
    const body = sent[0]!.body as { query: { bool: { must: unknown[]; filter: unknown[] } } };
    expect(body.query.bool.must).toEqual([{
      bool: { should: [{ match_phrase: { 'text.trigram': { query: 'ZRB.6740.1.20' } } }, { match_phrase: { 'text.trigram': { query: 'text:"x" OR *' } } }], minimum_should_match: 1 },
    }]);
    // The system viewer: readiness only, no restriction clause.
    expect(body.query.bool.filter).toEqual([{ term: { status: 'ready' } }]);
    expect(await backend().keyword({ terms: [{ forms: [{ text: '---' }, { text: '"' }] }], match: 'all' }, { limit: 3, viewer: ewa })).toEqual([]);
    expect(await backend().keyword({ terms: [{ forms: [{ text: 'decyzja' }] }], match: 'all' }, { limit: 0, viewer: ewa })).toEqual([]);
    expect(sent).toHaveLength(1);
  });

  it('vector: a kNN request with the viewer filter, scores reported as cosine similarity', async () => {
    const sent = answering([
      { _id: `${SHA}-000000`, _score: 0.95, _source: { doc_id: SHA, page: 1, start: 0, end: 40 } },
      { _id: `${OTHER}-000003`, _score: 0.5, _source: { doc_id: OTHER, page: 1, start: 0, end: 12 } },
    ]);
    const hits = await backend().vector(new Float32Array([0.5, 0.5, 0.5, 0.5]), { limit: 2, viewer: ewa, filters: { dateFrom: '2016-01-01' } });
    expect(hits.map((h) => [h.chunkId, h.documentId])).toEqual([[`${SHA}-000000`, SHA], [`${OTHER}-000003`, OTHER]]);
    expect(hits[0]!.score).toBeCloseTo(0.9);
    expect(hits[1]!.score).toBeCloseTo(0);
    expect(sent[0]!.body).toEqual({
      knn: {
        field: 'embedding', query_vector: [0.5, 0.5, 0.5, 0.5], k: 2, num_candidates: 100,
        filter: [{ term: { status: 'ready' } }, VIEWER_RULE, { range: { doc_date: { gte: '2016-01-01' } } }],
      },
      size: 2,
      _source: ['doc_id', 'page', 'start', 'end'],
    });
    await expect(backend().vector(new Float32Array(7), { limit: 2, viewer: ewa })).rejects.toThrow(/4 values/);
  });

  it('metadata: term queries on keyword subfields, folded like SQLite; hits parsed with spans and extras', async () => {
    const source = { doc_id: SHA, seq: 3, kind: 'parcel', value: '45/7', raw: '45/7', page: 1, start: 120, end: 124, origin: 'text', precinct: 'Krzyki', extra: { obreb: 'Krzyki' } };
    const sent = answering([{ _id: `${SHA}-m3`, _score: null, _source: source }]);
    const hits = await backend().metadata({ kind: 'parcel', value: '45 / 7', precinct: 'KRZYKI' }, { limit: 10, viewer: ewa });
    expect(hits).toEqual([{ documentId: SHA, kind: 'parcel', value: '45/7', raw: '45/7', page: 1, start: 120, end: 124, origin: 'text', extra: { obreb: 'Krzyki' } }]);
    expect(sent[0]!.path).toBe('/kwerenda-metadata/_search');
    expect((sent[0]!.body as { query: unknown }).query).toEqual({
      bool: { filter: [{ term: { kind: 'parcel' } }, { term: { status: 'ready' } }, VIEWER_RULE, { term: { value: '45/7' } }, { term: { 'precinct.folded': 'krzyki' } }] },
    });
    await backend().metadata({ kind: 'investor', value: 'SPÓŁDZIELNIĘ  Mieszkaniową „Łąkowa”' }, { limit: 10, viewer: UNRESTRICTED_VIEWER });
    expect((sent[1]!.body as { query: unknown }).query).toEqual({
      bool: { filter: [{ term: { kind: 'investor' } }, { term: { status: 'ready' } }, { term: { 'value.folded': 'spoldzielnie mieszkaniowa „lakowa”' } }] },
    });
  });

  it('reads documents, chunks and pages by id, in the order asked, never sending an id it could not have issued', async () => {
    const chunkA = `${SHA}-000001`;
    const chunkB = `${OTHER}-000000`;
    cluster = fakeCluster((_m, path) => {
      if (path.startsWith('/kwerenda-chunks')) {
        return [200, searchReply([
          { _id: chunkA, _source: { doc_id: SHA, page: 1, start: 0, end: 5, text: 'Znak:' } },
          { _id: chunkB, _source: { doc_id: OTHER, page: 2, start: 3, end: 9, text: 'decyzja' } },
        ])];
      }
      return [200, searchReply([{ _id: SHA, _source: { doc_id: SHA, sha256: FILE_SHA, external_id: 'EZD/2019/77', external_url: null, filename: 'a.pdf', kind: 'pdf', title: 'DECYZJA', case_number: null, doc_type: 'decyzja', doc_date: null, page_count: 2, ocr_pages: 0, mean_confidence: null, metadata: [{ kind: 'date', value: '2019-03-14', raw: '14 marca 2019', page: 1, start: 0, end: 13, origin: 'text' }] } }])];
    });
    const b = backend();
    const chunks = await b.chunks([chunkB, 'abc', "1' OR '1'='1", chunkA, chunkB], ewa);
    expect(chunks.map((c) => [c.chunkId, c.text])).toEqual([[chunkB, 'decyzja'], [chunkA, 'Znak:']]);
    const ids = (cluster.requests[0]!.body as { query: { bool: { filter: [{ ids: { values: string[] } }] } } }).query.bool.filter[0].ids.values;
    expect(ids).toEqual([chunkB, chunkA]);
    expect(await b.document('not-an-id', ewa)).toBeNull();
    expect(await b.document('a'.repeat(64), ewa)).toBeNull(); // a SHA-256 is not a document id
    expect(cluster.requests).toHaveLength(1);
    const doc = await b.document(SHA, ewa);
    expect(doc).toMatchObject({ id: SHA, title: 'DECYZJA', date: null, source: { filename: 'a.pdf', sha256: FILE_SHA }, pageCount: 2, externalId: 'EZD/2019/77' });
    expect(doc).not.toHaveProperty('externalUrl');
    expect(doc!.metadata).toEqual([{ kind: 'date', value: '2019-03-14', raw: '14 marca 2019', page: 1, start: 0, end: 13, origin: 'text', documentId: SHA }]);
  });

  it('lists documents newest first, undated last, and counts what the viewer may see', async () => {
    cluster = fakeCluster((_m, path) =>
      path.endsWith('/_count') ? [200, { count: path.includes('pages') ? 7 : 3, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } }] : [200, searchReply([{ _id: OTHER }, { _id: SHA }])],
    );
    expect(await backend().listDocuments({}, 10, ewa)).toEqual([OTHER, SHA]);
    expect((cluster.requests[0]!.body as { sort: unknown }).sort).toEqual([{ doc_date: { order: 'desc', missing: '_last' } }, { doc_id: { order: 'asc' } }]);
    expect(await backend().stats(ewa)).toEqual({ documents: 3, pages: 7, chunks: 3 });
    const counts = cluster.requests.filter((r) => r.path.endsWith('/_count'));
    expect(counts.map((r) => r.body)).toEqual(Array(3).fill({ query: { bool: { filter: [{ term: { status: 'ready' } }, VIEWER_RULE] } } }));
  });
});

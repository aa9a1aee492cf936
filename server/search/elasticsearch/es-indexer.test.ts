/**
 * Index templates, plugin detection and bulk writes of the Elasticsearch indexer, against a fake
 * cluster at the HTTP level (nock): what a real cluster would receive, and how refusals are retried.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EsDocumentInput } from './es-indexer.js';
import { ElasticsearchIndexer } from './es-indexer.js';
import { fakeCluster, testClient } from './es-test-kit.js';

const SHA = 'c'.repeat(64);
const ID = '31';
let cluster: ReturnType<typeof fakeCluster> | null = null;
afterEach(() => {
  cluster?.done();
  cluster = null;
});

const waits: number[] = [];
const indexer = () => new ElasticsearchIndexer({ client: testClient(), dimensions: 3, backoffMs: 100, sleep: async (ms) => void waits.push(ms) });
const ack = { acknowledged: true };
const nodes = (plugins: string[][]) => ({
  _nodes: { total: plugins.length, successful: plugins.length, failed: 0 }, cluster_name: 'test',
  nodes: Object.fromEntries(plugins.map((p, i) => [`n${i}`, { name: `n${i}`, plugins: p.map((name) => ({ name, version: '8.19.0' })) }])),
});

const DOC: EsDocumentInput = {
  id: ID, sha256: SHA, filename: 'decyzja.pdf', kind: 'pdf', title: 'DECYZJA NR 1', caseNumber: 'WUA-ZRB.6740.1.1.2019', docType: 'decyzja', docDate: '2019-03-14',
  pages: [{ page: 1, text: 'Działka 45/7 obręb Oporów', words: [{ start: 0, end: 7, box: { x0: 0.1, y0: 0.2, x1: 0.21234, y1: 0.25 }, confidence: 90.6 }], source: 'ocr', confidence: 88, corrections: {}, width: 595, height: 842 }],
  metadata: [{ kind: 'parcel', value: '45/7', raw: '45/7', page: 1, start: 8, end: 12, origin: 'text', extra: { obreb: 'Oporów' } }],
  chunks: [{ page: 1, start: 0, end: 25, text: 'Działka 45/7 obręb Oporów' }],
  vectors: [new Float32Array([1, 0, 0])],
  restrictions: [['user:anna', 'role:supervisor']],
  external: { id: 'EZD/2019/77', url: 'https://ezd.example/sprawy/77' },
};

describe('ElasticsearchIndexer', () => {
  it('detects analysis-stempel on every node through _nodes/plugins', async () => {
    let answer = nodes([['analysis-stempel'], ['analysis-icu', 'analysis-stempel']]);
    cluster = fakeCluster(() => [200, answer]);
    expect(await indexer().detectStempel()).toBe(true);
    expect(cluster.requests[0]).toMatchObject({ method: 'GET', path: '/_nodes/plugins' });
    answer = nodes([['analysis-stempel'], ['analysis-icu']]); // one node without it: the analyzer would fail there
    expect(await indexer().detectStempel()).toBe(false);
  });

  it.each([
    [true, { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'polish_stem', 'asciifolding'] }],
    [false, { type: 'custom', char_filter: ['kw_l_stroke'], tokenizer: 'standard', filter: ['lowercase', 'asciifolding'] }],
  ])('puts index templates (stempel %s) and creates each first index behind its alias', async (stempel, stemAnalyzer) => {
    cluster = fakeCluster((method, path) => {
      if (path.startsWith('/_nodes')) return [200, nodes([stempel ? ['analysis-stempel'] : []])];
      if (method === 'HEAD') return [path === '/kwerenda-pages' ? 200 : 404, {}];
      return [200, ack];
    });
    expect(await indexer().ensureIndices()).toEqual({ stempel, created: true }); // three of four were missing
    const templates = cluster.requests.filter((r) => r.path.startsWith('/_index_template/'));
    expect(templates.map((r) => r.path)).toEqual(['documents', 'pages', 'chunks', 'metadata'].map((k) => `/_index_template/kwerenda-${k}`));
    const chunks = templates[2]!.body as any;
    expect(chunks.index_patterns).toEqual(['kwerenda-chunks-*']);
    expect(chunks.template.settings.analysis.analyzer.kw_stem).toEqual(stemAnalyzer);
    expect(chunks.template.settings.analysis.char_filter.kw_l_stroke).toEqual({ type: 'mapping', mappings: ['ł => l', 'Ł => L'] });
    const props = chunks.template.mappings.properties;
    expect(props.embedding).toEqual({ type: 'dense_vector', dims: 3, index: true, similarity: 'cosine', index_options: { type: 'int8_hnsw' } });
    expect(props.text).toMatchObject({ analyzer: 'kw_folded', fields: { stem: { analyzer: 'kw_stem' }, trigram: { analyzer: 'kw_trigram' } } });
    expect(props.restrictions).toEqual({ type: 'nested', properties: { principals: { type: 'keyword' } } });
    expect(props.case_number.fields.folded).toEqual({ type: 'keyword', normalizer: 'kw_fold' });
    expect(props.parcels.properties.precinct.fields.folded.normalizer).toBe('kw_fold');
    // kwerenda-pages exists already: left alone; the others are created with their alias.
    const created = cluster.requests.filter((r) => r.method === 'PUT' && !r.path.startsWith('/_index_template'));
    expect(created.map((r) => [r.path, r.body])).toEqual(['documents', 'chunks', 'metadata'].map((k) => [
      `/kwerenda-${k}-000001`, { aliases: { [`kwerenda-${k}`]: { is_write_index: true } } },
    ]));
  });

  it('starts when another process created an index between its check and its create (app and workers start together)', async () => {
    cluster = fakeCluster((method, path) => {
      if (path.startsWith('/_nodes')) return [200, nodes([[]])];
      if (method === 'HEAD') return [404, {}];
      if (method === 'PUT' && path === '/kwerenda-chunks-000001') {
        return [400, { error: { type: 'resource_already_exists_exception', reason: 'index [kwerenda-chunks-000001] already exists' }, status: 400 }];
      }
      if (method === 'PUT' && path === '/kwerenda-metadata-000001') return [400, { error: { type: 'mapper_parsing_exception', reason: 'bad' }, status: 400 }];
      return [200, ack];
    });
    await expect(indexer().ensureIndices()).rejects.toMatchObject({ meta: { statusCode: 400 } }); // any other refusal still stops the start
    const creates = cluster.requests.filter((r) => r.method === 'PUT' && !r.path.startsWith('/_index_template')).map((r) => r.path);
    expect(creates).toEqual(['/kwerenda-documents-000001', '/kwerenda-pages-000001', '/kwerenda-chunks-000001', '/kwerenda-metadata-000001']);
  });

  it('writes a document pending, then flips its parts and finally the document to ready', async () => {
    cluster = fakeCluster((method, path, body) => {
      if (method === 'GET') return [404, { _index: 'kwerenda-documents-000001', _id: ID, found: false }];
      const items = (body as object[]).filter((_l, i) => i % 2 === 0).map((a) => ({ [Object.keys(a)[0]!]: { _id: 'x', status: 200 } }));
      return [200, { took: 1, errors: false, items }];
    });
    expect(await indexer().indexDocument(DOC)).toBe('indexed');
    const bulks = cluster.requests.filter((r) => r.path.startsWith('/_bulk'));
    expect(bulks.map((r) => r.path)).toEqual(['/_bulk?refresh=false', '/_bulk?refresh=wait_for', '/_bulk?refresh=wait_for']);
    const [write, parts, last] = bulks.map((r) => r.body as any[]);
    expect(write!.filter((_l, i) => i % 2 === 0)).toEqual([
      { index: { _index: 'kwerenda-pages', _id: `${ID}-p1` } },
      { index: { _index: 'kwerenda-chunks', _id: `${ID}-000000` } },
      { index: { _index: 'kwerenda-metadata', _id: `${ID}-m0` } },
      { index: { _index: 'kwerenda-documents', _id: ID } },
    ]);
    const [page, chunk, meta, doc] = write!.filter((_l, i) => i % 2 === 1);
    for (const r of [page, chunk, meta, doc]) {
      expect(r).toMatchObject({
        doc_id: ID, status: 'pending', restriction_count: 1, restrictions: [{ principals: ['user:anna', 'role:supervisor'] }],
        case_number: 'WUA-ZRB.6740.1.1.2019', doc_type: 'decyzja', doc_date: '2019-03-14', parcels: [{ number: '45/7', precinct: 'Oporów' }],
      });
    }
    expect(page).toMatchObject({ page: 1, text: DOC.pages[0]!.text, words: [[0, 7, 0.1, 0.2, 0.2123, 0.25, 91]], source: 'ocr' });
    expect(chunk).toMatchObject({ chunk_key: `${ID}-000000`, seq: 0, page: 1, start: 0, end: 25, embedding: [1, 0, 0] });
    expect(meta).toMatchObject({ kind: 'parcel', value: '45/7', precinct: 'Oporów', extra: { obreb: 'Oporów' } });
    expect(doc).toMatchObject({ sha256: SHA, external_id: 'EZD/2019/77', external_url: 'https://ezd.example/sprawy/77', filename: 'decyzja.pdf', page_count: 1, ocr_pages: 1, mean_confidence: 88, metadata: DOC.metadata });
    expect(parts).toEqual([`${ID}-p1`, `${ID}-000000`, `${ID}-m0`].flatMap((id, i) => [
      { update: { _index: `kwerenda-${['pages', 'chunks', 'metadata'][i]}`, _id: id } }, { doc: { status: 'ready' } },
    ]));
    expect(last).toEqual([{ update: { _index: 'kwerenda-documents', _id: ID } }, { doc: { status: 'ready' } }]);
  });

  it('skips a document already ready under its record id', async () => {
    cluster = fakeCluster(() => [200, { _index: 'kwerenda-documents-000001', _id: ID, found: true, _source: { status: 'ready' } }]);
    expect(await indexer().indexDocument(DOC)).toBe('skipped');
    expect(cluster.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('retries only the items refused for load, and fails the document on any other refusal', async () => {
    waits.length = 0;
    let bulkCalls = 0;
    cluster = fakeCluster((method, path, body) => {
      if (method === 'GET') return [404, { found: false }];
      bulkCalls++;
      const actions = (body as object[]).filter((_l, i) => i % 2 === 0);
      // First write: the chunk is refused (429 es_rejected_execution_exception).
      const items = actions.map((a) => {
        const op = Object.keys(a)[0]!;
        const id = (a as any)[op]._id as string;
        const refused = bulkCalls === 1 && id.endsWith('-000000');
        return { [op]: refused ? { _id: id, status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } } : { _id: id, status: 201 } };
      });
      return [200, { took: 1, errors: items.some((i) => (Object.values(i)[0] as any).error), items }];
    });
    expect(await indexer().indexDocument(DOC)).toBe('indexed');
    const bulks = cluster.requests.filter((r) => r.path.startsWith('/_bulk'));
    expect((bulks[1]!.body as any[])).toEqual([{ index: { _index: 'kwerenda-chunks', _id: `${ID}-000000` } }, expect.objectContaining({ seq: 0 })]);
    expect(waits).toEqual([100]);

    cluster.done();
    cluster = fakeCluster((method, _p, body) => {
      if (method === 'GET') return [404, { found: false }];
      const items = (body as object[]).filter((_l, i) => i % 2 === 0).map((a) => ({ index: { _id: (a as any).index._id, status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse' } } }));
      return [200, { took: 1, errors: true, items }];
    });
    await expect(indexer().indexDocument(DOC)).rejects.toThrow(/refused 4 record\(s\): .*mapper_parsing_exception/);
    // Nothing was flipped to ready: the document stays invisible.
    expect(cluster.requests.filter((r) => r.path.includes('wait_for'))).toEqual([]);
  });

  it('backs off on whole requests answered 429 or 503, then succeeds; gives up after its attempts', async () => {
    waits.length = 0;
    const refusals: [number, unknown][] = [
      [429, { error: { type: 'circuit_breaking_exception', reason: 'too much' }, status: 429 }],
      [503, { error: { type: 'unavailable_shards_exception', reason: 'no shard' }, status: 503 }],
    ];
    const answers = [...refusals];
    cluster = fakeCluster(() => answers.shift() ?? [200, ack]); // HEAD answered 200: the aliases exist
    await indexer().ensureIndices(false);
    expect(cluster.requests.map((r) => `${r.method} ${r.path}`).slice(0, 4)).toEqual([
      'PUT /_index_template/kwerenda-documents', 'PUT /_index_template/kwerenda-documents', 'PUT /_index_template/kwerenda-documents',
      'HEAD /kwerenda-documents',
    ]);
    expect(waits).toEqual([100, 200]);
    cluster.done();
    cluster = fakeCluster(() => refusals[0]!);
    await expect(indexer().ensureIndices(false)).rejects.toThrow(/circuit_breaking_exception/);
    expect(cluster.requests).toHaveLength(6); // the default six attempts
  });
});

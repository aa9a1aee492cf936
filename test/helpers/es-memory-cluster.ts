/**
 * A small in-memory stand-in for an Elasticsearch 8 cluster at the HTTP level (nock), for tests of
 * how kwerenda keeps its index in step with the archive: indices and aliases, templates, `_doc`
 * reads, `_bulk` index/update, `_update_by_query` (the restriction script), `_aliases`, refresh and
 * delete. Searches are not modelled (server/search/elasticsearch/es-backend.test.ts checks the
 * queries; test/contract runs them against a real cluster). Replies follow the Elasticsearch API
 * and carry `x-elastic-product`, as the client requires. `fail` lets a test refuse requests.
 */
import nock from 'nock';
import { ES_HEADERS, ES_URL } from '../../server/search/elasticsearch/es-test-kit.js';

type Source = Record<string, unknown>;

export interface MemoryCluster {
  /** index name → id → source */
  indices: Map<string, Map<string, Source>>;
  /** alias → index names (the first is the write index) */
  aliases: Map<string, string[]>;
  requests: { method: string; path: string }[];
  /** Return a reply to refuse a request (e.g. `[503, {...}]`), or undefined to serve it. */
  fail: ((method: string, path: string) => [number, unknown] | undefined) | null;
  /** Sources of an alias's (or index's) documents. */
  docs(name: string): Map<string, Source>;
  done(): void;
}

export function memoryCluster(): MemoryCluster {
  const c: MemoryCluster = {
    indices: new Map(),
    aliases: new Map(),
    requests: [],
    fail: null,
    docs(name) {
      const out = new Map<string, Source>();
      for (const i of resolve(name)) for (const [id, s] of c.indices.get(i) ?? []) out.set(id, s);
      return out;
    },
    done() {
      scope.persist(false);
      nock.cleanAll();
      nock.enableNetConnect();
    },
  };
  const resolve = (name: string): string[] => {
    const names = name.split(',').filter(Boolean);
    return names.flatMap((n) => {
      if (c.aliases.has(n)) return c.aliases.get(n)!;
      if (n.endsWith('*')) return [...c.indices.keys()].filter((i) => i.startsWith(n.slice(0, -1)));
      return c.indices.has(n) ? [n] : [];
    });
  };
  const writeIndex = (name: string): string => (c.aliases.has(name) ? c.aliases.get(name)![0]! : name);
  const ok = { acknowledged: true };

  function handle(method: string, url: URL, body: unknown): [number, unknown] {
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === '_nodes') return [200, { _nodes: { total: 1, successful: 1, failed: 0 }, cluster_name: 'memory', nodes: { n0: { name: 'n0', plugins: [] } } }];
    if (parts[0] === '_index_template') return [200, ok];
    if (parts[0] === '_alias') {
      const found = c.aliases.get(parts[1]!);
      if (!found) return [404, { error: 'alias [' + parts[1] + '] missing', status: 404 }];
      return [200, Object.fromEntries(found.map((i) => [i, { aliases: { [parts[1]!]: {} } }]))];
    }
    if (parts[0] === '_aliases') {
      for (const a of (body as { actions: Record<string, { index: string; alias: string }>[] }).actions) {
        const [kind, x] = Object.entries(a)[0]!;
        const list = c.aliases.get(x.alias) ?? [];
        c.aliases.set(x.alias, kind === 'add' ? [x.index, ...list.filter((i) => i !== x.index)] : list.filter((i) => i !== x.index));
      }
      return [200, ok];
    }
    if (parts[0] === '_bulk') {
      const lines = body as Source[];
      const items: unknown[] = [];
      for (let i = 0; i < lines.length; i += 2) {
        const [op, meta] = Object.entries(lines[i]!)[0] as [string, { _index: string; _id: string }];
        const index = writeIndex(meta._index);
        if (!c.indices.has(index)) c.indices.set(index, new Map()); // as a cluster with templates would
        const docs = c.indices.get(index)!;
        if (op === 'index') docs.set(meta._id, structuredClone(lines[i + 1]!));
        else if (op === 'update') {
          const prev = docs.get(meta._id);
          if (!prev) {
            items.push({ update: { _index: index, _id: meta._id, status: 404, error: { type: 'document_missing_exception', reason: 'missing' } } });
            continue;
          }
          docs.set(meta._id, { ...prev, ...((lines[i + 1] as { doc: Source }).doc) });
        }
        items.push({ [op]: { _index: index, _id: meta._id, status: 200, result: 'updated' } });
      }
      return [200, { took: 1, errors: items.some((it) => Object.values(it as object)[0].error), items }];
    }
    const target = parts[0]!;
    const action = parts[1];
    if (action === '_doc') {
      const index = writeIndex(target);
      const doc = c.indices.get(index)?.get(parts[2]!);
      return doc ? [200, { _index: index, _id: parts[2], found: true, _source: doc }] : [404, { _index: index, _id: parts[2], found: false }];
    }
    if (action === '_mget') {
      const index = writeIndex(target);
      const ids = (body as { ids: string[] }).ids;
      return [200, { docs: ids.map((id) => {
        const doc = c.indices.get(index)?.get(id);
        return doc ? { _index: index, _id: id, found: true, _source: doc } : { _index: index, _id: id, found: false };
      }) }];
    }
    if (action === '_update_by_query') {
      const q = body as { query: { terms: { doc_id: string[] } }; script: { params: { rules: unknown; count: number } } };
      let updated = 0;
      for (const i of resolve(target)) {
        for (const [id, s] of c.indices.get(i) ?? []) {
          if (!q.query.terms.doc_id.includes(String(s.doc_id))) continue;
          c.indices.get(i)!.set(id, { ...s, restrictions: q.script.params.rules, restriction_count: q.script.params.count });
          updated++;
        }
      }
      return [200, { took: 1, timed_out: false, total: updated, updated, failures: [] }];
    }
    if (action === '_refresh') return [200, { _shards: { total: 1, successful: 1, failed: 0 } }];
    if (method === 'HEAD') return [resolve(target).length > 0 ? 200 : 404, ''];
    if (method === 'PUT') {
      if (c.indices.has(target)) return [400, { error: { type: 'resource_already_exists_exception', reason: target }, status: 400 }];
      c.indices.set(target, new Map());
      for (const alias of Object.keys((body as { aliases?: object } | undefined)?.aliases ?? {})) c.aliases.set(alias, [target, ...(c.aliases.get(alias) ?? [])]);
      return [200, { ...ok, shards_acknowledged: true, index: target }];
    }
    if (method === 'GET') return [200, Object.fromEntries(resolve(target).map((i) => [i, { aliases: {}, mappings: {}, settings: {} }]))];
    if (method === 'DELETE') {
      for (const i of resolve(target)) {
        c.indices.delete(i);
        for (const [a, list] of c.aliases) c.aliases.set(a, list.filter((x) => x !== i));
      }
      return [200, ok];
    }
    return [400, { error: { type: 'unsupported', reason: `${method} ${url.pathname}` }, status: 400 }];
  }

  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/); // the test's own HTTP server
  const scope = nock(ES_URL).persist();
  for (const method of ['GET', 'POST', 'PUT', 'HEAD', 'DELETE']) {
    scope.intercept(() => true, method).reply(function (uri, raw) {
      const url = new URL(uri, ES_URL);
      c.requests.push({ method, path: decodeURIComponent(url.pathname) + url.search });
      const refused = c.fail?.(method, decodeURIComponent(url.pathname));
      if (refused) return [refused[0], JSON.stringify(refused[1]), ES_HEADERS];
      const text = typeof raw === 'string' ? raw : raw === undefined ? '' : JSON.stringify(raw);
      let body: unknown;
      if (text !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          body = text.trim().split('\n').map((l) => JSON.parse(l) as unknown);
        }
      }
      const [status, out] = handle(method, url, body);
      return [status, method === 'HEAD' ? '' : JSON.stringify(out), ES_HEADERS];
    });
  }
  return c;
}

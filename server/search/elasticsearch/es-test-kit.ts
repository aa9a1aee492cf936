/**
 * Test helpers: an Elasticsearch client that nock can intercept (the default undici connection
 * escapes nock, so `HttpConnection`), and a fake cluster at the HTTP level that records every
 * request body and answers with replies shaped like the Elasticsearch 8 API. Not used by the app.
 */
import { Client, HttpConnection } from '@elastic/elasticsearch';
import nock from 'nock';

export const ES_URL = 'http://es.test:9200';
/** Every Elasticsearch reply carries it; the client refuses a server without it. */
export const ES_HEADERS = { 'x-elastic-product': 'Elasticsearch', 'content-type': 'application/json' };

/** A client on the nock-able HTTP connection, with the client's own retries off (ours are tested). */
export function testClient(): Client {
  return new Client({ node: ES_URL, Connection: HttpConnection, maxRetries: 0 });
}

export interface Recorded {
  method: string;
  path: string;
  body: unknown;
}

/**
 * Intercepts requests to ES_URL: `reply(method, path, body)` chooses each answer `[status, body]`.
 * Every request is recorded (NDJSON bodies as arrays of lines); anything not answered fails the test.
 */
export function fakeCluster(reply: (method: string, path: string, body: unknown) => [number, unknown]): { requests: Recorded[]; done(): void } {
  const requests: Recorded[] = [];
  nock.disableNetConnect();
  const scope = nock(ES_URL).persist();
  for (const method of ['GET', 'POST', 'PUT', 'HEAD', 'DELETE']) {
    scope.intercept(() => true, method).reply(function (uri, raw) {
      const text = typeof raw === 'string' ? raw : raw === undefined ? '' : JSON.stringify(raw);
      let body: unknown = text;
      if (text !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          body = text.trim().split('\n').map((l) => JSON.parse(l) as unknown);
        }
      }
      const path = decodeURIComponent(uri);
      requests.push({ method, path, body });
      const [status, out] = reply(method, path, body);
      return [status, JSON.stringify(out), ES_HEADERS];
    });
  }
  return {
    requests,
    done() {
      scope.persist(false);
      nock.cleanAll();
      nock.enableNetConnect();
    },
  };
}

/** A search reply with these hits. */
export function searchReply(hits: { _id: string; _score?: number | null; _source?: unknown }[]): unknown {
  return {
    took: 1, timed_out: false, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
    hits: { total: { value: hits.length, relation: 'eq' }, max_score: null, hits: hits.map((h) => ({ _index: 'kwerenda-chunks-000001', ...h })) },
  };
}

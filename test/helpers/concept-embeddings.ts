/**
 * A small deterministic embedding model behind an OpenAI-compatible `POST /v1/embeddings` (node:http
 * on 127.0.0.1, port 0), for tests that move an archive from the offline hashing embedder to a
 * "real" model: words are folded and mapped to concepts (so "parking" and "garaż" meet, which
 * character n-grams never do) with an axis each; other words share the remaining axes, placed by a
 * hash seeded by the model name (so two models give different vectors).
 * `delayMs` slows every answer (to kill a client mid-way); `requests` counts the calls.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const CONCEPT_DIMENSIONS = 32;

/** Folded word → concept. */
const CONCEPTS: Record<string, string> = {
  parking: 'garaz',
  garaz: 'garaz',
  garazu: 'garaz',
  garazowego: 'garaz',
  garazowy: 'garaz',
  samochodow: 'garaz',
  samochodowy: 'garaz',
  ogrodzenie: 'plot',
  ogrodzenia: 'plot',
  plot: 'plot',
  parkan: 'plot',
};

const WORD = /[\p{L}\p{N}]+/gu;
const MARKS = /\p{M}/gu;

function fold(word: string): string {
  return word.toLowerCase().replaceAll('ł', 'l').normalize('NFD').replace(MARKS, '');
}

/** Concepts have axes of their own; other words share the rest, placed by a hash seeded by the model. */
const CONCEPT_AXES = [...new Set(Object.values(CONCEPTS))];

function axis(word: string, seed: string): number {
  const own = CONCEPT_AXES.indexOf(CONCEPTS[word] ?? '');
  if (own >= 0) return own;
  let h = 0x811c9dc5;
  for (const ch of `${seed}|${word}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return CONCEPT_AXES.length + (h % (CONCEPT_DIMENSIONS - CONCEPT_AXES.length));
}

/** The model's vector of `text` (not normalised: the client normalises). */
export function conceptVector(text: string, model: string): number[] {
  const v = new Array<number>(CONCEPT_DIMENSIONS).fill(0);
  for (const m of text.matchAll(WORD)) {
    const w = fold(m[0]);
    v[axis(w, model)]! += CONCEPTS[w] ? 3 : 1;
  }
  if (!v.some((x) => x !== 0)) v[CONCEPT_DIMENSIONS - 1] = 1;
  return v;
}

export interface ConceptServer {
  /** `http://127.0.0.1:PORT/v1` */
  baseUrl: string;
  delayMs: number;
  requests: number;
  close(): Promise<void>;
}

export async function startConceptServer(): Promise<ConceptServer> {
  const state = { delayMs: 0, requests: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
        res.writeHead(404).end();
        return;
      }
      state.requests++;
      const parsed = JSON.parse(body) as { model: string; input: string | string[] };
      const inputs = Array.isArray(parsed.input) ? parsed.input : [parsed.input];
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            object: 'list',
            model: parsed.model,
            data: inputs.map((t, index) => ({ object: 'embedding', index, embedding: conceptVector(t, parsed.model) })),
            usage: { prompt_tokens: 0, total_tokens: 0 },
          }),
        );
      };
      if (state.delayMs > 0) setTimeout(answer, state.delayMs);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(ms: number) {
      state.delayMs = ms;
    },
    get requests() {
      return state.requests;
    },
    set requests(n: number) {
      state.requests = n;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

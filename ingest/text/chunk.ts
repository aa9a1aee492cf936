/**
 * Page-aware chunking for retrieval. A chunk never crosses a page, and
 * `chunk.text === pageText.slice(chunk.start, chunk.end)` always holds.
 *
 * A page is cut greedily: each chunk ends at the boundary closest to `targetChars` from its start
 * (within [targetChars / 2, maxChars]), preferring paragraph breaks, then sentence ends, then
 * clause ends (";" ":"), then word ends. The next chunk starts up to `overlapChars` earlier, at a
 * word start.
 */
import type { Chunk } from '../types.js';
import { findBoundaries } from './sentences.js';
import { lowerBound, upperBound } from './util.js';

export interface ChunkOptions {
  targetChars?: number;
  maxChars?: number;
  overlapChars?: number;
}

const WS = /\s/u;

function isWs(text: string, i: number): boolean {
  const ch = text[i];
  return ch !== undefined && WS.test(ch);
}

/** The candidate in [lo, hi] closest to `target`, or undefined. */
function closest(sorted: readonly number[], lo: number, hi: number, target: number): number | undefined {
  const a = lowerBound(sorted, lo);
  const b = upperBound(sorted, hi);
  if (a >= b) return undefined;
  const k = lowerBound(sorted, target);
  let best: number | undefined;
  for (const i of [k - 1, k]) {
    if (i < a || i >= b) continue;
    const v = sorted[i]!;
    if (best === undefined || Math.abs(v - target) < Math.abs(best - target)) best = v;
  }
  return best ?? sorted[k < a ? a : b - 1];
}

function resolveOptions(opts: ChunkOptions) {
  const int = (v: number | undefined, d: number) =>
    v !== undefined && Number.isFinite(v) ? Math.max(1, Math.floor(v)) : d;
  const target = int(opts.targetChars, 700);
  const max = Math.max(target, int(opts.maxChars, Math.max(1000, target)));
  const minLen = Math.max(1, Math.floor(target / 2));
  const rawOverlap = opts.overlapChars ?? 100;
  const overlap = Number.isFinite(rawOverlap) ? Math.max(0, Math.floor(rawOverlap)) : 0;
  // Overlap must stay below the minimum advance so chunking always progresses.
  return { target, max, minLen, overlap: Math.min(overlap, Math.floor(minLen / 2)) };
}

/** Chunk one page's text (trimmed bounds [from, to)). */
function chunkText(page: number, text: string, opts: ReturnType<typeof resolveOptions>): Chunk[] {
  let from = 0;
  let to = text.length;
  while (from < to && isWs(text, from)) from++;
  while (to > from && isWs(text, to - 1)) to--;
  if (from >= to) return [];
  const make = (s: number, e: number): Chunk => {
    while (e > s && isWs(text, e - 1)) e--;
    return { page, start: s, end: e, text: text.slice(s, e) };
  };
  if (to - from <= opts.target) return [make(from, to)];

  const b = findBoundaries(text);
  const wordStarts: number[] = [];
  for (let i = from; i < to; i++) if (!isWs(text, i) && (i === 0 || isWs(text, i - 1))) wordStarts.push(i);

  const chunks: Chunk[] = [];
  let pos = from;
  while (pos < to) {
    if (to - pos <= opts.max) {
      chunks.push(make(pos, to));
      break;
    }
    const lo = pos + opts.minLen;
    const hi = pos + opts.max;
    const target = pos + opts.target;
    let cut =
      closest(b.paragraph, lo, hi, target) ??
      closest(b.sentence, lo, hi, target) ??
      closest(b.clause, lo, hi, target) ??
      closest(b.word, lo, hi, target) ??
      closest(b.word, pos + 1, hi, hi); // a short run of words followed by a very long "word"
    let hard = false;
    if (cut === undefined) {
      // No whitespace at all in the window: cut the oversized token, keeping surrogate pairs.
      cut = hi;
      const code = text.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut--;
      hard = true;
    }
    const chunk = make(pos, cut);
    if (chunk.end > chunk.start) chunks.push(chunk);
    // Next start: first word start inside the overlap window, else the first word after the cut.
    let next: number | undefined;
    if (!hard && opts.overlap > 0) {
      const k = lowerBound(wordStarts, Math.max(pos + 1, cut - opts.overlap));
      const v = wordStarts[k];
      if (v !== undefined && v < cut) next = v;
    }
    if (next === undefined) {
      next = cut;
      while (next < to && isWs(text, next)) next++;
    }
    pos = next;
  }
  return chunks;
}

export function chunkPages(
  pages: readonly { page: number; text: string }[],
  opts: ChunkOptions = {},
): Chunk[] {
  const o = resolveOptions(opts);
  const out: Chunk[] = [];
  for (const p of pages) {
    if (typeof p.text !== 'string') continue;
    out.push(...chunkText(p.page, p.text, o));
  }
  return out;
}

/**
 * Citation verification: the last gate before a response leaves the server. A citation survives
 * only when its quote is exactly the stored page text between its offsets; anything else is
 * dropped (and the caller logs it) — never repaired, by a model or by us.
 */
import type { Box, Citation, CitationCandidate, StoredWord } from './types.js';

export interface StoredPageText {
  text: string;
  words: StoredWord[];
}

export type CitationRejection =
  | 'page_missing'
  | 'bad_offsets'
  | 'quote_mismatch'
  | 'empty_quote'
  | 'split_character';

export type VerifyResult = { ok: true; citation: Citation } | { ok: false; reason: CitationRejection };

const MAX_QUOTE = 2000;

/** Checks one candidate against the stored page; on success attaches the word boxes it covers. */
export function verifyCitation(c: CitationCandidate, page: StoredPageText | null | undefined): VerifyResult {
  if (!page || typeof page.text !== 'string') return { ok: false, reason: 'page_missing' };
  const { start, end, quote } = c;
  const n = page.text.length;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end > n || start >= end) {
    return { ok: false, reason: 'bad_offsets' };
  }
  if (typeof quote !== 'string' || quote.trim().length === 0 || quote.length > MAX_QUOTE) {
    return { ok: false, reason: 'empty_quote' };
  }
  if (page.text.slice(start, end) !== quote) return { ok: false, reason: 'quote_mismatch' };
  if (isLowSurrogate(page.text.charCodeAt(start)) || isHighSurrogate(page.text.charCodeAt(end - 1))) {
    return { ok: false, reason: 'split_character' };
  }
  return { ok: true, citation: { page: c.page, quote, start, end, boxes: boxesFor(page.words, start, end) } };
}

/**
 * Verifies many candidates; `pageOf` returns the stored page (or null). Keeps the order of the
 * candidates and drops exact duplicates.
 */
export function verifyCitations(
  candidates: readonly CitationCandidate[],
  pageOf: (documentId: string, page: number) => StoredPageText | null | undefined,
): { citations: Citation[]; rejected: { candidate: CitationCandidate; reason: CitationRejection }[] } {
  const citations: Citation[] = [];
  const rejected: { candidate: CitationCandidate; reason: CitationRejection }[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    const r = verifyCitation(c, pageOf(c.documentId, c.page));
    if (!r.ok) {
      rejected.push({ candidate: c, reason: r.reason });
      continue;
    }
    const key = `${c.documentId}:${c.page}:${c.start}:${c.end}`;
    if (seen.has(key)) continue;
    seen.add(key);
    citations.push(r.citation);
  }
  return { citations, rejected };
}

/** Boxes of the words overlapping [start, end); adjacent words on one line are merged. */
export function boxesFor(words: readonly StoredWord[], start: number, end: number): Box[] {
  const boxes: Box[] = [];
  for (const w of words) {
    if (!Array.isArray(w) || w.length < 6) continue;
    const [ws, we, x0, y0, x1, y1] = w;
    if (we <= start || ws >= end) continue;
    if (![x0, y0, x1, y1].every((v) => typeof v === 'number' && Number.isFinite(v))) continue;
    const last = boxes[boxes.length - 1];
    if (last && sameLine(last, y0, y1) && x0 >= last.x0 && x0 - last.x1 < 0.05) {
      last.x1 = Math.max(last.x1, x1);
      last.y0 = Math.min(last.y0, y0);
      last.y1 = Math.max(last.y1, y1);
    } else {
      boxes.push({ x0, y0, x1, y1 });
    }
  }
  return boxes.map((b) => ({ x0: r4(b.x0), y0: r4(b.y0), x1: r4(b.x1), y1: r4(b.y1) }));
}

function sameLine(b: Box, y0: number, y1: number): boolean {
  const overlap = Math.min(b.y1, y1) - Math.max(b.y0, y0);
  return overlap > 0.5 * Math.min(b.y1 - b.y0, y1 - y0);
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
function r4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/**
 * Searching as a role that may not see PESEL or identity-card numbers (KWERENDA_PESEL_VISIBLE_ROLES):
 * such a search must not find a document through the digits of one — not the whole number, not a
 * part of it (the birth-date half), not the glued form of a spaced one — or the results would tell
 * whose number it is.
 *
 * Why here and not in the indexes: both backends index the page text as it is (supervisors search
 * by these numbers; a second, masked index would double each backend's keyword index and need a
 * reindex), and the word index splits "850101 12345" into tokens that are ordinary numbers, so no
 * query-side rule can tell "770707" from a house number. What can tell is the text
 * a hit matched: a keyword hit counts for such a role only when its query still matches the chunk
 * with identifiers masked (security/identifiers.ts, read on the whole page, since a chunk may cut a
 * number in half). Matching follows the word index of both backends (FTS5 unicode61 and the
 * Elasticsearch `kw_words` tokenizer: runs of letters and digits, folded), so it runs on the chunks
 * either backend returns. Only terms that could lie inside an identifier — with a digit, or a word
 * of three letters (an identity-card series) — are checked, so a question of plain words costs
 * nothing. A similarity search cannot say where its match came from, so its query loses the
 * numbers that could be part of an identifier instead.
 */
import { fold } from '../../ingest/metadata/common.js';
import type { ChunkHit, ChunkRecord, KeywordQuery, PageRecord, QueryTerm, TermForm } from '../domain/types.js';
import { maskIdentifiers } from '../security/masking.js';
import { tokenize } from '../search/polish.js';

const WORD = /[\p{L}\p{N}]+/gu;

/** Tokens as the word index of either backend makes them: runs of letters and digits, folded. */
export function indexTokens(text: string): string[] {
  return fold(text).match(WORD) ?? [];
}

/** Whether a term could match inside a PESEL or identity-card number (a digit, or a three-letter word). */
export function mayTouchIdentifier(term: QueryTerm): boolean {
  return term.forms.some((f) => indexTokens(f.text).some((t) => /\p{N}/u.test(t) || t.length <= 3));
}

function formMatches(tokens: readonly string[], form: TermForm): boolean {
  const want = indexTokens(form.text);
  if (want.length === 0) return false;
  for (let i = 0; i + want.length <= tokens.length; i++) {
    let ok = true;
    for (let j = 0; j < want.length && ok; j++) {
      const last = j === want.length - 1;
      ok = form.prefix && last ? tokens[i + j]!.startsWith(want[j]!) : tokens[i + j] === want[j];
    }
    if (ok) return true;
  }
  return false;
}

/**
 * Whether `query` matches `maskedText` (a chunk with identifiers masked): for `all`, every term that
 * could touch an identifier is still there; for `any`, some term is.
 */
export function matchesOutsideIdentifiers(maskedText: string, query: KeywordQuery): boolean {
  const tokens = indexTokens(maskedText);
  const found = (t: QueryTerm) => t.forms.some((f) => formMatches(tokens, f));
  if (query.match === 'any') return query.terms.some(found);
  return query.terms.filter(mayTouchIdentifier).every(found);
}

/** Digits a number in a similarity query may have before it could be part of an identifier (the 5-digit tail of a PESEL). */
const MAX_PLAIN_DIGITS = 4;

/**
 * A similarity query without the numbers that could be part of a PESEL or identity-card number:
 * personal numbers themselves and any plain run of five or more digits (the halves "770707" and
 * "11118"). Numbers with marks stay: dates, signatures ("II OSK 2749/20"), parcels ("1700/1").
 * Null when nothing searchable is left.
 */
export function similarityQuery(query: string): string | null {
  let out = '';
  let at = 0;
  for (const t of tokenize(query)) {
    const number = t.kind === 'compound' && /^\d+$/.test(t.text) && t.text.length > MAX_PLAIN_DIGITS;
    if (t.kind !== 'personal' && !number) continue;
    out += query.slice(at, t.start) + ' ';
    at = t.end;
  }
  out = (out + query.slice(at)).replace(/\s+/g, ' ').trim();
  return /[\p{L}\p{N}]/u.test(out) ? out : null;
}

/**
 * Whether a chunk may cut an identifier in half: a digit near either edge (a written PESEL is at most
 * ~30 characters), or a last word of three letters (the series of an identity card, its digits in
 * the next chunk). Only then is its page read.
 */
const EDGE = 32;
function cutRisk(c: ChunkRecord): boolean {
  const head = c.start > 0 && /\p{N}/u.test(c.text.slice(0, EDGE));
  return head || /\p{N}/u.test(c.text.slice(-EDGE)) || /(?<![\p{L}\p{N}])\p{L}{3}[^\p{L}\p{N}]*$/u.test(c.text);
}

/**
 * The hits of `query` that match outside identifiers, for a role that may not see them. `chunks` and
 * `page` read as the searching viewer.
 */
export async function hitsOutsideIdentifiers(
  hits: ChunkHit[],
  query: KeywordQuery,
  read: { chunks(ids: string[]): Promise<ChunkRecord[]>; page(documentId: string, page: number): Promise<PageRecord | null> },
): Promise<ChunkHit[]> {
  if (hits.length === 0 || !query.terms.some(mayTouchIdentifier)) return hits;
  const texts = new Map((await read.chunks(hits.map((h) => h.chunkId))).map((c) => [c.chunkId, c]));
  const kept: ChunkHit[] = [];
  for (const h of hits) {
    const c = texts.get(h.chunkId);
    if (!c) continue;
    let masked = maskIdentifiers(c.text);
    if (cutRisk(c)) {
      const page = await read.page(c.documentId, c.page);
      if (page && page.text.slice(c.start, c.end) === c.text) masked = maskIdentifiers(page.text).slice(c.start, c.end);
    }
    if (matchesOutsideIdentifiers(masked, query)) kept.push(h);
  }
  return kept;
}

/**
 * Choosing what to quote: the window of a matched chunk where the question's terms are densest,
 * cut at sentence or word boundaries. Offsets are always into the stored page text, so the quote
 * can be verified (server/domain/citations.ts) and highlighted on the page image.
 */
import type { QueryTerm, TermForm } from './types.js';

export interface Span {
  start: number;
  end: number;
}

export interface Passage extends Span {
  /** Spans of matched terms inside the passage (page offsets). */
  matches: Span[];
  /** How many distinct query terms the passage contains. */
  termsMatched: number;
}

const DIACRITICS: Record<string, string> = { ą: 'a', ć: 'c', ę: 'e', ł: 'l', ń: 'n', ó: 'o', ś: 's', ź: 'z', ż: 'z' };

/**
 * Lower case with Polish diacritics removed, one UTF-16 unit for one: offsets into the folded
 * string are offsets into the original. Characters whose lower case is longer stay as they are.
 */
export function foldSameLength(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    let lower = ch.toLowerCase();
    if (lower.length !== 1) lower = ch;
    out += DIACRITICS[lower] ?? lower;
  }
  return out;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;
/** Shortest passage worth showing, characters (when the text allows). */
const MIN_CHARS = 60;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A regular expression (on folded text) for one form: whole word, prefix, or phrase with flexible spaces. */
function formPattern(form: TermForm): string | null {
  const folded = foldSameLength(form.text.normalize('NFC')).trim();
  if (!/[\p{L}\p{N}]/u.test(folded)) return null;
  const body = folded
    .split(/\s+/)
    .map((part) => escapeRe(part))
    .join('\\s+');
  return `(?<![\\p{L}\\p{N}])${body}${form.prefix ? '' : '(?![\\p{L}\\p{N}])'}`;
}

/** Every occurrence of every term in `text[from, to)`; `term` is the index of the query term. */
export function findTerms(text: string, terms: readonly QueryTerm[], from = 0, to = text.length): (Span & { term: number })[] {
  const folded = foldSameLength(text.slice(from, to));
  const out: (Span & { term: number })[] = [];
  terms.forEach((t, term) => {
    const patterns = t.forms.map(formPattern).filter((p): p is string => p !== null);
    if (patterns.length === 0) return;
    const re = new RegExp(patterns.join('|'), 'gu');
    for (const m of folded.matchAll(re)) {
      if (m[0].length === 0) continue;
      let end = m.index + m[0].length;
      // A prefix match highlights the whole word it starts.
      while (end < folded.length && WORD_CHAR.test(folded[end]!)) end++;
      out.push({ start: from + m.index, end: from + end, term });
    }
  });
  return out.sort((a, b) => a.start - b.start || b.end - a.end);
}

export interface PassageOptions {
  /** Longest passage, characters. */
  maxChars?: number;
  /** Spans that must be inside the passage when possible (e.g. an identifier found by metadata). */
  anchor?: Span;
}

/**
 * The best passage of `text[range.start, range.end)` for the terms: the window with the most distinct
 * terms (then the most matches), widened to the sentence around it when that fits, cut at word
 * boundaries. With no match, the beginning of the range.
 */
export function selectPassage(text: string, range: Span, terms: readonly QueryTerm[], opts: PassageOptions = {}): Passage | null {
  const maxChars = opts.maxChars ?? 280;
  const lo = Math.max(0, Math.min(range.start, text.length));
  const hi = Math.max(lo, Math.min(range.end, text.length));
  if (!/[\p{L}\p{N}]/u.test(text.slice(lo, hi))) return null;
  const hits = findTerms(text, terms, lo, hi);

  // Passages stay inside one paragraph (blocks separated by a blank line): OCR may order the
  // blocks of a page differently from how they are printed, so a quote across them reads oddly.
  let core: Span;
  let para: Span;
  if (opts.anchor && opts.anchor.start >= lo && opts.anchor.end <= hi && opts.anchor.start < opts.anchor.end) {
    core = { start: opts.anchor.start, end: Math.min(opts.anchor.end, opts.anchor.start + maxChars) };
    para = paragraphAround(text, core, lo, hi);
  } else if (hits.length > 0) {
    let best: { core: Span; para: Span; terms: number; count: number } | null = null;
    for (const p of paragraphs(text, lo, hi)) {
      const inside = hits.filter((h) => h.start >= p.start && h.end <= p.end);
      if (inside.length === 0) continue;
      const d = densest(inside, maxChars);
      if (!best || d.terms > best.terms || (d.terms === best.terms && d.count > best.count)) best = { core: d.span, para: p, ...d };
    }
    if (best) {
      core = best.core;
      para = best.para;
    } else {
      core = densest(hits, maxChars).span;
      para = { start: lo, end: hi };
    }
  } else {
    // Nothing to centre on: the first line of the range with real words in it.
    const first = /[\p{L}\p{N}]{3}/u.exec(text.slice(lo, hi));
    const at = first ? lo + first.index : lo;
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    core = { start: Math.max(lo, lineStart), end: Math.max(lo, lineStart) };
    para = paragraphAround(text, core, lo, hi);
  }
  const span = widen(text, core, para.start, para.end, maxChars);
  const matches = hits.filter((h) => h.start >= span.start && h.end <= span.end);
  return {
    start: span.start,
    end: span.end,
    matches: matches.map(({ start, end }) => ({ start, end })),
    termsMatched: new Set(matches.map((m) => m.term)).size,
  };
}

const BLANK_LINE = /\n[ \t]*\n/g;

/** Paragraph spans of text[lo, hi), split at blank lines. */
function paragraphs(text: string, lo: number, hi: number): Span[] {
  const out: Span[] = [];
  let start = lo;
  const slice = text.slice(lo, hi);
  for (const m of slice.matchAll(BLANK_LINE)) {
    out.push({ start, end: lo + m.index });
    start = lo + m.index + m[0].length;
  }
  out.push({ start, end: hi });
  return out.filter((p) => p.end > p.start);
}

function paragraphAround(text: string, core: Span, lo: number, hi: number): Span {
  return paragraphs(text, lo, hi).find((p) => p.start <= core.start && core.start <= p.end) ?? { start: lo, end: hi };
}

function densest(hits: readonly (Span & { term: number })[], maxChars: number): { span: Span; terms: number; count: number } {
  let best: Span = { start: hits[0]!.start, end: hits[0]!.end };
  let bestTerms = 0;
  let bestCount = 0;
  for (let i = 0; i < hits.length; i++) {
    const terms = new Set<number>();
    let end = hits[i]!.end;
    let count = 0;
    for (let j = i; j < hits.length && hits[j]!.end - hits[i]!.start <= maxChars; j++) {
      terms.add(hits[j]!.term);
      end = Math.max(end, hits[j]!.end);
      count++;
    }
    if (terms.size > bestTerms || (terms.size === bestTerms && count > bestCount)) {
      best = { start: hits[i]!.start, end };
      bestTerms = terms.size;
      bestCount = count;
    }
  }
  return { span: best, terms: bestTerms, count: bestCount };
}

/** Grows `core` towards sentence boundaries inside [lo, hi) within maxChars, then trims to words. */
function widen(text: string, core: Span, lo: number, hi: number, maxChars: number): Span {
  const room = Math.max(0, maxChars - (core.end - core.start));
  // Start: the sentence or line start before the core, if close enough; else a word start.
  let start = core.start;
  const backLimit = Math.max(lo, core.start - Math.floor(room / 2));
  for (let i = core.start; i > backLimit; i--) {
    const prev = text[i - 1]!;
    if (prev === '\n' || (/[.!?;]/.test(text[i - 2] ?? '') && /\s/.test(prev))) {
      start = i;
      break;
    }
    start = i - 1;
  }
  while (start > lo && start < core.start && WORD_CHAR.test(text[start - 1]!) && WORD_CHAR.test(text[start]!)) start++;
  // End: up to maxChars from start, at a sentence end if there is one after the core, else a word end.
  const endLimit = Math.min(hi, start + maxChars);
  let end = Math.max(core.end, Math.min(endLimit, core.end));
  let sentenceEnd = -1;
  for (let i = core.end; i < endLimit; i++) {
    if (/[.!?]/.test(text[i]!) && (i + 1 >= text.length || /\s/.test(text[i + 1]!))) {
      sentenceEnd = i + 1;
      break;
    }
    if (text[i] === '\n' && i > core.end) {
      sentenceEnd = i;
      break;
    }
  }
  // A passage of a few characters (a lone heading, a signature on its own line) says little:
  // take the following lines too, up to MIN_CHARS.
  while (sentenceEnd > 0 && sentenceEnd - start < MIN_CHARS && sentenceEnd < endLimit) {
    let next = -1;
    for (let i = sentenceEnd + 1; i < endLimit; i++) {
      if (/[.!?]/.test(text[i]!) && (i + 1 >= text.length || /\s/.test(text[i + 1]!))) {
        next = i + 1;
        break;
      }
      if (text[i] === '\n') {
        next = i;
        break;
      }
    }
    if (next < 0) break;
    sentenceEnd = next;
  }
  if (sentenceEnd > 0) end = sentenceEnd;
  else {
    end = endLimit;
    while (end > core.end && end < hi && WORD_CHAR.test(text[end - 1]!) && WORD_CHAR.test(text[end]!)) end--;
  }
  // Trim whitespace at both ends.
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  if (end <= start) return { start: core.start, end: Math.max(core.end, core.start + 1) };
  return { start, end };
}

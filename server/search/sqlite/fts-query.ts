/**
 * Turns a structured KeywordQuery into an FTS5 MATCH expression. Pure; never lets user text reach
 * the query language: every form is a double-quoted string (a quote inside is doubled), so
 * operators (AND, OR, NOT, NEAR), column filters (`:`), `*`, `^`, `-` and parentheses in a form are
 * only text for the tokenizer. Forms that could not match anything are dropped rather than sent,
 * because FTS5 answers `"x" AND ""` with no rows.
 */
import { fold } from '../../../ingest/metadata/common.js';
import { foldForIndex } from '../../../ingest/text/fold.js';
import type { KeywordQuery, TermForm } from '../../domain/types.js';

export type FtsIndex = 'words' | 'substring';

/** Caps that keep a pathological query cheap; real questions stay far below them. */
export const MAX_TERMS = 64;
export const MAX_FORMS_PER_TERM = 32;
export const MAX_FORM_CHARS = 200;

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
/** NUL ends an FTS5 string early ("unterminated string"); other controls and lone surrogates are junk. */
const JUNK = /[\p{Cc}\p{Cs}\u2028\u2029]/gu;

/**
 * Cleans one form as the index sees it: NFC, control characters and lone surrogates become
 * spaces, ł/Ł folded like the indexed text, whitespace squashed, cut to MAX_FORM_CHARS code points.
 * Returns null when the form cannot match: no letter or digit, or (substring index) fewer than
 * 3 characters, the shortest thing the trigram index can find.
 */
export function cleanForm(text: string, index: FtsIndex): string | null {
  if (typeof text !== 'string') return null;
  let s = foldForIndex(text.normalize('NFC').replace(JUNK, ' ')).replace(/\s+/gu, ' ').trim();
  const chars = [...s];
  if (chars.length > MAX_FORM_CHARS) s = chars.slice(0, MAX_FORM_CHARS).join('').trim();
  if (!LETTER_OR_DIGIT.test(s)) return null;
  if (index === 'substring' && [...s].length < 3) return null;
  return s;
}

/** `"text"` with inner quotes doubled; `"text"*` for a prefix on the word index. */
export function quoteForm(form: TermForm, index: FtsIndex): string | null {
  const text = cleanForm(form.text, index);
  if (text === null) return null;
  const quoted = `"${text.replace(/"/g, '""')}"`;
  // The trigram index already matches inside words, so a prefix adds nothing there.
  return form.prefix === true && index === 'words' ? `${quoted}*` : quoted;
}

/** One form as sent, with the folded text used to find redundant forms. */
interface Quoted {
  sql: string;
  key: string;
  prefix: boolean;
  oneWord: boolean;
}

/**
 * Forms of one term that another form of the same term already matches: on the word index a
 * one-word form starting with a prefix form ("rozbudowa" beside "rozbudow"*), on the substring index
 * a form containing another ("garażu" beside "garaż"). Each form sent costs BM25 work on every
 * matching row, so they are left out.
 */
function withoutRedundant(forms: Quoted[], index: FtsIndex): Quoted[] {
  const covers = (a: Quoted, b: Quoted): boolean => {
    if (index === 'substring') return b.key.includes(a.key);
    if (a.prefix) return b.key.startsWith(a.key) && (b.prefix || b.oneWord);
    return !b.prefix && a.key === b.key;
  };
  // Of two forms that cover each other (the same folded text), the first one stays.
  return forms.filter((b, i) => !forms.some((a, j) => j !== i && covers(a, b) && (j < i || !covers(b, a))));
}

/**
 * The MATCH expression for `query` on the given index, or null when nothing searchable is left
 * (the caller then returns no hits). `all`: AND of terms, each an OR of its forms; `any`: OR of
 * every form of every term. Duplicate and redundant forms within a term are sent once.
 */
export function buildFtsMatch(query: KeywordQuery, index: FtsIndex = query.index ?? 'words'): string | null {
  const terms = Array.isArray(query?.terms) ? query.terms.slice(0, MAX_TERMS) : [];
  const groups: string[][] = [];
  for (const term of terms) {
    const forms = Array.isArray(term?.forms) ? term.forms.slice(0, MAX_FORMS_PER_TERM) : [];
    const quoted = new Map<string, Quoted>();
    for (const f of forms) {
      const sql = f && typeof f === 'object' ? quoteForm(f, index) : null;
      if (sql === null || quoted.has(sql)) continue;
      const text = cleanForm(f.text, index)!;
      const prefix = sql.endsWith('*');
      quoted.set(sql, { sql, key: fold(text), prefix, oneWord: /^[\p{L}\p{N}]+$/u.test(text) });
    }
    const kept = withoutRedundant([...quoted.values()], index).map((q) => q.sql);
    if (kept.length > 0) groups.push(kept);
  }
  if (groups.length === 0) return null;
  if (query.match === 'any') {
    return [...new Set(groups.flat())].join(' OR ');
  }
  return groups.map((g) => (g.length === 1 ? g[0]! : `(${g.join(' OR ')})`)).join(' AND ');
}

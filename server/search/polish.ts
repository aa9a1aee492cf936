/**
 * Polish query terms. A clerk's words become `QueryTerm`s whose forms find the inflected forms a
 * document uses (decyzja → decyzji, decyzję; działka → działce, działek; wniosek → wniosku), and
 * identifiers (signatures, parcel numbers, dates, house numbers) become one phrase each, because
 * the FTS tokenizer splits them on "-", "." and "/" and only a quoted phrase keeps them together.
 *
 * Every form is folded (lower case, Polish diacritics and ł stripped): the word index folds
 * ą ć ę ń ó ś ź ż itself and stores ł as l, so folded forms match both clean text and OCR output
 * that lost its diacritics. Stems are light on purpose: only inflectional endings are cut, never
 * derivational suffixes, and a prefix shorter than MIN_PREFIX letters is never used — a short stem
 * gets its inflected forms spelled out instead ("dom" → dom, domu, domem …, not "dom*", which would
 * also find "domniemanie"). Figures: scripts/measure-stemming.ts.
 */
import { fold as foldText } from '../../ingest/metadata/common.js';
import { findDates, findSignatures, normaliseSignature } from '../../ingest/metadata/index.js';
import { signatureView } from '../../ingest/metadata/signature-view.js';
import { findIdentifiers } from '../security/identifiers.js';
import type { KeywordQuery, QueryTerm, TermForm } from '../domain/types.js';

/** Shortest stem used as a prefix; shorter stems get their forms spelled out (measured: 5 lets "budow*" find "budowlany"). */
export const MIN_PREFIX = 6;
/** Terms in one keyword query at most (a pasted page of text must not become a 2,000-branch OR). */
export const MAX_TERMS = 32;

/** Inflectional endings on folded words (ę→e, ą→a), longest first. */
const ENDINGS = [
  'iami', 'iach', 'ami', 'ach', 'ego', 'emu', 'ymi', 'imi', 'ych', 'ich', 'iem', 'iom', 'owi',
  'om', 'ow', 'em', 'ej', 'ym', 'im', 'ie', 'ia', 'iu', 'ii', 'a', 'e', 'i', 'o', 'u', 'y',
];
/** Endings spelled out for a short stem (the gen. pl. "-ów" is left out: "Oporów" is a name, not "opor" + ów). */
const SHORT_ENDINGS = ['', 'a', 'e', 'i', 'u', 'y', 'em', 'om', 'ow', 'ie', 'owi', 'ach', 'ami'];
/** Consonant alternations before the locative/dative "-e": stem end → what the inflected form ends with. */
const LOCATIVE: [string, string][] = [
  ['st', 'scie'], ['ch', 'sze'], ['k', 'ce'], ['g', 'dze'], ['t', 'cie'], ['d', 'dzie'], ['r', 'rze'],
];
/** Inflected word ends → other stems the same word may have (działce → działk-, projekcie → projekt-). */
const BACK_ALTERNATIONS: [string, string][] = [
  ['dzie', 'd'], ['cie', 't'], ['rze', 'r'], ['dze', 'g'], ['sze', 'ch'], ['ce', 'k'],
];

/** Folded question words and function words that never help a search. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a aby ale albo ani az bez by byc byl byla byli bylo byly cala calej cale caly calym co czy czego ' +
    'czyli dla do dot dotyczace dotyczacy dotyczaca dotyczacych dotyczy gdzie i ich ile im ja jak jaka ' +
    'jaki jakich jakie jakiej jakim jakis jakies jest jestem jego jej kiedy kto ktora ktore ktorego ' +
    'ktorej ktory ktorych ktorym mi mnie moze mozna na nad nam nas nie niz o od odnosnie ok okolo kolo ' +
    'oraz po pod pokaz pokazac potrzebne potrzebuje prosze przed przez przy r rok roku lata latach lat ' +
    'sa sie spr sprawa sprawach sprawie sprawy szukaj szukam ta tak takze te tego tej temat ten to ' +
    'tu tych tym u w we wszystkie wszystkich wszystko wydal wydala wydali wydana wydane wydano wydany ' +
    'wyszukaj z za zapadla zapadlo zapadly ze znajdz znalezc interesuje chodzi istnieje istnieja ' +
    'mam mamy mniej wiecej czym tez jakiekolwiek kazdy kazda kazde ul al pl os nr dz obr tj np ' +
    'pan pana panu pani panstwa spolki spolka firmy firma'
  ).split(' '),
);

/** Stop words that carry meaning inside a phrase ("brak sprzeciwu" ≠ "sprzeciw", "bez pozwolenia"). */
export const NEGATIONS: ReadonlySet<string> = new Set(['nie', 'bez']);

const FOLDED = new Map<string, string>();

/**
 * Lower case, Latin diacritics stripped, ł → l (ingest/metadata/common.ts `fold`), memoised for
 * the short strings queries are made of: reading a question folds the same words many times.
 */
export function fold(s: string): string {
  if (s.length > 64) return foldText(s);
  let f = FOLDED.get(s);
  if (f === undefined) {
    if (FOLDED.size > 20_000) FOLDED.clear();
    f = foldText(s);
    FOLDED.set(s, f);
  }
  return f;
}

/** A stem and what kind of form it gives: a prefix (long enough) or spelled-out endings. */
interface Stem {
  stem: string;
  /** Other stems of the same word (alternations, the fleeting e of "-ek"). */
  alternatives: string[];
}

function stemOf(folded: string, minPrefix: number): Stem {
  let stem = folded;
  let ending = '';
  // The longest ending that leaves at least 3 letters. The gen. pl. "-ów" only on a long stem:
  // "Oporów" is a name to keep as "oporow-", not "opor" + ów.
  for (const e of ENDINGS) {
    const rest = folded.length - e.length;
    if (!folded.endsWith(e) || rest < 3 || (e === 'ow' && rest < minPrefix)) continue;
    stem = folded.slice(0, rest);
    ending = e;
    break;
  }
  // Adjectival names and words in -ski/-cki/-dzki (Dąbrowskiej, Dąbrowski, Dąbrowska; Legnickiej):
  // the "i" belongs to some endings only, so the stem stops before it.
  if (/(?:sk|ck|dzk)i$/.test(stem) && stem.length - 1 >= minPrefix) stem = stem.slice(0, -1);
  const alternatives: string[] = [];
  if (ending.endsWith('e')) {
    for (const [end, base] of BACK_ALTERNATIONS) {
      if (!folded.endsWith(end)) continue;
      const alt = folded.slice(0, -end.length) + base;
      // "-ce" is also a plain ending of c-stems (ulice): only trust the k-reading on a long stem (działce).
      if (alt.length >= (end === 'ce' ? minPrefix : 3)) alternatives.push(alt);
    }
  }
  // The fleeting e: wniosek/wniosku, budynek/budynku, mieszkaniec/mieszkańca.
  if (ending === '' && /[^aeiouy](?:ek|ec)$/.test(folded) && folded.length >= 6) {
    alternatives.push(folded.slice(0, -2) + folded.slice(-1));
  }
  return { stem, alternatives: alternatives.filter((a) => a !== stem) };
}

/** The stem of a word (folded), then the other stems it may have: "działce" → [dzialc, dzialk]. */
export function stemKeys(word: string): string[] {
  const s = stemOf(fold(word), MIN_PREFIX);
  return [s.stem, ...s.alternatives];
}

/** True when two words are forms of one another by their stems (Leśnicy ~ Leśnica, Oporowie ~ Oporów). */
export function sameWord(a: string, b: string): boolean {
  if (fold(a) === fold(b)) return true;
  const kb = stemKeys(b);
  return stemKeys(a).some((k) => kb.includes(k));
}

/** Exact forms a stem takes, for stems too short to be a prefix. */
function spelledOut(stem: string): string[] {
  const out = SHORT_ENDINGS.map((e) => stem + e);
  for (const [end, loc] of LOCATIVE) if (stem.endsWith(end)) out.push(stem.slice(0, -end.length) + loc);
  return out;
}

/** Extra exact forms of a stem: its locative alternation and the fleeting e of "-ek" (działk- → działce, działek). */
function alternationForms(stem: string): string[] {
  const out: string[] = [];
  if (/e[kc]$/.test(stem)) return out; // "wniosek": the fleeting e is handled by its other stem
  for (const [end, loc] of LOCATIVE) {
    if (stem.endsWith(end)) {
      out.push(stem.slice(0, -end.length) + loc);
      break;
    }
  }
  if (/[^aeiouy]k$/.test(stem)) out.push(`${stem.slice(0, -1)}ek`);
  return out;
}

/**
 * Forms of one plain word: the word itself (folded), the prefix of its stem when it is at least
 * `minPrefix` letters, else its spelled-out endings, plus the forms of alternating stems.
 */
export function wordForms(word: string, minPrefix = MIN_PREFIX): TermForm[] {
  const folded = fold(word.normalize('NFC')).trim();
  if (folded === '') return [];
  const forms: TermForm[] = [{ text: folded }];
  if (!/^\p{L}+$/u.test(folded) || folded.length < 3 || isAbbreviation(word)) return forms;
  const { stem: s, alternatives } = stemOf(folded, minPrefix);
  for (const st of [s, ...alternatives]) {
    if (st.length >= minPrefix) {
      forms.push({ text: st, prefix: true });
      for (const f of alternationForms(st)) forms.push({ text: f });
    } else if (st.length >= 3) {
      for (const f of spelledOut(st)) forms.push({ text: f });
    }
  }
  return dedupeForms(forms);
}

/** "PnB", "WZ", "MPZP": capitals inside or a short all-capital word — matched exactly, never inflected. */
function isAbbreviation(word: string): boolean {
  const w = word.trim();
  if (!/^\p{L}+$/u.test(w)) return false;
  const innerCapital = /\p{Ll}/u.test(w) && /^\p{L}.*\p{Lu}/u.test(w);
  return innerCapital || (w.length <= 4 && w === w.toUpperCase());
}

export function dedupeForms(forms: TermForm[]): TermForm[] {
  const seen = new Set<string>();
  const out: TermForm[] = [];
  for (const f of forms) {
    const key = `${f.prefix ? '*' : ''}${f.text}`;
    if (f.text === '' || seen.has(key)) continue;
    // An exact form already covered by a prefix form adds nothing but an OR branch … except the
    // word itself (first form), which is kept so that exact matches rank a little higher.
    if (!f.prefix && out.length > 0 && out.some((o) => o.prefix && f.text.startsWith(o.text))) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}

const MONTHS_GEN = ['stycznia', 'lutego', 'marca', 'kwietnia', 'maja', 'czerwca', 'lipca', 'sierpnia',
  'wrzesnia', 'pazdziernika', 'listopada', 'grudnia'];

/** Phrase forms of an ISO date as documents write it: 14.03.2019, 14 marca 2019, 2019-03-14. */
export function dateForms(iso: string): TermForm[] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return [{ text: fold(iso) }];
  const [, y, mm, dd] = m as unknown as [string, string, string, string];
  const d = String(Number(dd));
  const month = MONTHS_GEN[Number(mm) - 1] ?? '';
  const forms = [`${dd}.${mm}.${y}`, `${d} ${month} ${y}`, `${y}-${mm}-${dd}`];
  if (d !== dd) forms.push(`${d}.${mm}.${y}`);
  return forms.map((text) => ({ text }));
}

/** Declined forms of an adjectival street-name word: "Kwiatowa"/"Kwiatowej", "Średzka"/"Średzkiej". */
function streetWordCases(w: string): string[] {
  const soft = /^(\p{L}{3,}[kg])(?:a|iej)$/u.exec(w);
  if (soft?.[1]) return [`${soft[1]}a`, `${soft[1]}iej`];
  // Any other adjectival name in -a declines to -ej: Kwiatowa/Kwiatowej, Kuźnicza/Kuźniczej, Średnia/Średniej.
  const hard = /^(\p{L}{3,}[^\p{N}aeiouyąęó])(?:a|ej)$/u.exec(w) ?? /^(\p{L}{3,}i)(?:a|ej)$/u.exec(w);
  if (hard?.[1]) return [`${hard[1]}a`, `${hard[1]}ej`];
  return [w];
}

/** On an address with its whitespace squashed: single spaces keep the lazy name from retrying over blank runs. */
const ADDRESS_RE =
  /^(?:przy |na )?(?:(?:ul|al|pl|os)\.? |(?:ulic|alej|plac|osiedl)\p{L}* )?(.+?)(?: (?:nr\.? ?)?(\d{1,4}[a-z]?(?: ?[/-] ?\d{1,4}[a-z]?)?))?$/iu;

/**
 * Phrase forms of an address ("ul. Kwiatowa 12"): the street name in the cases documents write it
 * in ("przy ul. Kwiatowej 12"), followed by the house number, one phrase each.
 */
export function addressForms(address: string): TermForm[] {
  const m = ADDRESS_RE.exec(typeof address === 'string' ? address.slice(0, 200).replace(/\s+/g, ' ').trim() : '');
  if (!m?.[1]) return [];
  const words = fold(m[1]).split(/[\s,]+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).slice(0, 6);
  const number = m[2] ? fold(m[2]).replace(/\s+/g, '') : '';
  let variants: string[] = [''];
  for (const w of words) {
    const cases = streetWordCases(w);
    variants = variants.flatMap((v) => cases.map((c) => (v ? `${v} ${c}` : c)));
  }
  return dedupeForms(variants.filter(Boolean).map((v) => ({ text: number ? `${v} ${number}` : v })));
}

/** Token of a question or search string. */
export interface Token {
  /** As written. */
  text: string;
  /** UTF-16 offsets in the string. */
  start: number;
  end: number;
  /**
   * 'word': letters only; 'compound': letters/digits joined by - . / _ or with digits (an identifier part);
   * 'personal': a PESEL or identity-card number (security/identifiers.ts), however it is written.
   */
  kind: 'word' | 'compound' | 'signature' | 'date' | 'personal';
  /** Normalised value for signatures, dates and personal numbers (canonical signature, ISO date, digits and capitals only). */
  value?: string;
}

const TOKEN_RE = /[\p{L}\p{N}]+(?:[-/_.][\p{L}\p{N}]+)*/gu;
/** "WUA-ZRB 6740.1.123.2019", "UA-AB 7351/784/2010": a space typed where the first separator goes. */
const SPACED_SIGNATURE_RE = /(?<![\p{L}\p{N}-])([A-Za-z]{1,6}(?:-[A-Za-z]{1,6}){0,3})\s{1,3}(\d{4}(?:-\d{1,4})?(?:[./_]\d{1,6}){2,5})(?![\p{L}\p{N}])/gu;

/** Tokens of `text`: signatures and dates as single tokens (found before splitting), then words. */
export function tokenize(text: string): Token[] {
  const s = typeof text === 'string' ? text.normalize('NFC').slice(0, 20_000) : '';
  const spans: Token[] = [];
  for (const id of findIdentifiers(s)) {
    const text = s.slice(id.start, id.end);
    spans.push({ text, start: id.start, end: id.end, kind: 'personal', value: text.replace(/[^\p{L}\p{N}]/gu, '').toUpperCase() });
  }
  for (const hit of safe(() => findSignatures(s, { lenientPrefix: true }))) {
    if (spans.some((t) => hit.start < t.end && t.start < hit.end)) continue;
    spans.push({ text: s.slice(hit.start, hit.end), start: hit.start, end: hit.end, kind: 'signature', value: hit.value });
  }
  const view = signatureView(s); // look-alike dashes and letters as what they show ("WUA–ZRB 6740…")
  for (const m of view.text.matchAll(SPACED_SIGNATURE_RE)) {
    const start = view.start(m.index ?? 0);
    const end = view.end((m.index ?? 0) + m[0].length);
    const rest = m[2] ?? '';
    const value = safe(() => [normaliseSignature(`${m[1]}${/[/_]/.test(rest) ? '/' : '.'}${rest}`)])[0];
    if (value && !spans.some((t) => start < t.end && t.start < end)) spans.push({ text: s.slice(start, end), start, end, kind: 'signature', value });
  }
  for (const hit of safe(() => findDates(s))) {
    if (spans.some((t) => hit.start < t.end && t.start < hit.end)) continue;
    spans.push({ text: s.slice(hit.start, hit.end), start: hit.start, end: hit.end, kind: 'date', value: hit.value });
  }
  const out: Token[] = [...spans];
  for (const m of s.matchAll(TOKEN_RE)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    if (spans.some((t) => start < t.end && t.start < end)) continue;
    const raw = m[0];
    // Folder-style signatures ("UA-AB_7351_784_2010") are one token; normalise them.
    const sig = /[_/.]/.test(raw) && /\d/.test(raw) ? (safe(() => [normaliseSignature(raw)])[0] ?? null) : null;
    if (sig) out.push({ text: raw, start, end, kind: 'signature', value: sig });
    else out.push({ text: raw, start, end, kind: /^\p{L}+$/u.test(raw) ? 'word' : 'compound' });
  }
  return out.sort((a, b) => a.start - b.start);
}

function safe<T>(fn: () => T[]): T[] {
  try {
    return fn();
  } catch {
    return [];
  }
}

/**
 * Phrase forms of a PESEL or identity-card number as documents write it: glued, and split the
 * common ways ("850101 12345", "850 101 123 45", "85 01 01 123 45"; "ABA 300000"). The word index
 * splits at every mark, so the phrase "850101 12345" also finds "850101-12345" and "850101.12345".
 */
export function personalForms(value: string): TermForm[] {
  const v = value.toLowerCase();
  if (/^[a-z]{3}\d{6}$/.test(v)) return [{ text: v }, { text: `${v.slice(0, 3)} ${v.slice(3)}` }];
  if (!/^\d{11}$/.test(v)) return [{ text: v }];
  const split = (...cuts: number[]) => [0, ...cuts].map((c, i, a) => v.slice(c, a[i + 1])).join(' ');
  return [{ text: v }, { text: split(6) }, { text: split(3, 6, 9) }, { text: split(2, 4, 6, 9) }];
}

/** The query term for one token: identifiers as one phrase, words with their inflected forms. */
function termForToken(t: Token): QueryTerm {
  if (t.kind === 'personal') return { forms: personalForms(t.value ?? t.text) };
  if (t.kind === 'signature') return { forms: [{ text: t.value ?? t.text }] };
  if (t.kind === 'date') return { forms: dateForms(t.value ?? t.text) };
  if (t.kind === 'compound') return { forms: [{ text: fold(t.text) }] };
  return { forms: wordForms(t.text) };
}

/**
 * The query term for one word or identifier as typed: "decyzję" → decyzje, decyzj*;
 * "45/7" → the phrase "45/7"; "WUA-ZRB.6740.1.123.2019" → one phrase; "14.03.2019" → its written variants.
 */
export function termFor(word: string): QueryTerm {
  const toks = tokenize(word);
  if (toks.length === 1 && toks[0]) return termForToken(toks[0]);
  const text = toks.map((t) => fold(t.text)).join(' ');
  return { forms: text === '' ? [] : [{ text }] };
}

/** Words of `text` that can carry a search (stop words, punctuation and 1-letter words dropped), as written. */
export function contentWords(text: string): string[] {
  return tokenize(text)
    .filter((t) => t.kind !== 'word' || (!STOP_WORDS.has(fold(t.text)) && t.text.length > 1))
    .map((t) => t.text);
}

/** A run of tokens [start, end) (indexes into the token list) that a vocabulary maps to extra forms. */
export interface Expansion {
  start: number;
  end: number;
  forms: TermForm[];
}

/** Finds vocabulary phrases in a token list (folded words, stop words included) — see server/agent/thesaurus.ts. */
export type Expander = (words: readonly string[]) => Expansion[];

export interface KeywordQueryOptions {
  /** Synonyms and abbreviations: a matched run becomes one term with the vocabulary's forms added. */
  expand?: Expander;
  index?: KeywordQuery['index'];
}

/** A structured keyword query for `text`: one term per content word or identifier, never a query string. */
export function keywordQuery(text: string, match: KeywordQuery['match'], opts: KeywordQueryOptions = {}): KeywordQuery {
  const toks = tokenize(text).slice(0, 4 * MAX_TERMS);
  const folded = toks.map((t) => (t.kind === 'word' ? fold(t.text) : ''));
  const expansions = opts.expand ? safe(() => opts.expand?.(folded) ?? []) : [];
  const claimed = new Map<number, Expansion>();
  for (const e of [...expansions].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start)) {
    if (e.start < 0 || e.end > toks.length || e.end <= e.start) continue;
    let free = true;
    for (let i = e.start; i < e.end; i++) if (claimed.has(i)) free = false;
    if (!free) continue;
    for (let i = e.start; i < e.end; i++) claimed.set(i, e);
  }
  const terms: QueryTerm[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i] as Token;
    const e = claimed.get(i);
    if (e) {
      if (i !== e.start) continue;
      const own = e.end - e.start === 1 ? termForToken(t).forms : [{ text: folded.slice(e.start, e.end).join(' ') }];
      terms.push({ forms: dedupeForms([...own, ...e.forms]) });
      continue;
    }
    if (t.kind === 'word' && (STOP_WORDS.has(folded[i] ?? '') || t.text.length < 2)) continue;
    const term = termForToken(t);
    if (term.forms.length > 0) terms.push(term);
  }
  const seen = new Set<string>();
  const unique = terms.filter((t) => {
    const key = JSON.stringify(t.forms);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const q: KeywordQuery = { terms: unique.slice(0, MAX_TERMS), match };
  if (opts.index) q.index = opts.index;
  return q;
}

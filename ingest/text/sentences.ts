/**
 * Boundary candidates for chunking Polish page text: paragraph breaks, sentence ends (aware of
 * common Polish abbreviations and initials), clause ends (";" / ":") and word ends.
 * Each boundary is an index `c`: a chunk may end right before `c`.
 */

/** Abbreviations (lower case, without the final dot) after which a dot does not end a sentence. */
const ABBREVIATIONS = new Set([
  'ul', 'al', 'pl', 'os', 'nr', 'r', 'dz', 'art', 'ust', 'pkt', 'tj', 'np', 'godz', 'm.in',
  'poz', 'par', 'lit', 'zm', 'ze', 'tzw', 'tel', 'ok', 'zob', 'por', 'str', 'tys', 'mln', 'mld',
  'zł', 'gr', 'obr', 'ark', 'pow', 'woj', 'gm', 'im', 'św', 'prof', 'dr', 'inż', 'mgr', 'hab',
  'sp', 'jw', 'wg', 'ww', 'cz', 'rozdz', 'rozp', 'zał', 'sygn', 'akt', 'dot', 'odp', 'pn',
  'pt', 'tzn', 'ds', 'ob', 'kw', 'ha', 'mkw', 'pozn', 'rys', 'tab', 'nast', 'jedn', 'itd',
  'itp', 'wyd', 'red', 'min', 'max', 'proc', 'płd', 'płn', 'wsch', 'zach', 'bud', 'lok', 'm',
]);
/**
 * Abbreviations that may end a sentence too; they are accepted as sentence ends only when the
 * next word starts a new sentence unmistakably — we keep them non-terminal for safety except
 * these, which are overwhelmingly sentence-final in administrative text.
 */
const OFTEN_FINAL = new Set(['itd', 'itp']);

const WS = /\s/u;
const SENTENCE_END = /[.!?…]/u;
const CLOSERS = /["'”’»)\]]/u;
const OPENERS = /["'„“«(\[]/u;

function isWs(ch: string | undefined): boolean {
  return ch !== undefined && WS.test(ch);
}

/** The whitespace-delimited token ending at `end` (exclusive). */
function tokenBefore(text: string, end: number): string {
  let s = end;
  while (s > 0 && !isWs(text[s - 1])) s--;
  return text.slice(s, end);
}

/** Does a dot at index `dot` (the last char of its token) end a sentence? */
function dotEndsSentence(text: string, dot: number): boolean {
  let token = tokenBefore(text, dot + 1);
  token = token.replace(/^[("'„“«[]+/u, '').slice(0, -1); // strip openers and the final dot
  if (token === '' || token.endsWith('.')) return token.endsWith('...') || token === '';
  const lower = token.toLowerCase();
  if (ABBREVIATIONS.has(lower) && !OFTEN_FINAL.has(lower)) return false;
  // Initials ("J.") and single letters ("o." in "z o.o.").
  if ([...token].length === 1 && /\p{L}/u.test(token)) return false;
  // Dotted abbreviations with short segments: "m.in.", "Dz.U.", "o.o.", "t.j.".
  if (token.includes('.') && token.split('.').every((s) => s.length <= 3)) return false;
  // Enumerations "1." and ordinals "2." (but not years like "2019.").
  if (/^\d{1,3}$/u.test(token)) return false;
  // Roman numerals used as headings ("II.").
  if (/^[IVXLC]{1,5}$/u.test(token)) return false;
  return true;
}

export interface Boundaries {
  paragraph: number[];
  sentence: number[];
  clause: number[];
  word: number[];
}

/** Collect sorted boundary positions of each kind. */
export function findBoundaries(text: string): Boundaries {
  const b: Boundaries = { paragraph: [], sentence: [], clause: [], word: [] };
  const para = /\S(\s*\n\s*\n)/gu;
  for (let m = para.exec(text); m; m = para.exec(text)) b.paragraph.push(m.index + 1);
  for (let i = 1; i < text.length; i++) {
    if (!isWs(text[i]) || isWs(text[i - 1])) continue;
    b.word.push(i); // a word ends at i
    // Walk back over closing quotes/brackets to the punctuation.
    let p = i - 1;
    while (p > 0 && CLOSERS.test(text[p]!)) p--;
    const ch = text[p]!;
    if (ch === ';' || ch === ':') b.clause.push(i);
    if (!SENTENCE_END.test(ch)) continue;
    // The next word must look like a sentence start: upper case, digit, opener or a dash.
    let j = i;
    while (j < text.length && isWs(text[j])) j++;
    let next = text[j];
    while (next !== undefined && OPENERS.test(next)) next = text[++j];
    if (next === undefined) continue;
    const startsSentence = /[\p{Lu}\p{N}§–—-]/u.test(next);
    if (!startsSentence) continue;
    if (ch === '.' && !dotEndsSentence(text, p)) continue;
    b.sentence.push(i);
  }
  return b;
}

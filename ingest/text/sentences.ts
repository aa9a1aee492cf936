/**
 * Boundary candidates for chunking Polish page text: paragraph breaks, sentence ends (aware of
 * common Polish abbreviations and initials), clause ends (";" / ":") and word ends.
 * Each boundary is an index `c`: a chunk may end right before `c`.
 */

/** Abbreviations (lower case, without the final dot) after which a dot does not end a sentence. */
const ABBREVIATIONS = new Set([
  'ul', 'al', 'pl', 'os', 'nr', 'r', 'dz', 'art', 'ust', 'pkt', 'ppkt', 'tj', 'tzn', 'np',
  'godz', 'poz', 'par', 'lit', 'zd', 'zm', 'późn', 'tzw', 'tel', 'ok', 'zob', 'por', 'przyp',
  'str', 'tys', 'obr', 'ark', 'ozn', 'pow', 'woj', 'gm', 'im', 'św', 'ks', 'prof', 'dr', 'inż',
  'mgr', 'hab', 'sp', 'jw', 'ww', 'wg', 'cz', 'rozdz', 'rozp', 'zał', 'sygn', 'dot', 'odp',
  'dn', 'ew', 'pn', 'pt', 'ds', 'kw', 'rys', 'tab', 'nast', 'jedn', 'wyd', 'red', 'płd', 'płn',
  'wsch', 'zach', 'bud', 'lok',
]);

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

/** Strip leading openers and the final dot from the token ending with the dot at `dot`. */
function tokenOfDot(text: string, dot: number): { raw: string; token: string } {
  const raw = tokenBefore(text, dot + 1).replace(/^["'„“«(\[]+/u, '');
  return { raw, token: raw.slice(0, -1) };
}

/** Tokens (without the final dot) that are abbreviations or initials. */
function isAbbreviation(token: string): boolean {
  if (ABBREVIATIONS.has(token.toLowerCase())) return true;
  // Initials ("J.") and single letters ("o." in "z o.o.").
  if ([...token].length === 1 && /\p{L}/u.test(token)) return true;
  // Dotted abbreviations with short segments: "m.in.", "Dz.U.", "o.o.", "t.j.".
  return token.includes('.') && token.split('.').every((s) => s.length <= 3 && !/\d/u.test(s));
}

/** Does a dot at index `dot` (the last char of its token) end a sentence? */
function dotEndsSentence(text: string, dot: number): boolean {
  const { raw, token } = tokenOfDot(text, dot);
  if (raw.endsWith('...')) return true;
  // A lone dot, or a dot after a closing bracket/quote: "(... z późn. zm.)."
  if (token === '' || CLOSERS.test(token[token.length - 1]!)) return true;
  if (isAbbreviation(token)) return false;
  // Enumeration markers ("1.", "II.") where an item can start: not "ul. Ślężna 12. Organ ...".
  if (/^(\d{1,3}|[IVXLC]{1,5})$/u.test(token) && itemCanStart(text, dot - raw.length)) return false;
  return true;
}

/**
 * Is position `i` (the char before a token) at a text or line start, or after a ":", ";" or a
 * dot that is not an abbreviation's ("Orzekam: 1. ...", "projekt. 2. ...", not "ark. 12.")?
 */
function itemCanStart(text: string, i: number): boolean {
  let k = i;
  while (k >= 0 && isWs(text[k])) {
    if (text[k] === '\n') return true;
    k--;
  }
  if (k < 0 || text[k] === ':' || text[k] === ';') return true;
  return text[k] === '.' && !isAbbreviation(tokenOfDot(text, k).token);
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
    const startsSentence = /[\p{Lu}\p{N}§]/u.test(next);
    if (!startsSentence) continue;
    if (ch === '.' && !dotEndsSentence(text, p)) continue;
    b.sentence.push(i);
  }
  return b;
}

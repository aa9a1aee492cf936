/**
 * The type of a court ruling from how real rulings open: "Wyrok WSA w Rzeszowie z dnia …",
 * "Wyrok\nNaczelnego Sądu Administracyjnego", "II OSK 2749/20 - Wyrok NSA", "WYROK NR SYGN. AKT
 * II SA/WR 772/11 WOJEWÓDZKIEGO SĄDU ADMINISTRACYJNEGO WE WROCŁAWIU", "Postanowienie NSA".
 * Only the heading counts: the word must open a line, follow the ruling's own signature ("… - "),
 * or be written in capitals, within the first characters of the page; the court must follow within
 * a short distance (its name, its abbreviation, or the repertory of a signature: SA/ = WSA).
 */
import { fold, type Found } from './common.js';

/** How far into the page a ruling's heading may start (past a Dziennik Urzędowy header). */
const HEAD_CHARS = 400;
/** How far after the type word the court may be named. */
const COURT_GAP = 120;

const TYPE_WORD = /(?<![a-z])(wyrok|postanowienie)(?![a-z])/g;
const NSA = /^(?:nsa(?![a-z])|naczeln[a-z]{0,4}[ \t\n]{1,3}sad[a-z]{0,4}[ \t\n]{1,3}administracyjn)/;
const WSA = /^(?:wsa(?![a-z])|wojewodzk[a-z]{0,4}[ \t\n]{1,3}sad[a-z]{0,4}[ \t\n]{1,3}administracyjn)/;
/** A court signature's repertory: SA/ or SAB/ (WSA), OSK, OZ, GSK … (NSA). */
const REPERTORY = /^(?:[ivx]{1,4}[ \t]{1,2})?(?:(sab?[ \t]?\/)|(osk|oz|ops|gsk|gz|fsk|fz)[ \t])/;

export interface CourtTypeFound extends Found {
  court: 'WSA' | 'NSA' | null;
}

function isHeadingWord(text: string, folded: string, at: number, word: string): boolean {
  const asWritten = text.slice(at, at + word.length);
  if (asWritten === asWritten.toUpperCase()) return true;
  if (!/^\p{Lu}/u.test(asWritten)) return false;
  const lineStart = folded.lastIndexOf('\n', at - 1) + 1;
  const before = folded.slice(lineStart, at);
  if (before.trim() === '') return true;
  // "II OSK 2749/20 - Wyrok NSA": after the ruling's signature and a dash.
  return /^[ \t]{0,4}(?:[ivx]{1,4} )?[a-z]{2,3}(?:\/[a-z]{2,3})? \d{1,5}\/\d{2,4}[ \t]{1,3}[-–][ \t]{1,3}$/.test(before);
}

/** The court named right after the type word ("NSA", "Wojewódzkiego Sądu Administracyjnego", "SA/Wr"). */
function courtAfter(folded: string, from: number): { court: 'WSA' | 'NSA'; end: number } | null {
  const last = Math.min(folded.length, from + COURT_GAP);
  for (let i = from; i < last; i++) {
    if (i > from && /[a-z0-9]/.test(folded[i - 1] ?? '')) continue;
    const rest = folded.slice(i, i + 60);
    const nsa = NSA.exec(rest);
    if (nsa) return { court: 'NSA', end: i + nsa[0].length };
    const wsa = WSA.exec(rest);
    if (wsa) return { court: 'WSA', end: i + wsa[0].length };
    const rep = REPERTORY.exec(rest);
    if (rep) return { court: rep[1] ? 'WSA' : 'NSA', end: i + rep[0].length };
    if (folded[i] === '.' && folded[i + 1] === ' ' && /[A-ZĄĆĘŁŃÓŚŹŻ]/.test(folded[i + 2] ?? '')) break;
  }
  return null;
}

/** "wyrok WSA", "wyrok NSA" or "postanowienie" from a ruling's heading, or null. */
export function findCourtRulingType(text: string): CourtTypeFound | null {
  if (typeof text !== 'string' || text.length === 0) return null;
  const folded = fold(text.slice(0, HEAD_CHARS + COURT_GAP + 60));
  TYPE_WORD.lastIndex = 0;
  for (let m = TYPE_WORD.exec(folded); m !== null && m.index < HEAD_CHARS; m = TYPE_WORD.exec(folded)) {
    const word = m[1] ?? '';
    if (!isHeadingWord(text, folded, m.index, word)) continue;
    const court = courtAfter(folded, m.index + word.length);
    if (!court) continue;
    const value = word === 'wyrok' ? `wyrok ${court.court}` : 'postanowienie';
    return { value, start: m.index, end: court.end, court: court.court };
  }
  return null;
}

/**
 * The document's own date on real pages, before the generic rules of dates.ts.
 *
 * - A court database's "Data orzeczenia" is the judgment date; "Data wpływu" (filing) never is,
 *   nor a publisher's "Data:" line.
 * - A heading's "z dnia": "Wyrok WSA w Rzeszowie z dnia …", "UCHWAŁA Nr … RADY … z dnia …",
 *   "Decyzja nr 186/2024 z dnia …", "OSK 1464/04 - Wyrok NSA z 2005-02-17": the date follows the
 *   heading's type word with no other act named between ("ustawy z dnia …" is a cited law).
 * - A Dziennik Urzędowy transcript opens with its own publication date ("Wrocław, dnia 24 kwietnia
 *   2014 r. Poz. 2115"): dates before the act's heading are the journal's, not the act's.
 * - A ruling without a dated heading: "Dnia <date>" opening a line, a date alone on the line after
 *   the court's name, then the sentence "po rozpoznaniu … w dniu <date>" / "na rozprawie w dniu".
 */
import { fold, type Found } from './common.js';
import { documentDateIndex } from './dates.js';

export interface Heading {
  /** Where the type word of the heading starts. */
  start: number;
  /** The type found ("wyrok WSA", "uchwała" …). */
  value: string;
}

/** The most characters between a heading's type word and its date. */
const HEADING_SPAN = 260;
/** Another act named between the heading and the date: the date is that act's. */
const OTHER_ACT =
  /(?<![a-z])(?:ustaw[a-z]{0,3}|rozporzadzeni[a-z]{0,3}|uchwaly|decyzji|wyroku|postanowienia|pisma|wniosku|skargi|obwieszczenia|zawiadomienia|kodeks[a-z]{0,3}|dz\.\s?u)(?![a-z])/;
const ANOTHER_TYPE = /(?<![a-z])(?:wyrok|postanowienie|uchwala|decyzja|obwieszczenie|zawiadomienie)(?![a-z])/;
const BEFORE_HEADING_DATE = /(?:^|[^a-z])(?:z[ \t\n]{1,3}dnia|z[ \t\n]{1,3}dn\.?|z)[ \t\n]{1,3}$/;
const COURT_NAME_LINE = /sad[a-z]{0,4}\s+administracyjn/;
/** A publisher's "Data:" cell before a date (the filing date on some reprints of rulings). */
const PUBLISHER_DATA = /(?:^|\n)[ \t]{0,4}data[ \t]{0,4}(?::[ \t]{0,4})?(?:\n[ \t]{0,4})?$/;
/** Words that open the sentence dating a hearing: "po rozpoznaniu …", "na rozprawie …". */
const HEARING_LEADS = ['po rozpoznaniu', 'na rozprawie', 'na posiedzeniu niejawnym'];

/**
 * A court's judgment or order. A "wyrok" always is; a "postanowienie" only on a page that names an
 * administrative court — an office's postanowienie (e.g. on completing an application) is dated like
 * any other letter ("Wrocław, dnia …").
 */
function isCourtRuling(heading: Heading | null, text: string): boolean {
  if (heading === null) return false;
  if (heading.value.startsWith('wyrok')) return true;
  return heading.value.startsWith('postanowienie') && COURT_NAME_LINE.test(fold(text.slice(0, 2000)));
}

/** The text of the line before the one holding `pos`, folded and trimmed. */
function previousLine(text: string, pos: number): string {
  const lineStart = text.lastIndexOf('\n', pos - 1);
  if (lineStart <= 0) return '';
  const prevStart = text.lastIndexOf('\n', lineStart - 1) + 1;
  return fold(text.slice(Math.max(prevStart, lineStart - 200), lineStart)).trim();
}

function lineLead(text: string, pos: number): string {
  const from = Math.max(0, pos - 40);
  const chunk = text.slice(from, pos);
  const nl = chunk.lastIndexOf('\n');
  return fold(nl >= 0 ? chunk.slice(nl + 1) : from === 0 ? chunk : 'x…').trim();
}

/** Dates that can never be the document's: filing dates, a publisher's "Data:", a journal header. */
export function excludedDate(text: string, d: Found, heading: Heading | null): boolean {
  const before = fold(text.slice(Math.max(0, d.start - 24), d.start));
  if (/data\s+wplywu[\s:]*$/.test(before)) return true;
  if (heading && d.start < heading.start && /dziennik\s+urzedowy/.test(fold(text.slice(0, Math.min(heading.start, 300))))) return true;
  if (isCourtRuling(heading, text) && PUBLISHER_DATA.test(before)) return true;
  return false;
}

/** Notices, which take effect by being made public. */
const PUBLIC_NOTICES = new Set(['obwieszczenie', 'ogłoszenie']);
/** "… zostaje podane do publicznej wiadomości od dnia <date>": the notice's day of publication. */
const MADE_PUBLIC = /do\s{1,3}publicznej\s{1,3}wiadomosci\s{1,3}(?:od\s{1,3}dnia|w\s{1,3}dniu|dnia)\s{1,3}$/;

/**
 * A notice signed with no place and date ("Obwieszczenie … zostaje podane do publicznej wiadomości
 * od dnia 16 sierpnia 2023 roku do dnia 31 sierpnia 2023 roku") is dated by the day it is made
 * public; -1 when it is signed with a date or states no such day.
 */
function publicationDate(text: string, dates: Found[], heading: Heading | null): number {
  if (!heading || !PUBLIC_NOTICES.has(heading.value) || documentDateIndex(text, dates, true) >= 0) return -1;
  for (let i = 0; i < dates.length; i++) {
    const d = dates[i];
    if (d && MADE_PUBLIC.test(fold(text.slice(Math.max(0, d.start - 60), d.start)))) return i;
  }
  return -1;
}

/** What `ownDateIndex` says of a court ruling whose own date the page does not show. */
export const NO_OWN_DATE = -2;

/**
 * Index (into `dates`) of the page's own date by the rules above; -1 to let the generic rules
 * decide; NO_OWN_DATE for a ruling that shows none.
 */
export function ownDateIndex(text: string, dates: Found[], heading: Heading | null, opening: number | null = null): number {
  const ok = (d: Found): boolean => !excludedDate(text, d, heading);
  for (let i = 0; i < dates.length; i++) {
    const d = dates[i];
    if (d && /data\s+orzeczenia\s*$/.test(fold(text.slice(Math.max(0, d.start - 24), d.start)))) return i;
  }
  const starts = [opening, heading?.start].filter((s): s is number => typeof s === 'number');
  for (const start of starts.sort((a, b) => a - b)) {
    for (let i = 0; i < dates.length; i++) {
      const d = dates[i];
      if (!d || d.start <= start || d.start - start > HEADING_SPAN) continue;
      const between = fold(text.slice(start, d.start));
      // Past its own word, the heading names no other act ("… - Wyrok WSA w Lublinie z 2020-05-27" is a related case).
      const rest = between.replace(/^\S{1,30}/, '');
      if (!BEFORE_HEADING_DATE.test(between) || OTHER_ACT.test(between) || ANOTHER_TYPE.test(rest)) continue;
      if (between.split('\n').filter((l) => l.trim() !== '').length > 4) continue;
      return i;
    }
  }
  if (!isCourtRuling(heading, text)) return publicationDate(text, dates, heading);
  for (let i = 0; i < dates.length; i++) {
    const d = dates[i];
    if (!d || !ok(d)) continue;
    const lead = lineLead(text, d.start);
    if (lead === 'dnia') return i;
    if (lead === '' && COURT_NAME_LINE.test(previousLine(text, d.start))) return i;
  }
  for (let i = 0; i < dates.length; i++) {
    const d = dates[i];
    if (!d || !ok(d)) continue;
    const before = fold(text.slice(Math.max(0, d.start - 80), d.start)).replace(/\s+/g, ' ');
    if (!before.endsWith(' w dniu ') && !before.endsWith(' w dniu')) continue;
    const lead = Math.max(...HEARING_LEADS.map((w) => before.lastIndexOf(w)));
    if (lead >= 0 && !/[.;]/.test(before.slice(lead))) return i;
  }
  return NO_OWN_DATE;
}

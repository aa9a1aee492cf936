/**
 * Parcels ("działka nr 45/7, AM-12, obręb Oporów").
 *
 * A number is a parcel only after a parcel keyword (działka/działki/działek/dz./dz. ewid.) or as
 * "nr 45/7" directly followed by a map sheet or precinct ("(arkusz mapy 12, obręb Oporów)").
 * The precinct (obręb) and map sheet (arkusz, AM-12) are taken from the same clause.
 * Keywords are matched on the folded text, so OCR/diacritics variants ("dzialka", "obreb") work.
 */
import { clauseEnd, clauseStart, fold, type Found } from './common.js';

export interface ParcelFound extends Found {
  /** Precinct name ("Oporów") or number when no name is given. */
  obreb?: string;
  /** Precinct number when both a number and a name are given ("obręb 0025 Oporów"). */
  obrebNr?: string;
  /** Map sheet number ("AM-12", "arkusz mapy 12", "ark. 3"). */
  arkusz?: string;
}

/** One parcel number, not a postcode ("54-123"), an area ("1200 m2") or part of a date/amount. */
const NUM = String.raw`\d{1,5}(?:[ ]?\/[ ]?\d{1,4})?(?![\d\/\-–]|[.,]\d|[ ]?(?:m2|m²|m\b|ha\b|zl\b|r\.|%))`;
const LIST_SEP = String.raw`(?:\s{0,2}[,;]\s{0,2}|\s{1,2}(?:i|oraz|lub)\s{1,2})`;
const LIST = `${NUM}(?:${LIST_SEP}${NUM}){0,40}`;
const FILLER = String.raw`(?:nr\.?|numer[a-z]{0,3}|o|ewid\.?|ewidencyjn[a-z]{0,4}|geod\.?|geodezyjn[a-z]{0,4}|gruntow[a-z]{0,4}|budowlan[a-z]{0,4}|oznaczon[a-z]{0,4}|ozn\.?|:)`;

/** Keyword-led lists (on folded text). */
const KEYWORD_RE = new RegExp(
  String.raw`(?<![a-z])(?:dzial(?:k[a-z]{0,4}|ek|ce)|dz\.?(?=\s{0,2}(?:nr|ewid))|dz\.)(?:\s{0,3}${FILLER}(?![a-z])){0,5}\s{0,3}(${LIST})`,
  'dg',
);
/** "nr 45/7 (arkusz mapy 12, obręb Oporów)" (on folded text). */
const NR_SHEET_RE = new RegExp(
  String.raw`(?<![a-z])nr\.?\s{0,2}(${LIST})(?=\s{0,2}[(,]?\s{0,2}(?:arkusz|ark\.|am\s{0,2}[\-.:]?\s{0,2}\d|obr(?:\.|eb)))`,
  'dg',
);
const NUM_RE = new RegExp(NUM, 'g');
const NEXT_KEYWORD_RE = /(?<![a-z])(?:dzial(?:k|ek|ce)|dz\.)/g;

const OBREB_RE = /(?<![a-z])obr(?:eb[a-z]{0,3}|\.)(?:\s{0,2}(?:ewid\.?|ewidencyjn[a-z]{0,3}|geod\.?|geodezyjn[a-z]{0,3}|nr\.?)(?![a-z])){0,2}\s{0,2}:?\s{0,2}/g;
const OBREB_VALUE_RE = /(?:(\d{1,4})(?![\d/])[ \t]{0,2}[-–]?[ \t]{0,2})?(\p{Lu}\p{Ll}+(?:(?: |-)\p{Lu}\p{Ll}+){0,2})?/uy;
const ARKUSZ_RE = /(?<![a-z])(?:arkusz[a-z]{0,2}(?:\s{1,2}mapy)?|ark\.?(?:\s{0,2}mapy)?|am)\s{0,2}[\-.:]?\s{0,2}(?:nr\.?\s{0,2})?(\d{1,4})(?![\d/])/g;
/** Capitalised words that end a precinct name rather than continue it. */
const NAME_STOP = /^(?:Wrocław\w*|Inwestor\w*|Gmin\w*|Przy|Dla|Na|We?|Ul|Al|Pl|Os|Arkusz\w*|Ark|Obręb\w*)$/u;

function findObreb(text: string, folded: string, from: number, to: number): { obreb?: string; obrebNr?: string } {
  const window = folded.slice(from, to);
  OBREB_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = OBREB_RE.exec(window)) !== null) {
    OBREB_VALUE_RE.lastIndex = from + m.index + m[0].length;
    const v = OBREB_VALUE_RE.exec(text);
    if (!v || (v[1] === undefined && v[2] === undefined)) continue;
    let name: string | undefined = v[2];
    if (name) {
      const keep: string[] = [];
      for (const w of name.split(' ')) {
        if (keep.length > 0 && NAME_STOP.test(w)) break;
        keep.push(w);
      }
      name = keep.join(' ');
      if (NAME_STOP.test(name)) name = undefined;
    }
    if (name && v[1]) return { obreb: name, obrebNr: v[1] };
    if (name) return { obreb: name };
    if (v[1]) return { obreb: v[1] };
  }
  return {};
}

function findArkusz(text: string, folded: string, from: number, to: number): string | undefined {
  const window = folded.slice(from, to);
  ARKUSZ_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = ARKUSZ_RE.exec(window)) !== null) {
    // "am" must be the upper-case abbreviation AM in the original text.
    if (window.startsWith('am', m.index) && text.slice(from + m.index, from + m.index + 2) !== 'AM') continue;
    return m[1];
  }
  return undefined;
}

/** All parcel numbers in `text`, with the precinct and map sheet of their clause. */
export function findParcels(text: string): ParcelFound[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const folded = fold(text);
  const byStart = new Map<number, ParcelFound>();
  for (const re of [KEYWORD_RE, NR_SHEET_RE]) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(folded)) !== null) {
      const span = m.indices?.[1];
      if (!span) continue;
      const [listStart, listEnd] = span;
      if (re === NR_SHEET_RE && !/arkusz|ark\.|obr/.test(folded.slice(listEnd, listEnd + 16))) {
        const am = folded.indexOf('am', listEnd);
        if (text.slice(am, am + 2) !== 'AM') {
          re.lastIndex = m.index + 1;
          continue; // "nr 12 am…" in lower case is not a map sheet
        }
      }
      // Clause after the list, cut at the next parcel keyword; and the clause before it.
      let after = clauseEnd(text, listEnd, 160);
      NEXT_KEYWORD_RE.lastIndex = 0;
      const next = NEXT_KEYWORD_RE.exec(folded.slice(listEnd, after));
      if (next) after = listEnd + next.index;
      const before = clauseStart(text, m.index, 120);
      let obreb = findObreb(text, folded, listEnd, after);
      if (obreb.obreb === undefined) obreb = findObreb(text, folded, before, m.index);
      const arkusz = findArkusz(text, folded, listEnd, after) ?? findArkusz(text, folded, before, m.index);

      NUM_RE.lastIndex = 0;
      const list = folded.slice(listStart, listEnd);
      let n: RegExpExecArray | null;
      while ((n = NUM_RE.exec(list)) !== null) {
        const start = listStart + n.index;
        const end = start + n[0].length;
        if (byStart.has(start)) continue;
        const hit: ParcelFound = { value: n[0].replace(/\s+/g, ''), start, end };
        if (obreb.obreb !== undefined) hit.obreb = obreb.obreb;
        if (obreb.obrebNr !== undefined) hit.obrebNr = obreb.obrebNr;
        if (arkusz !== undefined) hit.arkusz = arkusz;
        byStart.set(start, hit);
      }
      re.lastIndex = Math.max(listEnd, m.index + 1);
    }
  }
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}

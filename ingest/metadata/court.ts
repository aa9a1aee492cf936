/**
 * Signatures of the administrative courts: "II SA/Bk 571/23", "VII SA/Wa 2734/13" (WSA),
 * "II OSK 2749/20", "OSK 1464/04", "II OZ 1394/16", "I GSK 12/21" (NSA), written in any case
 * ("II SA/WR 772/11"). The value is canonical: numeral and repertory in capitals, the seat of the
 * court as "Wr", "Łd", "Bk". Office znaki ("WOP.7721.12.2023") are read by signature.ts.
 */
import type { Found } from './common.js';

const SEAT = 'A-Za-zĄĆĘŁŃÓŚŹŻąćęłńóśźż';
/** Spaces between the parts, or one line break where a line of a page or a scan was wrapped ("II SA/Ol\n433/25"). */
const GAP = '(?:[ \\t\\u00a0]{1,2}|[ \\t\\u00a0]?\\r?\\n[ \\t\\u00a0]?)';
const OPTIONAL_GAP = `(?:${GAP})?`;
/** Repertories of the WSA (SA, SAB with a seat) and of the NSA (no seat). */
const REPERTORY = `(?:[Ss][Aa][Bb]?${OPTIONAL_GAP}/${OPTIONAL_GAP}[${SEAT}]{2,3}|OSK|OZ|OPS|OSP|GSK|GZ|GPS|FSK|FZ|FPS|OW|OPP)`;
/** Every quantifier is bounded and the parts are separated by fixed characters: linear. */
const COURT_RE = new RegExp(
  `(?<![${SEAT}0-9/.\\-])(?:([IVX]{1,4})${GAP})?(${REPERTORY})${GAP}(\\d{1,5})[ \\t\\u00a0]?/[ \\t\\u00a0]?(\\d{2}|\\d{4})(?![${SEAT}0-9/])`,
  'g',
);

function canonRepertory(raw: string): string {
  const [rep = '', seat] = raw.replace(/[ \t\u00a0\r\n]/g, '').split('/');
  if (seat === undefined) return rep.toUpperCase();
  return `${rep.toUpperCase()}/${seat.slice(0, 1).toUpperCase()}${seat.slice(1).toLowerCase()}`;
}

/** Every court signature in `text` (already the signature view), with its canonical value. */
export function findCourtSignatures(text: string): Found[] {
  const out: Found[] = [];
  COURT_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = COURT_RE.exec(text)) !== null) {
    const numeral = m[1] ? `${m[1]} ` : '';
    const value = `${numeral}${canonRepertory(m[2] ?? '')} ${Number(m[3])}/${m[4]}`;
    out.push({ value, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** True for a canonical court signature (as `findCourtSignatures` gives it). */
export function isCourtSignature(value: string): boolean {
  return /^(?:[IVX]{1,4} )?(?:SAB?\/\S{2,3}|[A-Z]{2,3}) \d{1,5}\/\d{2,4}$/.test(value);
}

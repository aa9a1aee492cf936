/**
 * Street addresses: "ul. Kwiatowa 12", "przy ul. Kwiatowej 12 we Wrocławiu",
 * "ul. Legnicka 55a/3, 54-123 Wrocław", "przy ulicy Jana Pawła II 7", "al. Karkonoska 10",
 * "pl. Grunwaldzki 2", "os. Kosmonautów 5". The street name is kept as written (inflected forms
 * included); the street-type word is normalised to ul./al./pl./os.
 */
import { fold, squash, type Found } from './common.js';

export interface AddressFound extends Found {
  street: string;
  number?: string;
  postcode?: string;
  city?: string;
}

/** Street-type words on folded text; group 1 is the word. */
const KEYWORD_RE =
  /(?<![a-z.])(ul\.|al\.|pl\.|os\.|ul(?=[ \t])|(?:ulic[a-z]{1,2}|alej[a-z]?|alei|plac(?:u|em)?|osiedl[a-z]{1,2})(?![a-z]))/g;

const TITLE = String.raw`(?:gen|ks|św|im|marsz|kard|bp|abp|prof|dr|płk|mjr|kpt|por|ppor|hetm|bł|inż|o)\.`;
const WORD = String.raw`\p{Lu}[\p{Ll}\p{Lu}]*(?:-\p{Lu}?[\p{Ll}\p{Lu}]+)?`;
const NAME_WORD = `(?:${TITLE}|${WORD})`;
const GAP = String.raw`(?:[ \t]{1,2}|[ \t]?\r?\n[ \t]{0,2})`;
/** First word may be a number as in "3 Maja", "11 Listopada". */
const NAME = String.raw`(?:${NAME_WORD}|\d{1,2}(?=[ \t]\p{Lu}))(?:${GAP}${NAME_WORD}){0,5}`;
const NUMBER = String.raw`\d{1,4}[A-Za-z]?(?:[ \t]?[\/\-][ \t]?\d{1,4}[A-Za-z]?)?(?:[ \t]?(?:m\.|lok\.)[ \t]?\d{1,4}[A-Za-z]?)?`;
const CITY = String.raw`\p{Lu}\p{Ll}+(?:[ \-]\p{Lu}\p{Ll}+)?`;

const BODY_RE = new RegExp(
  String.raw`[ \t]{0,2}(${NAME})(?:[ \t]{1,2}(?:nr\.?[ \t]?)?(${NUMBER})(?![\d\p{L}\/]))?`,
  'uy',
);
const CITY_RE = new RegExp(
  String.raw`(?:,?[ \t]{0,2}(?:\r?\n[ \t]{0,60})?(\d{2}[ \t]?-[ \t]?\d{3})[ \t]{1,2}(${CITY})|[ \t]{1,2}we?[ \t]{1,2}(${CITY}))`,
  'uy',
);

/** Locative city names ("we Wrocławiu") mapped to the nominative. */
const CITY_NOMINATIVE: Record<string, string> = {
  Wrocławiu: 'Wrocław', Warszawie: 'Warszawa', Krakowie: 'Kraków', Poznaniu: 'Poznań',
  Gdańsku: 'Gdańsk', Łodzi: 'Łódź', Legnicy: 'Legnica', Oleśnicy: 'Oleśnica',
  Wałbrzychu: 'Wałbrzych', Opolu: 'Opole',
};

/** Capitalised words that are not street names ("ul. Inwestor" is an OCR join, not a street). */
const NOT_STREET = /^(?:Inwestor\w*|Wnioskodawc\w*|Decyzj\w*|Postanowieni\w*|Prezydent\w*|Nr|Dz|Znak)$/u;

/** `s` without trailing spaces and tabs (a `[ \t]+$` pattern retries from every blank of a long run). */
function trimBlanksEnd(s: string): string {
  let end = s.length;
  while (end > 0 && (s[end - 1] === ' ' || s[end - 1] === '\t')) end--;
  return s.slice(0, end);
}

function abbreviation(keyword: string): string {
  if (keyword.startsWith('ul')) return 'ul.';
  if (keyword.startsWith('al')) return 'al.';
  if (keyword.startsWith('pl')) return 'pl.';
  return 'os.';
}

/** All addresses in `text`, deduplicated by value (the most detailed occurrence is kept). */
export function findAddresses(text: string): AddressFound[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const folded = fold(text);
  const found: AddressFound[] = [];
  KEYWORD_RE.lastIndex = 0;
  let k: RegExpExecArray | null;
  while ((k = KEYWORD_RE.exec(folded)) !== null) {
    const kwEnd = k.index + k[0].length;
    BODY_RE.lastIndex = kwEnd;
    const b = BODY_RE.exec(text);
    if (!b || !b[1]) continue;
    let name = b[1];
    let end = kwEnd + b[0].length;
    const number = b[2];
    if (number === undefined) {
      // Street without a number: keep only its first line, drop a trailing title word.
      const nl = name.search(/\r?\n/);
      if (nl >= 0) name = name.slice(0, nl);
      name = trimBlanksEnd(name);
      end = kwEnd + (b[0].length - b[1].length) + name.length;
    }
    const street = squash(name);
    if (street === '' || NOT_STREET.test(street.split(' ')[0] ?? '') || /^\d+$/.test(street)) continue;
    const hit: AddressFound = {
      value: `${abbreviation(k[1] ?? '')} ${street}${number ? ` ${number.replace(/\s+/g, '')}` : ''}`,
      start: k.index,
      end,
      street,
    };
    if (number) hit.number = number.replace(/\s+/g, '');
    CITY_RE.lastIndex = end;
    const c = CITY_RE.exec(text);
    if (c) {
      if (c[1]) hit.postcode = c[1].replace(/\s+/g, '');
      const city = c[2] ?? c[3];
      if (city) hit.city = CITY_NOMINATIVE[city] ?? city;
      hit.end = end + c[0].length;
    }
    found.push(hit);
    KEYWORD_RE.lastIndex = Math.max(KEYWORD_RE.lastIndex, hit.end);
  }
  // Dedupe by value; drop a bare street when the same street also appears with a number.
  const byValue = new Map<string, AddressFound>();
  for (const h of found) {
    const prev = byValue.get(h.value);
    if (!prev || Object.keys(h).length > Object.keys(prev).length) byValue.set(h.value, h);
  }
  const withNumber = new Set(found.filter((h) => h.number).map((h) => h.street));
  return [...byValue.values()]
    .filter((h) => h.number !== undefined || !withNumber.has(h.street))
    .sort((a, b) => a.start - b.start);
}

/**
 * Street addresses of the subject of a document: "ul. Kwiatowa 12", "przy ul. Kwiatowej 12 we
 * Wrocławiu", "ul. Legnicka 55a/3, 54-123 Wrocław", "przy ulicy Jana Pawła II 7", "al. Karkonoska
 * 10", "pl. Grunwaldzki 2", "os. Kosmonautów 5", and plan areas of several streets "w rejonie ulic
 * Turniejowej, Wyścigowej i Stajennej": one address, named by the area's first street ("ul.
 * Turniejowej", the form a clerk's question about the area is searched by) and spanning the whole
 * list; a street of the area named again elsewhere on the page is that area. The street name is kept
 * as written (inflected forms included); the street-type word is normalised to ul./al./pl./os.
 *
 * An organ's own address is no address of the case: its letterhead, its seat ("w siedzibie
 * Urzędu …", "z siedzibą przy …"), where to write or come ("na adres: Biuro Rozwoju …", "…, pok.
 * 303", "tel. …", "w godzinach …"). Such addresses are left out.
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
/** A first name's initial before the surname ("ul. W. Majakowskiego", "al. M. Kromera"). */
const INITIAL = String.raw`\p{Lu}\.(?=[ \t]?\p{Lu}\p{Ll})`;
const NAME_WORD = `(?:${TITLE}|${INITIAL}|${WORD})`;
const GAP = String.raw`(?:[ \t]{1,2}|[ \t]?\r?\n[ \t]{0,2})`;
/** First word may be a number as in "3 Maja", "11 Listopada". */
const NAME = String.raw`(?:${NAME_WORD}|\d{1,2}(?=[ \t]\p{Lu}))(?:${GAP}${NAME_WORD}){0,5}`;
const NUMBER = String.raw`\d{1,4}[A-Za-z]?(?:[ \t]?[\/\-][ \t]?\d{1,4}[A-Za-z]?)?(?:[ \t]?(?:m\.|lok\.)[ \t]?\d{1,4}[A-Za-z]?)?`;
/** A town of one or two words ("Biała Podlaska"); the second is a word, not "Na" opening a sentence. */
const CITY = String.raw`\p{Lu}\p{Ll}+(?:[ \-]\p{Lu}\p{Ll}{2,})?`;

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
/**
 * Words that end a street name written without a house number, where a transcript runs the next
 * line on ("ulicy Podhalańskiej Wojewódzki Sąd Administracyjny"): names of courts and organs.
 */
const NAME_STOP =
  /^(?:Wojewódzk\p{L}*|Naczeln\p{L}*|Sąd\p{L}*|Urząd\p{L}*|Urzęd\p{L}*|Rad[ayz]\p{L}*|Prezydent\p{L}*|Wojewod\p{L}*|Starost\p{L}*|Burmistrz\p{L}*|Wójt\p{L}*|Dyrektor\p{L}*|Inwestor\p{L}*|Wnioskodawc\p{L}*|Na|Nr|Dz|Znak)$/u;

/** The name up to the first word of NAME_STOP (after the first word), or a trailing "I." numeral. */
function cutRunOn(name: string, next: string): string {
  const words = name.split(/([ \t]+)/);
  for (let i = 2; i < words.length; i += 2) {
    if (NAME_STOP.test(words[i] ?? '')) return trimBlanksEnd(words.slice(0, i).join(''));
  }
  // "ulicy Podhalańskiej I. stwierdza": the heading numeral of the next point, not "Jana Pawła I".
  if (words.length > 2 && words[words.length - 1] === 'I' && /^\.\s+\p{Ll}/u.test(next)) {
    return trimBlanksEnd(words.slice(0, -1).join(''));
  }
  return name;
}

// ---------------------------------------------------------------- an organ's own address

/**
 * Words of an organ's office or of where to write or come, on folded text: a seat ("siedziba"),
 * an office ("Urząd", "Biuro", "Wydział", "Starostwo", "Dyrekcja", "Inspektorat", "Kancelaria",
 * "Centrum/Biuro/Punkt Obsługi", "Zarząd", a court), a postal instruction ("na adres",
 * "pod adresem", "adres do korespondencji", "Dane adresowe", "kontakt").
 */
const OFFICE_CUE =
  /(?<![a-z])(?:siedzib[a-z]*|urzad[a-z]*|urzed[a-z]*|starostw[a-z]*|biur[a-z]*|wydzia[a-z]*|referac[a-z]*|referat[a-z]*|dyrekcj[a-z]*|inspektorat[a-z]*|kancelari[a-z]*|(?:centrum|punkt[a-z]*)\s+obslugi|zarzad[a-z]*|sad|sadu|sadzie|ministerstw[a-z]*|na\s+adres|pod\s+adresem|adres[a-z]*\s+do\s+korespondencji|dane\s+adresowe|kontakt[a-z]*)(?![a-z])/g;
/** A municipality named as the addressee of mail: "Gminy Dłutów, ul. …" (its office's address). */
const MUNICIPALITY_POSTAL = /(?<![a-z])gmin[a-z]*\s+\S+(?:\s+\S+){0,2},\s*$/;
/** Words of the subject between an office word and the address: the address is the subject's. */
const SUBJECT_CUE =
  /(?<![a-z])(?:polozon|zlokalizowan|inwestycj|budow(?!lan|nictw)|rozbudow|przebudow|przedsiewzi|dzialk|dzialce|nieruchomos|teren|obszar|rejon|obiekt|lokalizacj|realizacj|zamierzeni)/;
/** What follows an office's address: a room, a phone, office hours. */
const CONTACT_AFTER =
  /^[^\n]{0,40}?(?:(?<![a-z])pok\.|(?<![a-z])pokoj|(?<![a-z])pokoi|(?<![a-z])tel(?![a-z])|(?<![a-z])fax(?![a-z])|e-?mail|(?<![a-z])sal[ia](?![a-z])|(?<![a-z])pietr|(?<![a-z])parter|w\s+godzinach)/;
/** How far back the clause holding an address is read. */
const CLAUSE_CHARS = 160;
/** Lines of a letterhead above an address that opens its line, and how far back they are read. */
const LETTERHEAD_LINES = 3;
const LETTERHEAD_CHARS = 400;

/** The clause before `start`: back to a sentence end or an empty line, at most CLAUSE_CHARS. */
function clauseBefore(text: string, folded: string, start: number): string {
  const from = Math.max(0, start - CLAUSE_CHARS);
  const chunk = text.slice(from, start);
  let cut = 0;
  const ends = /[.!?;][ \t]*(?:\r?\n[ \t]*|\r[ \t]*)?(?=\p{Lu})|\n[ \t]*\n/gu;
  for (let m = ends.exec(chunk); m !== null; m = ends.exec(chunk)) {
    // "ul.", "pok.", "r.": abbreviations are no sentence ends.
    if (/(?:^|[^\p{L}])(?:ul|al|pl|os|pok|nr|r|ks|św|gen|im|tel|m|lok|dz|poz|ust|art)$/u.test(chunk.slice(Math.max(0, m.index - 6), m.index))) continue;
    cut = m.index + m[0].length;
  }
  return folded.slice(from + cut, start);
}

/** True when the address at [start, end) is an organ's office or contact address. */
function isOfficeAddress(text: string, folded: string, start: number, end: number): boolean {
  const clause = clauseBefore(text, folded, start);
  OFFICE_CUE.lastIndex = 0;
  let last = -1;
  for (let m = OFFICE_CUE.exec(clause); m !== null; m = OFFICE_CUE.exec(clause)) last = m.index + m[0].length;
  if (last >= 0 && !SUBJECT_CUE.test(clause.slice(last))) return true;
  if (MUNICIPALITY_POSTAL.test(clause)) return true;
  if (CONTACT_AFTER.test(folded.slice(end, end + 60))) return true;
  // A letterhead: the address stands alone on its line under the organ's name (an address that
  // merely opens a wrapped line of a paragraph goes on after it).
  // Read within a window: a page may be one endless line.
  const from = Math.max(0, start - LETTERHEAD_CHARS);
  const back = text.slice(from, start);
  const nlBack = back.lastIndexOf('\n');
  if (nlBack < 0 && from > 0) return false;
  const lineStart = from + nlBack + 1;
  if (text.slice(lineStart, start).trim() !== '') return false;
  const after = text.slice(end, end + 40);
  const nl = after.indexOf('\n');
  if (!/^[ \t,.:;]*$/.test(nl < 0 ? (end + 40 >= text.length ? after : 'x') : after.slice(0, nl))) return false;
  let pos = lineStart - 1;
  for (let n = 0; n < LETTERHEAD_LINES && pos > from; ) {
    const prev = from + back.lastIndexOf('\n', pos - 1 - from) + 1;
    const line = folded.slice(prev, pos).trim();
    pos = prev - 1;
    if (line === '') continue;
    n++;
    if (line.length > 90 || SUBJECT_CUE.test(line)) return false;
    OFFICE_CUE.lastIndex = 0;
    if (OFFICE_CUE.test(line) || /(?<![a-z])(?:prezydent|burmistrz|wojt|starosta|wojewoda|regionaln[a-z]*\s+dyrek)/.test(line)) return true;
  }
  return false;
}

// ---------------------------------------------------------------- plan areas

/** "w rejonie" / "rejon" / "dla rejonu", then the street-type word of the list (folded text). */
const AREA_LEAD = /(?<![a-z])rejon(?:ie|u)?[ \t]{0,2}:?[ \t]{1,3}/g;
const AREA_KEYWORD = /(?:ulic[a-z]{0,2}|ul\.|alej[a-z]?|alei|al\.|plac[a-z]{0,2}|pl\.|osiedl[a-z]{0,2}|os\.)[ \t]{0,2}:?[ \t]{0,2}/y;
/** One street of the list: words, possibly joined by a spaced dash ("Boya – Żeleńskiego"). */
const AREA_ITEM = new RegExp(
  String.raw`(?:${NAME_WORD}|\d{1,2}(?=[ \t]\p{Lu}))(?:(?:[ \t]{1,2}|[ \t]?[-–][ \t]?)${NAME_WORD}){0,5}`,
  'uy',
);
const AREA_SEP = /[ \t]*(?:,|\/|[ \t]i[ \t]|[ \t]oraz[ \t])[ \t]*/y;
const AREA_CITY = new RegExp(String.raw`[”"]?[ \t]{1,2}we?[ \t]{1,2}(${CITY})`, 'uy');

interface Area extends AddressFound {
  /** Folded first five letters of each street of the area. */
  stems: string[];
}

function findAreas(text: string, folded: string): Area[] {
  const out: Area[] = [];
  AREA_LEAD.lastIndex = 0;
  for (let m = AREA_LEAD.exec(folded); m !== null; m = AREA_LEAD.exec(folded)) {
    let pos = m.index + m[0].length;
    AREA_KEYWORD.lastIndex = pos;
    const kw = AREA_KEYWORD.exec(folded);
    if (!kw) continue;
    pos += kw[0].length;
    const names: string[] = [];
    let listEnd = pos;
    for (let n = 0; n < 8; n++) {
      AREA_KEYWORD.lastIndex = pos;
      const again = n > 0 ? AREA_KEYWORD.exec(folded) : null;
      if (again) pos += again[0].length;
      AREA_ITEM.lastIndex = pos;
      const item = AREA_ITEM.exec(text);
      if (!item || NOT_STREET.test(item[0].split(/\s/)[0] ?? '')) break;
      const name = squash(item[0]);
      if (/^\p{Lu}$/u.test(name)) break;
      names.push(name);
      listEnd = pos + item[0].length;
      AREA_SEP.lastIndex = listEnd;
      const sep = AREA_SEP.exec(text);
      if (!sep) break;
      pos = listEnd + sep[0].length;
    }
    // One street "w rejonie ulicy Polarnej" is read as that street's address.
    if (names.length < 2) continue;
    const first = names[0] ?? '';
    const hit: Area = {
      value: `${abbreviation(kw[0])} ${first}`,
      start: m.index,
      end: listEnd,
      street: first,
      stems: names.map((n) => fold(n.split(/\s/).at(-1) ?? n).slice(0, 5)),
    };
    AREA_CITY.lastIndex = listEnd;
    const c = AREA_CITY.exec(text);
    if (c?.[1]) {
      hit.city = CITY_NOMINATIVE[c[1]] ?? c[1];
      hit.end = listEnd + c[0].length;
    }
    out.push(hit);
    AREA_LEAD.lastIndex = Math.max(AREA_LEAD.lastIndex, hit.end);
  }
  return out;
}

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
  const areas = findAreas(text, folded);
  const areaStems = new Set(areas.flatMap((a) => a.stems));
  const found: AddressFound[] = [];
  KEYWORD_RE.lastIndex = 0;
  let k: RegExpExecArray | null;
  while ((k = KEYWORD_RE.exec(folded)) !== null) {
    const at = k.index;
    const inArea = areas.find((a) => at >= a.start && at < a.end);
    if (inArea) {
      KEYWORD_RE.lastIndex = Math.max(KEYWORD_RE.lastIndex, inArea.end);
      continue;
    }
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
      const nameAt = kwEnd + (b[0].length - b[1].length);
      name = cutRunOn(name, text.slice(nameAt + name.length, nameAt + name.length + 4));
      end = nameAt + name.length;
    }
    const street = squash(name);
    if (street === '' || NOT_STREET.test(street.split(' ')[0] ?? '') || /^\d+$/.test(street)) continue;
    // "ul. K.", "przy ulicy P.": an anonymised street.
    if (/^\p{Lu}$/u.test(street)) continue;
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
    KEYWORD_RE.lastIndex = Math.max(KEYWORD_RE.lastIndex, hit.end);
    if (isOfficeAddress(text, folded, hit.start, hit.end)) continue;
    // A street of a plan area named on the page ("ulicą Miłoszycką" bounding it) is that area.
    if (number === undefined && areaStems.has(fold(street.split(' ').at(-1) ?? '').slice(0, 5))) continue;
    found.push(hit);
  }
  for (const a of areas) {
    const { stems: _stems, ...hit } = a;
    found.push(hit);
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

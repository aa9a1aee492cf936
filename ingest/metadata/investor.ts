/**
 * Investors and other named parties: the name after "Inwestor:", "inwestora:", "Wnioskodawca:",
 * "na wniosek …", "w imieniu …". A company ("Budimex S.A.", "XYZ Sp. z o.o."), an organisation
 * ("Gmina Wrocław", "Spółdzielnia Mieszkaniowa „Piast”") or a person (two to four capitalised
 * words, also in capitals). The raw span stops at the end of the name: before ", ul.", "zam.", a
 * line break. A commune, county, town or voivodeship named in another case is given in the
 * nominative ("na wniosek Gminy Dłutów" → "Gmina Dłutów"); a company keeps its name as written,
 * without a generic "Spółki" before it.
 *
 * An organ is a party where it complains or applies: "ze skargi Wojewody Dolnośląskiego", "skargi
 * kasacyjnej Rady Miejskiej w Wieliczce", "wniosek Generalnego Dyrektora Dróg Krajowych i
 * Autostrad", "udzielam Burmistrzowi Wielunia … zezwolenia", "Inwestorowi – …": its name in the
 * nominative. After "na wniosek" an organ is taken for the authority acting, never for a party.
 */
import { fold, squash, type Found } from './common.js';
import { organAt } from './issuer.js';

/** Trigger words on folded text. */
const TRIGGER_RE =
  /(?<![a-z])(inwestor(?:a|em|owi|zy|ow)?|wnioskodawc(?:a|y|ow|om)?|na\s{1,3}wniosek|wniosku|w\s{1,3}imieniu)(?![a-z])/g;

const PERSON_WORD = String.raw`(?:\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?|\p{Lu}{2,}(?:-\p{Lu}{2,})?)`;
const SP = String.raw`[ \t]{1,2}`;
const PERSON = String.raw`${PERSON_WORD}(?:${SP}(?:i|oraz)${SP}${PERSON_WORD})?(?:${SP}${PERSON_WORD}){1,3}`;
const ORG_TOKEN = String.raw`(?:[\p{Lu}\d][\p{L}\d&'\-]*(?:\.[\p{L}\d]+)*|„[^”"\n]{1,60}[”"]|"[^"\n]{1,60}"|«[^»\n]{1,60}»|i(?=[ \t]\p{Lu})|&)`;
const LEGAL = String.raw`(?:S\.[ \t]?A\.|[Ss]p(?:\.|ółka)[ \t]?z[ \t]?o\.[ \t]?o\.|[Ss]p\.[ \t]?[jk]\.|[Ss]\.[ \t]?[Cc]\.|[Ss]półka[ \t]+(?:[Aa]kcyjna|[Jj]awna|[Kk]omandytowa|z[ \t]+ograniczoną[ \t]+odpowiedzialnością))`;
const COMPANY = `${ORG_TOKEN}(?:${SP}${ORG_TOKEN}){0,7}${SP}${LEGAL}`;
const ORG_START = String.raw`(?:Państwowe|Państwowy|Państwowa|Gmina|Gminy|Gminie|Powiat|Powiatu|Miasto|Miasta|Województwo|Województwa|Skarb|Skarbu|Spółdzielnia|Towarzystwo|Przedsiębiorstwo|Fundacja|Stowarzyszenie|Wspólnota|Parafia|Zarząd|Zakład|Szpital|Uniwersytet|Politechnika|Miejskie|Miejski|Województwo|Polskie|Polska)`;
const ORG = `${ORG_START}(?:${SP}${ORG_TOKEN}){1,6}`;

/** After a trigger: separator, optional skipped phrase, honorific; then the name (group 1). */
const DATE_SKIP = String.raw`(?:\d{1,2}[.\-\/]\d{1,2}[.\-\/]\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}[ \t]+\p{L}+[ \t]+\d{4})(?:[ \t]?r\.)?`;
const LEAD = String.raw`[ \t]{0,3}(?:[:\-–—][ \t]{0,3})?(?:\r?\n[ \t]{0,3})?`
  + String.raw`(?:(?:z[ \t]+dnia|złożon\p{L}*(?:[ \t]+w[ \t]+dniu|[ \t]+dnia)?)[ \t]+${DATE_SKIP}[ \t]*,?[ \t]*)?`
  + String.raw`(?:\((?:znak|nr)[^)\n]{0,40}\)[ \t]*,?[ \t]*)?`
  + String.raw`(?:i[ \t]+na[ \t]+rzecz[ \t]+)?(?:złożon\p{L}*[ \t]+)?(?:przez[ \t]+)?`
  + String.raw`(?:(?:[Ii]nwestora|[Ww]nioskodawcy|[Ss]trony)[ \t]*[:\-–—,]?[ \t]*)?`
  + String.raw`(?:(?:Pan(?:a|u|em|ią|i)?|Państw(?:a|o|u)|P\.|Sz\.[ \t]?P\.)[ \t]{1,2})?`;
const NAME_RE = new RegExp(`${LEAD}(${COMPANY}|${ORG}|${PERSON})`, 'uy');
const SECOND_RE = new RegExp(
  String.raw`[ \t]{1,2}(?:i|oraz)[ \t]{1,2}(?:(?:Pan(?:a|u|em|ią|i)?|P\.)[ \t]{1,2})?(${COMPANY}|${PERSON})`,
  'uy',
);

/** First words that are offices or labels, not investors. */
const NOT_NAME = new RegExp(
  '^(?:prezydent|urzad|starost|wojewod|inwestor|wnioskodawc|pelnomocnik|dyrektor|wydzia|decyzj|' +
    'postanowieni|zgodnie|ustaw|prawo|kodeks|projekt|organ(?:u|y|em)?(?![a-z])|stron(?:a|y|ie|e)?(?![a-z])|' +
    '(?:na|w|we|z|ze|do|dla|dnia|znak|nr|ul|zam|pesel|nip|regon|krs|tel)(?![a-z]))',
);
/** A name ending in its legal form ("… Sp. z o.o."). */
const ENDS_LEGAL = new RegExp(`${LEGAL}$`, 'u');
/** Words that end a person's name when written in capitals ("JAN KOWALSKI ZAM. …"). */
const STOP_WORD = /^(?:ZAM|UL|AL|PL|OS|PESEL|NIP|REGON|KRS|ADRES|TEL|WE|W|Z|PRZY|DLA)$/u;

export type InvestorFound = Found;

function trimName(raw: string): string {
  const words = raw.split(/([ \t]+)/);
  let out = '';
  for (let i = 0; i < words.length; i += 2) {
    const w = words[i] ?? '';
    if (i > 0 && STOP_WORD.test(w.replace(/\.$/, ''))) break;
    out += (i > 0 ? (words[i - 1] ?? ' ') : '') + w;
  }
  return out;
}

function accept(raw: string): boolean {
  const folded = fold(raw);
  if (NOT_NAME.test(folded)) return false;
  return /\p{L}/u.test(raw) && squash(raw).split(' ').length >= 2;
}

/** Units of local government and the State named in an oblique case, with their nominative. */
const ORG_NOMINATIVE: [RegExp, string][] = [
  [/^(?:Gminy|Gminie|GMINY|GMINIE)(?=\s)/u, 'Gmina'],
  [/^(?:Powiatu|POWIATU)(?=\s)/u, 'Powiat'],
  [/^(?:Miasta|MIASTA)(?=\s)/u, 'Miasto'],
  [/^(?:Województwa|WOJEWÓDZTWA)(?=\s)/u, 'Województwo'],
  [/^(?:Skarbu|SKARBU)(?=\s)/u, 'Skarb'],
];

/** The name as a party is known by: the nominative of a unit, a company without "Spółki" before it. */
function partyName(raw: string): { value: string; skip: number } {
  const generic = /^(?:Spółki|Spółka|Spółce|Firmy|Firma)[ \t]+(?=\p{Lu})/u.exec(raw);
  if (generic && ENDS_LEGAL.test(raw)) return { value: squash(raw.slice(generic[0].length)), skip: generic[0].length };
  for (const [re, nom] of ORG_NOMINATIVE) {
    const m = re.exec(raw);
    if (m) return { value: squash(nom + raw.slice(m[0].length).replace(/^[ \t]+/, ' ')), skip: 0 };
  }
  return { value: squash(raw), skip: 0 };
}

/** Where an organ is a party: complaining, applying, receiving a permit. */
const ORGAN_PARTY = /(?<![a-z])(ze\s{1,3}skargi(?:\s{1,3}kasacyjnej)?|skargi\s{1,3}kasacyjnej|(?<!na\s{1,3})wniosek|udzielam|inwestorowi)(?![a-z])/g;
const ORGAN_LEAD = /^[ \t]*(?:[:\-–—][ \t]*)?(?:\r?\n[ \t]*)?/;

function organParties(text: string, folded: string): InvestorFound[] {
  const out: InvestorFound[] = [];
  ORGAN_PARTY.lastIndex = 0;
  for (let t = ORGAN_PARTY.exec(folded); t !== null; t = ORGAN_PARTY.exec(folded)) {
    const after = t.index + t[0].length;
    const lead = ORGAN_LEAD.exec(text.slice(after, after + 20));
    const m = organAt(text, after + (lead ? lead[0].length : 0));
    if (!m) continue;
    const dative = t[1] === 'udzielam' || t[1] === 'inwestorowi';
    if (dative ? m.form !== 'other' : m.form !== 'gen') continue;
    out.push({ value: m.value, start: m.start, end: m.end });
  }
  if (out.length === 0) return out;
  // The authority whose decision is under review appeals against the judgment, yet it is no
  // party of the case ("skargi kasacyjnej Głównego Inspektora … na decyzję Głównego Inspektora").
  const authorities = new Set<string>();
  REVIEWED_ACT.lastIndex = 0;
  for (let a = REVIEWED_ACT.exec(folded); a !== null; a = REVIEWED_ACT.exec(folded)) {
    const m = organAt(text, a.index + a[0].length);
    if (m && m.form === 'gen') authorities.add(m.value);
  }
  return out.filter((p) => !authorities.has(p.value));
}

/** "na decyzję …", "od postanowienia …": the act of an authority reviewed in the case. */
const REVIEWED_ACT = /(?<![a-z])(?:na|od)\s{1,3}(?:decyzj[eai]|postanowieni[ea])(?![a-z])/g;

/** All investor names in `text`, deduplicated by value. */
export function findInvestors(text: string): InvestorFound[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const folded = fold(text);
  const out: InvestorFound[] = [];
  const seen = new Set<string>();
  const add = (raw: string, start: number): number => {
    const name = trimName(raw);
    if (!accept(name)) return start;
    const { value, skip } = partyName(name);
    if (!seen.has(value)) {
      seen.add(value);
      out.push({ value, start: start + skip, end: start + name.length });
    }
    return start + name.length;
  };
  TRIGGER_RE.lastIndex = 0;
  let t: RegExpExecArray | null;
  while ((t = TRIGGER_RE.exec(folded)) !== null) {
    const at = t.index + t[0].length;
    NAME_RE.lastIndex = at;
    const m = NAME_RE.exec(text);
    if (!m || !m[1]) continue;
    const start = at + m[0].length - m[1].length;
    let end = add(m[1], start);
    if (end === start) continue;
    SECOND_RE.lastIndex = end;
    const s = SECOND_RE.exec(text);
    if (s && s[1]) end = add(s[1], end + s[0].length - s[1].length);
    TRIGGER_RE.lastIndex = Math.max(TRIGGER_RE.lastIndex, end);
  }
  for (const p of organParties(text, folded)) {
    if (seen.has(p.value)) continue;
    seen.add(p.value);
    out.push(p);
  }
  return out.sort((a, b) => a.start - b.start);
}

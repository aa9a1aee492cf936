/**
 * The issuer of a document: the court or the organ that issued it, as its heading, letterhead,
 * opening sentence or sign-off names it, normalised to the nominative official name.
 *
 * Courts: a ruling's heading ("Wyrok WSA w Rzeszowie", "Wyrok\nNaczelnego Sądu Administracyjnego",
 * "II OSK 2749/20 - Wyrok NSA"), the opening of its sentencja ("Wojewódzki Sąd Administracyjny w
 * Łodzi – Wydział II w składzie …") or a court database's "Sąd" cell; failing all of them, the
 * repertory of the ruling's own signature ("II SA/Wr …" → WSA we Wrocławiu, "II OSK …" → NSA).
 *
 * Organs, by a small grammar: optional agreeing adjectives, a head noun (Wójt, Burmistrz,
 * Prezydent, Starosta, Wojewoda, Marszałek, Rada, Sejmik, Zarząd, Dyrektor, Inspektor,
 * Inspektorat, Kolegium, Starostwo, Urząd, …) in any case, and what names it ("Gminy Michałowice",
 * "Mazowieckiego", "Województwa Dolnośląskiego", "Ochrony Środowiska we Wrocławiu"). Where it
 * stands decides whether it issued the document, in this order: the heading after the type word
 * ("OBWIESZCZENIE WOJEWODY ŁÓDZKIEGO", "UCHWAŁA NR … RADY MIEJSKIEJ WROCŁAWIA", also abbreviated
 * with a seat: "Obwieszczenie RDOŚ we Wrocławiu"), the letterhead (the first lines, at the left
 * margin: "WOJEWODA OPOLSKI"; an office there gives way to an organ that signs or speaks), the
 * sign-off ("Z up. Prezydenta Wrocławia", "Burmistrz Dobrej" above a signatory's name), the
 * opening subject ("Wójt Gminy Górno działając …", "Marszałek Województwa Dolnośląskiego
 * informuje"), a service card's "Miejsce złożenia dokumentów", and in a notice the organ that
 * issued the decision it announces ("… Wójt Gminy X wydał decyzję", "o wydanej … decyzji
 * Burmistrza Brus") or that receives remarks ("Uwagi należy składać … do Prezydenta Wrocławia").
 * An organ merely mentioned elsewhere (the one whose act a court reviewed, an office address, the
 * addressee of a party's letter) is none.
 */
import { fold, type Found } from './common.js';
import { findCourtRulingType } from './court-heading.js';

export interface IssuerFound extends Found {
  /** Where the name was read: court, signature, heading, letterhead, signoff, opening, card, notice. */
  basis: string;
}

// ---------------------------------------------------------------- courts

/** The 16 seats of the voivodeship administrative courts: folded locative → as written in the name. */
const SEATS: readonly [string, string, string][] = [
  ['bialymstoku', 'w Białymstoku', 'Bk'],
  ['bydgoszczy', 'w Bydgoszczy', 'Bd'],
  ['gdansku', 'w Gdańsku', 'Gd'],
  ['gliwicach', 'w Gliwicach', 'Gl'],
  ['gorzowie wielkopolskim', 'w Gorzowie Wielkopolskim', 'Go'],
  ['kielcach', 'w Kielcach', 'Ke'],
  ['krakowie', 'w Krakowie', 'Kr'],
  ['lublinie', 'w Lublinie', 'Lu'],
  ['lodzi', 'w Łodzi', 'Łd'],
  ['olsztynie', 'w Olsztynie', 'Ol'],
  ['opolu', 'w Opolu', 'Op'],
  ['poznaniu', 'w Poznaniu', 'Po'],
  ['rzeszowie', 'w Rzeszowie', 'Rz'],
  ['szczecinie', 'w Szczecinie', 'Sz'],
  ['warszawie', 'w Warszawie', 'Wa'],
  ['wroclawiu', 'we Wrocławiu', 'Wr'],
];
const SEAT_ALT = SEATS.map(([f]) => f.replace(' ', '\\s+')).join('|');
const NSA_NAME = 'Naczelny Sąd Administracyjny';
const WSA_NAME = 'Wojewódzki Sąd Administracyjny';

const COURT_FULL = new RegExp(
  String.raw`(?<![a-z])(naczeln|wojewodzk)(y|i|ego|iego|emu|iemu|ym|im)\s+sad(u|owi|em|zie)?\s+administracyjn(y|ego|emu|ym)(?![a-z])` +
    String.raw`(?:\s+(?:w|we)\s+(${SEAT_ALT})(?![a-z]))?`,
  'g',
);
const COURT_ABBR = new RegExp(String.raw`(?<![\p{L}])(NSA|WSA)(?![\p{L}])(?:[ \t]+(?:w|we)[ \t]+(\p{Lu}\p{Ll}+(?:[ \t]+\p{Lu}\p{Ll}+)?))?`, 'gu');
/** What follows the court's name opening a sentencja. */
const OPENING_AFTER =
  /^[ \t\n,]*(?:[-–][ \t]*)?(?:(?:wydzia\w*[ \t]+[ivx]+|[ivx]+[ \t]+wydzia\w*)(?:[ \t]+\p{L}+){0,3}?[ \t\n,]*)?(?:w[ \t\n]+skladzie|po[ \t\n]+rozpoznaniu|na[ \t\n]+(?:posiedzeniu|rozprawie))/u;

interface CourtMention {
  court: 'NSA' | 'WSA';
  seat: string | null;
  start: number;
  end: number;
  nominative: boolean;
}

function seatOf(folded: string): string | null {
  const f = folded.replace(/\s+/g, ' ');
  return SEATS.find(([s]) => s === f)?.[1] ?? null;
}

function courtMentions(text: string, folded: string): CourtMention[] {
  const out: CourtMention[] = [];
  COURT_FULL.lastIndex = 0;
  for (let m = COURT_FULL.exec(folded); m !== null; m = COURT_FULL.exec(folded)) {
    const court = m[1] === 'naczeln' ? 'NSA' : 'WSA';
    const nominative = (m[2] === 'y' || m[2] === 'i') && m[3] === undefined && m[4] === 'y';
    out.push({ court, seat: m[5] ? seatOf(m[5]) : null, start: m.index, end: m.index + m[0].length, nominative });
  }
  COURT_ABBR.lastIndex = 0;
  for (let m = COURT_ABBR.exec(text); m !== null; m = COURT_ABBR.exec(text)) {
    const court = m[1] === 'NSA' ? 'NSA' : 'WSA';
    const seat = court === 'WSA' && m[2] ? seatOf(fold(m[2])) : null;
    const end = seat ? m.index + m[0].length : m.index + 3;
    out.push({ court, seat, start: m.index, end, nominative: false });
  }
  return out.sort((a, b) => a.start - b.start);
}

function courtValue(court: 'NSA' | 'WSA', seat: string | null): string | null {
  if (court === 'NSA') return NSA_NAME;
  return seat ? `${WSA_NAME} ${seat}` : null;
}

/** "II SA/Wr 461/12" → WSA we Wrocławiu, "II OSK 2749/20" → NSA; null for other signatures. */
export function courtOfSignature(signature: string): { court: 'NSA' | 'WSA'; seat: string | null } | null {
  const wsa = /(?:^|\s)SAB?\/(\S{2,3})\s+\d/.exec(signature);
  if (wsa) {
    const code = fold(wsa[1] ?? '');
    const seat = SEATS.find(([, , c]) => fold(c) === code)?.[1] ?? null;
    return seat ? { court: 'WSA', seat } : null;
  }
  if (/^(?:[IVX]{1,4}\s+)?(?:OSK|OZ|OPS|OSP|GSK|GZ|GPS|FSK|FZ|FPS|OW|OPP)\s+\d/.test(signature.trim())) return { court: 'NSA', seat: null };
  return null;
}

/** The court that issued a ruling, from its text, or null when the text shows no court ruling. */
export function findCourtIssuer(text: string): IssuerFound | null {
  const folded = fold(text);
  const mentions = courtMentions(text, folded);
  const heading = findCourtRulingType(text);
  const opening = mentions.find((m) => m.nominative && OPENING_AFTER.test(folded.slice(m.end, m.end + 60)));
  const cell = mentions.find((m) => /(?:^|\n)[ \t]*sad(?:[ \t]*:)?[ \t]*\n[ \t]*$/.test(folded.slice(Math.max(0, m.start - 12), m.start)));
  const court = heading?.court ?? opening?.court ?? cell?.court ?? null;
  if (!court) return null;
  const region = heading ? { start: heading.start, end: heading.start + 250 } : null;
  const inHeading = region ? mentions.filter((m) => m.start >= region.start && m.start < region.end && m.court === court) : [];
  const ordered = [opening, cell, ...inHeading.filter((m) => m.start >= (heading?.start ?? 0))].filter(
    (m): m is CourtMention => m !== undefined && m.court === court,
  );
  const pick = court === 'NSA' ? ordered[0] : ordered.find((m) => m.seat !== null);
  if (pick) {
    const value = courtValue(pick.court, pick.seat);
    if (value) return { value, start: pick.start, end: pick.end, basis: 'court' };
  }
  return null;
}

// ---------------------------------------------------------------- organs

type Gender = 'm' | 'f' | 'n';
type Tail = 'gmina' | 'city' | 'region' | 'voivodeship' | 'council' | 'generic';

interface Head {
  nom: string;
  gender: Gender;
  tail: Tail;
  /** Adjectives after the head agree with it ("Rady Miejskiej", "Kolegium Odwoławczego"). */
  agrees: boolean;
  /** The head may take a seat ("… w Opolu"). */
  seat: boolean;
  nomForms: string[];
  genForms: string[];
  otherForms: string[];
}

function head(nom: string, gender: Gender, tail: Tail, agrees: boolean, seat: boolean, nomF: string[], gen: string[], other: string[]): Head {
  return { nom, gender, tail, agrees, seat, nomForms: nomF, genForms: gen, otherForms: other };
}

const HEADS: Head[] = [
  head('Wójt', 'm', 'gmina', false, false, ['wojt'], ['wojta'], ['wojtowi', 'wojtem']),
  head('Burmistrz', 'm', 'city', false, false, ['burmistrz'], ['burmistrza'], ['burmistrzowi', 'burmistrzem']),
  head('Prezydent', 'm', 'city', false, false, ['prezydent'], ['prezydenta'], ['prezydentowi', 'prezydentem']),
  head('Starosta', 'm', 'region', true, false, ['starosta'], ['starosty'], ['staroscie']),
  head('Wojewoda', 'm', 'region', true, false, ['wojewoda'], ['wojewody'], ['wojewodzie']),
  head('Marszałek', 'm', 'voivodeship', false, false, ['marszalek'], ['marszalka'], ['marszalkowi', 'marszalkiem']),
  head('Sejmik', 'm', 'voivodeship', false, false, ['sejmik'], ['sejmiku'], ['sejmikowi']),
  head('Rada', 'f', 'council', true, true, ['rada'], ['rady'], ['radzie']),
  head('Zarząd', 'm', 'generic', true, true, ['zarzad'], ['zarzadu'], ['zarzadowi']),
  head('Dyrektor', 'm', 'generic', false, true, ['dyrektor'], ['dyrektora'], ['dyrektorowi', 'dyrektorem']),
  head('Inspektor', 'm', 'generic', true, true, ['inspektor'], ['inspektora'], ['inspektorowi', 'inspektorem']),
  head('Inspektorat', 'm', 'generic', true, true, ['inspektorat'], ['inspektoratu'], ['inspektoratowi']),
  head('Konserwator', 'm', 'generic', false, true, ['konserwator'], ['konserwatora'], ['konserwatorowi']),
  head('Minister', 'm', 'generic', false, false, ['minister'], ['ministra'], ['ministrowi']),
  head('Prezes', 'm', 'generic', false, false, ['prezes'], ['prezesa'], ['prezesowi']),
  head('Kolegium', 'n', 'generic', true, true, ['kolegium'], [], []),
  head('Starostwo', 'n', 'generic', true, true, ['starostwo'], ['starostwa'], ['starostwu']),
  head('Urząd', 'm', 'generic', true, true, ['urzad'], ['urzedu'], ['urzedowi']),
  head('Dyrekcja', 'f', 'generic', true, true, ['dyrekcja'], ['dyrekcji'], []),
];
const HEAD_BY_FORM = new Map<string, { head: Head; form: 'nom' | 'gen' | 'other' | 'nomgen' }>();
for (const h of HEADS) {
  for (const f of h.otherForms) HEAD_BY_FORM.set(f, { head: h, form: 'other' });
  for (const f of h.genForms) HEAD_BY_FORM.set(f, { head: h, form: 'gen' });
  for (const f of h.nomForms) HEAD_BY_FORM.set(f, { head: h, form: h.genForms.length === 0 ? 'nomgen' : 'nom' });
}

interface Tok {
  s: string;
  f: string;
  start: number;
  end: number;
}

const TOKEN = /\p{L}+(?:[-‑]\p{L}+)*|\d+|[^\s\p{L}\d]/gu;

function tokenize(text: string, folded: string): Tok[] {
  const out: Tok[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    out.push({ s: m[0], f: folded.slice(m.index, m.index + m[0].length), start: m.index, end: m.index + m[0].length });
  }
  return out;
}

const isUpper = (s: string): boolean => s === s.toUpperCase() && s !== s.toLowerCase();
const isCap = (s: string): boolean => /^\p{Lu}/u.test(s);

/** Adjective endings, longest first, with the case they show. */
const ADJ_END = /(sk|ck|dzk|cz|n|ow|ln|w|l|r)(iego|ego|iemu|emu|iej|ej|ym|im|a|y|i|e)$/;
const OBLIQUE = new Set(['iego', 'ego', 'iemu', 'emu', 'iej', 'ej', 'ym', 'im']);

function isAdjective(f: string): boolean {
  return f.length >= 4 && ADJ_END.test(f.replace(/^.*-/, ''));
}

/** The adjective's ending can agree with a noun of this gender ("Regionalnego Dyrektora", not "Nadzorcze Wojewody"). */
function fitsGender(f: string, gender: Gender): boolean {
  const end = ADJ_END.exec(f.replace(/^.*-/, ''))?.[2] ?? '';
  if (gender === 'f') return end === 'a' || end === 'ej' || end === 'iej';
  if (gender === 'm') return !(end === 'a' || end === 'e' || end === 'ej' || end === 'iej');
  return !(end === 'a' || end === 'y' || end === 'i' || end === 'ej' || end === 'iej');
}

function isOblique(f: string): boolean {
  return OBLIQUE.has(ADJ_END.exec(f.replace(/^.*-/, ''))?.[2] ?? '');
}

/** "Mazowieckiego" → "Mazowiecki", "Miejskiej" → "Miejska", "Samorządowego" → "Samorządowe" (by gender). */
function nominativeAdjective(word: string, gender: Gender): string {
  return word
    .split(/([-‑])/)
    .map((part) => {
      if (part === '-' || part === '‑') return part;
      const f = fold(part);
      const m = ADJ_END.exec(f);
      if (!m || !OBLIQUE.has(m[2] ?? '')) return part;
      const stem = part.slice(0, part.length - (m[2] ?? '').length);
      const soft = /[kg]$/.test(fold(stem));
      const ending = gender === 'f' ? 'a' : gender === 'n' ? (soft ? 'ie' : 'e') : soft ? 'i' : 'y';
      return stem + ending;
    })
    .join('');
}

/**
 * Two words of a place name that go together: an adjective and its noun in the same case
 * ("Zielona Góra", "Nowej Rudy", "Białej Podlaskiej"), not a name and the next word ("Dobrej Tadeusz").
 */
function agreeing(a: string, b: string): boolean {
  if (isAdjective(b) && isAdjective(a)) return true;
  if (!isAdjective(a)) return false;
  if (/(?:iego|ego)$/.test(a)) return /(?:a|u)$/.test(b);
  if (/(?:iej|ej)$/.test(a)) return /(?:y|i)$/.test(b);
  if (/(?:ym|im)$/.test(a)) return /(?:u|ie|iu)$/.test(b);
  if (/a$/.test(a)) return /a$/.test(b);
  if (/e$/.test(a)) return /(?:e|y|i)$/.test(b);
  return /(?:y|i)$/.test(a);
}

/** Function words kept in lower case in a name. */
const LOWER_WORDS = new Set(['w', 'we', 'i', 'dla', 'na', 'z', 'ze', 'm.st.']);

function titleCase(name: string): string {
  return name
    .split(' ')
    .map((w) => {
      if (LOWER_WORDS.has(fold(w))) return fold(w) === 'm.st.' ? 'm.st.' : w.toLowerCase();
      return w
        .split(/([-‑])/)
        .map((p) => (p.length > 0 && /\p{L}/u.test(p) ? p.slice(0, 1).toUpperCase() + p.slice(1).toLowerCase() : p))
        .join('');
    })
    .join(' ');
}

/** Capitalised words that end a name rather than continue it. */
const STOP = new Set([
  'na', 'nr', 'z', 'ze', 'zgodnie', 'dzialajac', 'dnia', 'sygn', 'znak', 'poz', 'data', 'pan', 'pani', 'panu',
  'uzasadnienie', 'informuje', 'zawiadamia', 'obwieszczenie', 'wyrok', 'decyzja', 'postanowienie', 'uchwala',
  'sentencja', 'dz', 'ul', 'al', 'pl', 'tel', 'mgr', 'inz', 'dr', 'w', 'we', 'o', 'i', 'do', 'od', 'po', 'przy',
  'organ', 'sad', 'pismem', 'jednoczesnie', 'ogloszenie', 'zawiadomienie', 'rozstrzygniecie', 'zarzadzenie',
  'projekt', 'wydzial', 'referat', 'biuro', 'dane', 'lex', 'lex-i', 'nadzorcze', 'zastepcze',
]);
/** Words that open what names an organ on the next line ("Z up. Regionalnego Dyrektora\nOchrony Środowiska"). */
const CONTINUES = new Set(['ochrony', 'nadzoru', 'gminy', 'miasta', 'wojewodztwa', 'powiatu', 'drog', 'zabytkow', 'urzad', 'wojewodzki']);

export interface OrganMention extends Found {
  form: 'nom' | 'gen' | 'other';
  head: Head;
  /** The name ends with a seat ("… w Opolu"). */
  seated: boolean;
}

class Parser {
  constructor(
    private readonly text: string,
    private readonly toks: Tok[],
  ) {}

  /** The whitespace between token i-1 and token i, or null when something else stands there. */
  private gap(i: number): string | null {
    const a = this.toks[i - 1];
    const b = this.toks[i];
    if (!a || !b || b.start - a.end > 12) return null;
    const g = this.text.slice(a.end, b.start);
    return /^[ \t\u00a0\r\n]*$/.test(g) ? g : null;
  }

  /** Token i continues the name: plain whitespace, a line break only where the name needs more. */
  private joins(i: number, needMore: boolean): boolean {
    const g = this.gap(i);
    if (g === null || g.length > 12) return false;
    const breaks = (g.match(/\n/g) ?? []).length;
    if (breaks === 0) return true;
    if (breaks > 1) return false;
    const t = this.toks[i];
    if (!t) return false;
    return needMore || CONTINUES.has(t.f) || ((t.f === 'w' || t.f === 'we') && isCap(this.toks[i + 1]?.s ?? ''));
  }

  private word(i: number, upper: boolean): boolean {
    const t = this.toks[i];
    if (!t || !/^\p{L}/u.test(t.s) || t.s.length < 2 || !isCap(t.s) || STOP.has(t.f)) return false;
    if (HEAD_BY_FORM.has(t.f)) return false;
    // The name's own style: all capitals or capitalised words, not a mix.
    return upper ? isUpper(t.s) : !isUpper(t.s) || t.s.length <= 3;
  }

  /** Place words after "w"/"we": one to three capitalised words, the later ones adjectival. */
  private place(i: number, upper: boolean): number {
    if (!this.word(i, upper)) return -1;
    let j = i + 1;
    // "w Białej Podlaskiej", "w Gorzowie Wielkopolskim", "w Nowym Targu": words in the locative.
    while (j < i + 3 && this.joins(j, false) && this.word(j, upper)) {
      const prev = this.toks[j - 1]!.f;
      const f = this.toks[j]!.f;
      if (!(isAdjective(f) && /(?:im|ym|iej|ej)$/.test(f)) && !(isAdjective(prev) && /(?:im|ym)$/.test(prev) && agreeing(prev, f))) break;
      j++;
    }
    const next = this.text[this.toks[j - 1]!.end];
    if (next === '.' && this.toks[j - 1]!.s.length <= 2) return -1; // "w K." – anonymised
    return j;
  }

  /** Names of a town or commune: one word, or two when one of them is adjectival ("Zielona Góra"). */
  private town(i: number, upper: boolean): number {
    if (!this.word(i, upper)) return -1;
    if (this.text[this.toks[i]!.end] === '.' && this.toks[i]!.s.length <= 2) return -1;
    let j = i + 1;
    if (this.joins(j, false) && this.word(j, upper) && agreeing(this.toks[i]!.f, this.toks[j]!.f)) j++;
    return j;
  }

  private is(i: number, f: string): boolean {
    return this.toks[i]?.f === f;
  }

  /** Parse an organ whose first token is i; null when none starts there. */
  parse(i: number): OrganMention | null {
    const first = this.toks[i];
    if (!first || !isCap(first.s)) return null;
    const upper = isUpper(first.s) && first.s.length > 1;
    // Up to two agreeing adjectives before the head ("Regionalnego Dyrektora", "Dolnośląski Wojewódzki Inspektor").
    let j = i;
    const prefix: Tok[] = [];
    while (prefix.length < 2) {
      const t = this.toks[j];
      if (!t || HEAD_BY_FORM.has(t.f) || !isCap(t.s) || !isAdjective(t.f) || STOP.has(t.f)) break;
      if (j > i && !this.joins(j, true)) return null;
      prefix.push(t);
      j++;
    }
    const h = this.toks[j];
    if (!h || !isCap(h.s) || (prefix.length > 0 && !this.joins(j, true))) return null;
    const entry = HEAD_BY_FORM.get(h.f);
    if (!entry) return null;
    if (prefix.some((p) => !fitsGender(p.f, entry.head.gender))) return null;
    if (upper !== (isUpper(h.s) && h.s.length > 1)) return null;
    const hd = entry.head;
    const parts: string[] = [...prefix.map((p) => nominativeAdjective(p.s, hd.gender)), hd.nom];
    let k = j + 1;
    const needMore = prefix.length === 0;
    const take = (to: number, agree: boolean): void => {
      for (let x = k; x < to; x++) {
        const t = this.toks[x]!;
        parts.push(agree && isAdjective(t.f) ? nominativeAdjective(t.s, hd.gender) : t.s);
      }
      k = to;
    };
    let named = prefix.length > 0;
    switch (hd.tail) {
      case 'gmina': {
        if (this.joins(k, true) && this.is(k, 'gminy') && isCap(this.toks[k]!.s) && upper === isUpper(this.toks[k]!.s)) {
          const end = this.town(k + 1, upper);
          if (end > 0 && this.joins(k + 1, true)) {
            take(end, false);
            named = true;
          }
        }
        break;
      }
      case 'city': {
        let s = k;
        let capital = false;
        if (this.joins(s, true) && (this.is(s, 'miasta') || this.is(s, 'gminy'))) {
          s++;
          if (this.is(s, 'i') && (this.is(s + 1, 'gminy') || this.is(s + 1, 'miasta'))) s += 2;
          else if (this.is(s, 'stolecznego')) s++;
        } else if (this.joins(s, true) && this.is(s, 'm') && this.is(s + 1, '.') && this.is(s + 2, 'st') && this.is(s + 3, '.')) {
          // "Prezydent m.st. Warszawy"
          s += 4;
          capital = true;
        }
        if (s === k || this.joins(s, true)) {
          const end = this.town(s, upper);
          if (end > 0 && this.joins(k, true)) {
            if (capital) {
              parts.push('m.st.');
              k = s;
            }
            take(end, false);
            named = true;
          }
        }
        break;
      }
      case 'region': {
        if (this.joins(k, true) && this.word(k, upper) && isAdjective(this.toks[k]!.f)) {
          take(k + 1, true);
          named = true;
        } else if (this.joins(k, true) && this.is(k, 'powiatu') && this.joins(k + 1, false) && this.word(k + 1, upper)) {
          take(k + 2, false);
          named = true;
        }
        break;
      }
      case 'voivodeship': {
        if (this.joins(k, true) && this.is(k, 'wojewodztwa') && this.joins(k + 1, false) && this.word(k + 1, upper)) {
          take(k + 2, false);
          named = true;
        }
        break;
      }
      case 'council':
      case 'generic': {
        let x = k;
        let agreeing = hd.agrees;
        const words: { at: number; agree: boolean }[] = [];
        while (words.length < 7) {
          if (!this.joins(x, words.length === 0 && needMore)) break;
          // "i" joins two names ("Dróg Krajowych i Autostrad"; "I" in capitals, or as some pages write it).
          if (this.is(x, 'i') && (this.toks[x]!.s === 'i' || upper || !isUpper(this.toks[x + 1]?.s ?? '')) && this.word(x + 1, upper) && this.joins(x + 1, false) && words.length > 0) {
            words.push({ at: x, agree: false });
            x++;
            agreeing = false;
            continue;
          }
          if (!this.word(x, upper) && !(this.toks[x] && HEAD_BY_FORM.has(this.toks[x]!.f) && words.length > 0 && hd.tail === 'generic')) break;
          // Only an adjective in the head's case agrees with it ("Rady Miejskiej"); a genitive
          // complement does not ("Zarządu Zieleni Miejskiej").
          const f = this.toks[x]!.f;
          const agrees = agreeing && isAdjective(f) && (entry.form !== 'gen' && entry.form !== 'other' ? true : isOblique(f));
          words.push({ at: x, agree: agrees });
          if (!agrees) agreeing = false;
          x++;
        }
        if (words.length > 0) {
          for (const w of words) {
            const t = this.toks[w.at]!;
            parts.push(w.agree ? nominativeAdjective(t.s, hd.gender) : t.s);
          }
          k = x;
          named = true;
        }
        break;
      }
    }
    if (!named) return null;
    let seated = false;
    // "Powiatowy Inspektor Nadzoru Budowlanego dla Miasta Wrocławia"
    if (hd.seat && this.joins(k, false) && this.is(k, 'dla') && (this.is(k + 1, 'miasta') || this.is(k + 1, 'powiatu')) && this.joins(k + 2, false)) {
      const end = this.town(k + 2, upper);
      if (end > 0 && this.word(k + 1, upper)) {
        take(end, false);
        seated = true;
      }
    }
    if (!seated && hd.seat && this.joins(k, false) && (this.is(k, 'w') || this.is(k, 'we'))) {
      const end = this.place(k + 1, upper);
      if (end > 0 && this.joins(k + 1, false)) {
        take(end, false);
        seated = true;
      }
    }
    const last = this.toks[k - 1]!;
    // A head with one form for both cases ("Kolegium") shows its case in its adjectives.
    const oblique = [...prefix, this.toks[j + 1]].some((t) => t !== undefined && isAdjective(t.f) && isOblique(t.f));
    const form = entry.form === 'nomgen' ? (oblique ? 'gen' : 'nom') : entry.form;
    return { value: titleCase(parts.join(' ')), start: first.start, end: last.end, form, head: hd, seated };
  }
}

/** Every organ named in `text`, in order (the names do not overlap). */
export function findOrgans(text: string): OrganMention[] {
  const folded = fold(text);
  const toks = tokenize(text, folded);
  const p = new Parser(text, toks);
  const out: OrganMention[] = [];
  let lastEnd = -1;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.start < lastEnd || !isCap(t.s)) continue;
    const m = p.parse(i);
    if (m) {
      out.push(m);
      lastEnd = m.end;
    }
  }
  return out;
}

/** The organ whose name starts at `at` (after blanks), or null. */
export function organAt(text: string, at: number): OrganMention | null {
  const window = text.slice(at, at + 300);
  const lead = window.length - window.trimStart().length;
  const chunk = window.slice(lead);
  const toks = tokenize(chunk, fold(chunk));
  const m = new Parser(chunk, toks).parse(0);
  return m ? { ...m, start: at + lead + m.start, end: at + lead + m.end } : null;
}

// ---------------------------------------------------------------- where the organ stands

/** How far into the page a heading may name its organ. */
const HEAD_CHARS = 600;
const TYPE_WORDS = [
  'obwieszczenie', 'zawiadomienie', 'ogloszenie', 'informacja', 'komunikat', 'rozstrzygniecie', 'uchwala', 'decyzja',
  'postanowienie', 'zarzadzenie', 'pismo',
];
/** A type word, written spaced out in capitals too ("O B W I E S Z C Z E N I E"). */
const TYPE_RE = new RegExp(
  `(?<![a-z])(?:${TYPE_WORDS.map((w) => `${w}|${w.split('').join(' ')}`).join('|')})(?:[ \\t]+(?:nadzorcze|zastepcze))?` +
    String.raw`((?:[ \t]+(?:nr|numer)\.?[ \t]*[^\s]{1,24}(?:[ \t]+[^\s]{1,12}){0,3})?)[ \t\u00a0\r\n]+$`,
);

/** The organ follows a heading's type word: "OBWIESZCZENIE WOJEWODY ŁÓDZKIEGO", "UCHWAŁA NR … RADY …". */
function headingBefore(text: string, folded: string, start: number): boolean {
  const from = Math.max(0, start - 90);
  const m = TYPE_RE.exec(folded.slice(from, start));
  if (!m) return false;
  const at = from + m.index;
  // The number of the act may run on ("NR LEX-I BŁ"), never into words of a sentence.
  const number = m[1] ?? '';
  const numberAt = from + m.index + m[0].length - number.length - (m[0].length - m[0].trimEnd().length);
  if (/(?<![\p{L}])\p{Ll}{3,}/u.test(text.slice(numberAt, numberAt + number.length).replace(/^\s*(?:nr|numer)/i, ''))) return false;
  const written = text.slice(at, at + 6);
  if (isUpper(written.replace(/\s/g, ''))) return true;
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  return text.slice(lineStart, at).trim() === '' && isCap(written);
}

/** Abbreviated organs in a heading ("Obwieszczenie RDOŚ we Wrocławiu", "Decyzja SKO w Opolu"). */
const ABBREVIATED: Record<string, string> = {
  RDOŚ: 'Regionalny Dyrektor Ochrony Środowiska',
  RDOS: 'Regionalny Dyrektor Ochrony Środowiska',
  GDOŚ: 'Generalny Dyrektor Ochrony Środowiska',
  GDOS: 'Generalny Dyrektor Ochrony Środowiska',
  SKO: 'Samorządowe Kolegium Odwoławcze',
  PINB: 'Powiatowy Inspektor Nadzoru Budowlanego',
  WINB: 'Wojewódzki Inspektor Nadzoru Budowlanego',
  GINB: 'Główny Inspektor Nadzoru Budowlanego',
};
/** Seats of regional offices written in the nominative after an abbreviation ("RDOŚ Wrocław"). */
const SEAT_OF_CITY: Record<string, string> = {
  wroclaw: 'we Wrocławiu', warszawa: 'w Warszawie', krakow: 'w Krakowie', lodz: 'w Łodzi', poznan: 'w Poznaniu',
  gdansk: 'w Gdańsku', szczecin: 'w Szczecinie', bydgoszcz: 'w Bydgoszczy', lublin: 'w Lublinie', bialystok: 'w Białymstoku',
  katowice: 'w Katowicach', kielce: 'w Kielcach', olsztyn: 'w Olsztynie', opole: 'w Opolu', rzeszow: 'w Rzeszowie',
  torun: 'w Toruniu',
};
const ABBR_RE = new RegExp(
  String.raw`(?<![\p{L}])(${Object.keys(ABBREVIATED).join('|')})(?![\p{L}])(?:[ \t]+(?:(w|we)[ \t]+(\p{Lu}\p{Ll}+(?:[ \t]+\p{Lu}\p{Ll}+)?)|(\p{Lu}\p{Ll}+)))?`,
  'gu',
);

function abbreviatedHeading(text: string, folded: string): IssuerFound | null {
  ABBR_RE.lastIndex = 0;
  for (let m = ABBR_RE.exec(text); m !== null && m.index < HEAD_CHARS; m = ABBR_RE.exec(text)) {
    if (!headingBefore(text, folded, m.index)) continue;
    const name = ABBREVIATED[m[1] ?? ''];
    if (!name) continue;
    if (m[3]) {
      // "RDOŚ w Opolu": the seat as written, two words only when the second is an adjective.
      const words = m[3].split(/[ \t]+/);
      const second = words[1] !== undefined && /(?:im|ym|iej|ej)$/.test(fold(words[1])) ? ` ${words[1]}` : '';
      const seat = `${m[2]} ${words[0]}${second}`;
      return { value: `${name} ${seat}`, start: m.index, end: m.index + m[0].length - (m[3].length - (words[0]!.length + second.length)), basis: 'heading' };
    }
    const city = m[4] ? SEAT_OF_CITY[fold(m[4])] : undefined;
    if (city) return { value: `${name} ${city}`, start: m.index, end: m.index + m[0].length, basis: 'heading' };
    // Without its seat a regional office's abbreviation names no particular organ ("Postanowienie RDOŚ").
    if (NATIONAL.has(m[1] ?? '')) return { value: name, start: m.index, end: m.index + (m[1] ?? '').length, basis: 'heading' };
  }
  return null;
}

/** Abbreviations of organs with no seat. */
const NATIONAL = new Set(['GDOŚ', 'GDOS', 'GINB']);

/** A signatory's line under the organ's name: "/-/ Tadeusz Gebler", "mgr inż. Jan Nowak", "Artur Kłysz". */
const SIGNATORY = /^[ \t]*(?:(?:\/-\/|\(-\)|\(podpis\))[ \t]*)?(?:(?:mgr|inż\.|dr|hab\.|prof\.)[ \t]*)*(?:\p{Lu}\p{Ll}+[ \t]+){1,2}\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?[ \t]*$/u;
const BY_AUTHORITY = /(?:^|[^\p{L}])(?:z[ \t]*up\.|z[ \t]+upoważnienia)[ \t\n]+$/iu;

/** How many non-empty lines stand before the line holding `at`. */
function lineIndex(text: string, at: number): number {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  return text.slice(0, lineStart).split('\n').filter((l) => l.trim() !== '').length;
}

/** The line holding [start, end) has nothing else on it (lines longer than a name's are not read). */
function alone(text: string, m: Found): boolean {
  const before = text.slice(Math.max(0, m.start - 80), m.start);
  const ls = before.lastIndexOf('\n');
  if ((ls < 0 && m.start > 80) || before.slice(ls + 1).trim() !== '') return false;
  const after = text.slice(m.end, m.end + 80);
  const le = after.indexOf('\n');
  if (le < 0 && m.end + 80 < text.length) return false;
  return after.slice(0, le < 0 ? after.length : le).trim() === '';
}

/** A signatory's name on the next non-empty line (within three lines). */
function signedBelow(text: string, end: number): boolean {
  const rest = text.slice(end, end + 400).split('\n').slice(1, 4);
  for (const line of rest) {
    if (line.trim() === '') continue;
    return SIGNATORY.test(line);
  }
  return false;
}

const OPENING_VERB =
  /^(?:[ \t]*,)?[ \t\n]*(?:informuje|zawiadamia|podaje[ \t]+do[ \t]+(?:publicznej[ \t]+)?wiadomosci|oglasza|obwieszcza|dzialajac|postanawia|orzeka|uchwala|zarzadza|wzywa|w[ \t]+skladzie|po[ \t]+rozpatrzeniu|po[ \t]+rozpoznaniu|udziela|zatwierdza|odmawia|stwierdza|uchyla|umarza|ustala|nakazuje)(?![a-z])/;
/** A service card's section naming the office that handles the matter. */
const CARD_OFFICE = /(?:^|\n)[ \t]*(?:miejsce[ \t]+(?:zlozenia[ \t]+dokumentow|zalatwienia[ \t]+sprawy)|jednostka[ \t]+odpowiedzialna|komorka[ \t]+odpowiedzialna)(?:[ \t]*:)?[ \t]*\n(?:[ \t]*\n)?[ \t]*$/;
const ISSUED = /^[ \t]*(?:wydal|wydala|wydalo)(?![a-z])/;
const NOTICES = new Set(['obwieszczenie', 'zawiadomienie', 'ogłoszenie']);
/** The end of the part before the reasons. */
const REASONS = /(?:^|\n|[.;:])[ \t]*(?:Uzasadnienie|UZASADNIENIE)(?:[ \t]+(?:faktyczne|prawne))?(?:[ \t]*:)?[ \t]*(?:\n|(?<=[ \t])\p{Lu})/u;

/** Offices: the apparatus of an organ, named in letterheads. */
const OFFICES = new Set(['Urząd', 'Starostwo', 'Inspektorat', 'Dyrekcja']);
/** Organs that conduct a procedure and announce it themselves. */
const CONDUCTS = new Set(['Wójt', 'Burmistrz', 'Prezydent', 'Starosta', 'Wojewoda', 'Marszałek', 'Dyrektor']);
const REMARKS_TAIL = /[ \t]do[ \t]+$/;
const REMARKS_PAIR = /^[ \t]+i[ \t]+(?:uwagi|wnioski)/;
const REMARKS_KEYS = ['uwagi', 'wnioski'];
const REMARKS_VERBS = ['skladac', 'wnosic', 'kierowac', 'zglaszac'];

/**
 * Folded text ending in "uwagi (i wnioski) … składać … do ": what
 * `(?:^|[^a-z])(?:uwagi|wnioski)(?:[ \t]+i[ \t]+(?:uwagi|wnioski))?[^.;\n]{0,60}?(?:skladac|wnosic|kierowac|zglaszac)[^.;\n]{0,50}?[ \t]do[ \t]+$`
 * matches, read with string code (as one expression its counted repetitions are too large for the ReDoS check).
 */
function remarksTo(s: string): boolean {
  const tail = REMARKS_TAIL.exec(s);
  if (!tail) return false;
  const t = tail.index;
  const clean = (from: number, to: number): boolean => !/[.;\n]/.test(s.slice(from, to));
  for (let v = 0; v < t; v++) {
    const verb = REMARKS_VERBS.find((w) => s.startsWith(w, v));
    if (!verb || t - (v + verb.length) < 0 || t - (v + verb.length) > 50 || !clean(v + verb.length, t)) continue;
    for (let a = 0; a < v; a++) {
      const key = REMARKS_KEYS.find((k) => s.startsWith(k, a));
      if (!key || (a > 0 && /[a-z]/.test(s[a - 1] ?? ''))) continue;
      const keyEnd = a + key.length;
      const pair = REMARKS_PAIR.exec(s.slice(keyEnd));
      for (const x of pair ? [keyEnd, keyEnd + pair[0].length] : [keyEnd]) {
        if (x <= v && v - x <= 60 && clean(x, v)) return true;
      }
    }
  }
  return false;
}

/** Types of letters a party writes: the organ they name is the addressee. */
const PARTY_DOCS = new Set(['wniosek', 'zgłoszenie', 'odwołanie', 'pełnomocnictwo', 'skarga', 'zażalenie', 'oświadczenie', 'projekt budowlany', 'opis techniczny']);

export interface IssuerOptions {
  /** The document's type as read from its heading ("obwieszczenie", "wyrok WSA", …), when known. */
  docType?: string | null;
  /** The document's own signature, when known: a court's repertory names the court. */
  ownSignature?: Found | null;
}

/** Where the name with a seat is given for an organ named without one ("Regionalny Dyrektor …"). */
function withSeat(found: IssuerFound, organs: OrganMention[]): IssuerFound {
  if (/ (?:w|we) \p{Lu}/u.test(found.value)) return found;
  const seated = organs.find((o) => o.seated && o.value.startsWith(`${found.value} w`));
  return seated ? { value: seated.value, start: seated.start, end: seated.end, basis: found.basis } : found;
}

/** The issuer of the page: a court, or the organ in the heading, letterhead, sign-off or opening. */
export function findIssuer(text: string, opts: IssuerOptions = {}): IssuerFound | null {
  if (typeof text !== 'string' || text.trim() === '') return null;
  const court = findCourtIssuer(text);
  if (court) return court;
  const sig = opts.ownSignature;
  if (sig) {
    const c = courtOfSignature(sig.value);
    const value = c ? courtValue(c.court, c.seat) : null;
    if (value) return { value, start: sig.start, end: sig.end, basis: 'signature' };
  }
  // A letter of a party (an application, an appeal) names the organ it is addressed to.
  if (opts.docType && PARTY_DOCS.has(opts.docType)) return null;
  const folded = fold(text);
  const organs = findOrgans(text);
  const reasons = REASONS.exec(text);
  const beforeReasons = reasons ? reasons.index : text.length;
  const pick = (m: OrganMention | undefined, basis: string): IssuerFound | null =>
    m ? withSeat({ value: m.value, start: m.start, end: m.end, basis }, organs) : null;

  const heading = organs.find((m) => m.start < HEAD_CHARS && m.form === 'gen' && headingBefore(text, folded, m.start));
  if (heading) return pick(heading, 'heading');
  const short = abbreviatedHeading(text, folded);
  if (short) return short;
  // A letterhead stands at the left margin of the first lines (an addressee block is indented).
  const letterhead = organs.find((m) => {
    if (m.form !== 'nom' || m.start >= HEAD_CHARS || lineIndex(text, m.start) > 2) return false;
    const indent = text.slice(text.lastIndexOf('\n', m.start - 1) + 1, m.start);
    return indent.trim() === '' && indent.length <= 8;
  });
  const signoff = organs.find(
    (m) =>
      (m.form === 'gen' && BY_AUTHORITY.test(text.slice(Math.max(0, m.start - 24), m.start))) ||
      (m.form === 'nom' && alone(text, m) && signedBelow(text, m.end)),
  );
  const opening = organs.find((m) => m.form === 'nom' && m.start < beforeReasons && OPENING_VERB.test(folded.slice(m.end, m.end + 40)));
  // An office's letterhead ("Urząd Miasta i Gminy Sobótka") gives way to the organ that signs or speaks.
  if (letterhead && !(OFFICES.has(letterhead.head.nom) && ((signoff && !OFFICES.has(signoff.head.nom)) || (opening && !OFFICES.has(opening.head.nom))))) {
    return pick(letterhead, 'letterhead');
  }
  if (signoff) return pick(signoff, 'signoff');
  if (opening) return pick(opening, 'opening');
  if (opts.docType === 'karta usługi') {
    const office = organs.find((m) => m.form === 'nom' && CARD_OFFICE.test(folded.slice(Math.max(0, m.start - 60), m.start)));
    if (office) return pick(office, 'card');
  }
  if (opts.docType && NOTICES.has(opts.docType)) {
    const issued = organs.find(
      (m) =>
        m.start < beforeReasons &&
        ((m.form === 'nom' && ISSUED.test(folded.slice(m.end, m.end + 12))) ||
          (m.form === 'gen' && /(?:^|[^a-z])(?:decyzji|postanowienia)[ \t]+$/.test(folded.slice(Math.max(0, m.start - 20), m.start)) &&
            /wydan/.test(folded.slice(Math.max(0, m.start - 120), m.start)))),
    );
    if (issued) return pick(issued, 'notice');
    // A planning notice sends remarks to the organ conducting the procedure, which announces it
    // ("Uwagi należy składać na piśmie do Prezydenta Wrocławia").
    const remarks = organs.find(
      (m) => m.form === 'gen' && CONDUCTS.has(m.head.nom) && remarksTo(folded.slice(Math.max(0, m.start - 120), m.start)),
    );
    if (remarks) return pick(remarks, 'notice');
  }
  return null;
}

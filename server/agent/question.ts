/**
 * Reading a clerk's question: identifiers (case signatures in any written variant, parcels,
 * precincts, addresses, investors), document types, the court or organ named, the outcome asked
 * for, dates and periods, whole-case cues, and the content words left over. Pure and total: any string in, facts out, never an exception.
 */
import { findAddresses, findInvestors, findParcels } from '../../ingest/metadata/index.js';
import { NEGATIONS, STOP_WORDS, fold, tokenize, type Token } from '../search/polish.js';
import type { PlanCondition, QuestionFacts } from './plan.js';
import { ORGANS, findConcepts, precinctAt, type ConceptMatch } from './thesaurus.js';

/** Longer input is cut: a question is a sentence or two, and reading must stay fast. */
const MAX_CHARS = 2000;

interface Span {
  start: number;
  end: number;
}

const overlaps = (a: Span, spans: Span[]): boolean => spans.some((s) => a.start < s.end && s.start < a.end);

function safe<T>(fn: () => T[]): T[] {
  try {
    return fn();
  } catch {
    return [];
  }
}

const pushUnique = (list: string[], value: string): void => {
  if (value && !list.some((v) => fold(v) === fold(value))) list.push(value);
};

// ---------------------------------------------------------------- dates and periods

/** Month names as typed: nominative, genitive ("z marca"), locative ("w marcu"); folded. */
const MONTH_FORMS: string[][] = [
  ['styczen', 'stycznia', 'styczniu'], ['luty', 'lutego', 'lutym'], ['marzec', 'marca', 'marcu'],
  ['kwiecien', 'kwietnia', 'kwietniu'], ['maj', 'maja', 'maju'], ['czerwiec', 'czerwca', 'czerwcu'],
  ['lipiec', 'lipca', 'lipcu'], ['sierpien', 'sierpnia', 'sierpniu'], ['wrzesien', 'wrzesnia', 'wrzesniu'],
  ['pazdziernik', 'pazdziernika', 'pazdzierniku'], ['listopad', 'listopada', 'listopadzie'], ['grudzien', 'grudnia', 'grudniu'],
];
const MONTH_WORD = `(${MONTH_FORMS.flat().join('|')})`;
const YEAR = String.raw`((?:19[5-9]|20\d)\d)`;
const R = String.raw`(?:\s*(?:r\.|r\b|roku\b))?`;

function monthOf(word: string): number | null {
  const i = MONTH_FORMS.findIndex((forms) => forms.includes(word));
  return i < 0 ? null : i + 1;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const lastDay = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

interface Period {
  from?: string;
  to?: string;
}

const year = (s: string | undefined): number => Number(s);
const monthRange = (y: number, mo: number): Period => ({ from: `${y}-${pad(mo)}-01`, to: `${y}-${pad(mo)}-${pad(lastDay(y, mo))}` });
const cue = (body: string): RegExp => new RegExp(String.raw`(?<![\w/.-])${body}(?![\w/.-])`, 'g');

/** Period cues in the order they are tried; each consumes its text so a later rule cannot read it again. */
const PERIOD_RULES: [RegExp, (m: RegExpExecArray) => Period | null][] = [
  // "2016-2018", "od 2012 do 2014", "w latach 2008–2010", "między 2015 a 2017"
  [cue(String.raw`(?:od\s+|w\s+latach\s+|latach\s+|lata\s+|miedzy\s+|pomiedzy\s+)?${YEAR}${R}\s*(?:-|–|—|do|a|i)\s*${YEAR}${R}`), (m) => {
    const [a, b] = [year(m[1]), year(m[2])].sort((x, y) => x - y) as [number, number];
    return b - a <= 100 ? { from: `${a}-01-01`, to: `${b}-12-31` } : null;
  }],
  // "około 2016", "ok. 2016 r.": a year either side, since clerks remember years loosely
  [cue(String.raw`(?:okolo|ok\.?|kolo|mniej\s+wiecej|circa|ca\.|~)\s*(?:roku\s+|r\.\s*)?${YEAR}${R}`),
    (m) => ({ from: `${year(m[1]) - 1}-01-01`, to: `${year(m[1]) + 1}-12-31` })],
  // "po 2015", "od 2015", "przed 2010", "do 2010"
  [cue(String.raw`(po|od|pozniej\s+niz|przed|do|wczesniej\s+niz|sprzed)\s+(?:roku\s+|r\.\s*)?${YEAR}${R}`), (m) => {
    const y = year(m[2]);
    const w = m[1] ?? '';
    if (w === 'po' || w.startsWith('pozniej')) return { from: `${y + 1}-01-01` };
    if (w === 'od') return { from: `${y}-01-01` };
    return w === 'do' ? { to: `${y}-12-31` } : { to: `${y - 1}-12-31` };
  }],
  // "z marca 2019", "w marcu 2019", "03.2019"
  [cue(String.raw`${MONTH_WORD}\s+${YEAR}${R}`), (m) => { const mo = monthOf(m[1] ?? ''); return mo ? monthRange(year(m[2]), mo) : null; }],
  [cue(String.raw`(0?[1-9]|1[0-2])[./]${YEAR}`), (m) => monthRange(year(m[2]), Number(m[1]))],
  // "w 2016", "z 2016 r.", "2016"
  [cue(String.raw`(?:w\s+|z\s+)?${YEAR}${R}`), (m) => ({ from: `${year(m[1])}-01-01`, to: `${year(m[1])}-12-31` })],
];

/** Date cues on folded text with identifiers blanked out; consumed spans are added to `used`. */
function readPeriods(folded: string, dates: Token[], used: Span[]): Period[] {
  const out: Period[] = dates.flatMap((d) => (d.value ? [{ from: d.value, to: d.value }] : []));
  let text = folded;
  for (const [re, make] of PERIOD_RULES) {
    for (const m of text.matchAll(re)) {
      const p = make(m as RegExpExecArray);
      if (!p) continue;
      out.push(p);
      const start = m.index ?? 0;
      used.push({ start, end: start + m[0].length });
      text = text.slice(0, start) + ' '.repeat(m[0].length) + text.slice(start + m[0].length);
    }
  }
  return out;
}

/** One period covering every cue: the earliest start, the latest end (a missing side stays open). */
function mergePeriods(periods: Period[]): Period {
  if (periods.length === 0) return {};
  const froms = periods.map((p) => p.from);
  const tos = periods.map((p) => p.to);
  const out: Period = {};
  if (froms.every((f) => f !== undefined)) out.from = (froms as string[]).sort()[0];
  if (tos.every((t) => t !== undefined)) out.to = (tos as string[]).sort().at(-1);
  return out;
}

// ---------------------------------------------------------------- places and people

const STREET_KEYWORD = /(?<![\p{L}])(?:ul\.?|ulic\p{L}*|al\.|alej\p{L}*|pl\.|plac\p{L}*|os\.|osiedl\p{L}*)\s+/giu;

const STREET_NAME_RE = new RegExp(`(${STREET_KEYWORD.source})((?:\\p{L}+\\s+){0,2}\\p{L}+)`, 'giu');

/** Upper-cases the first letter of up to three words after a street keyword, up to a stop word (same length). */
function capitaliseStreets(s: string): string {
  return s.replace(STREET_NAME_RE, (_m, kw: string, name: string) => {
    let stop = false;
    return kw + name.replace(/\p{L}+/gu, (w) => {
      stop ||= STOP_WORDS.has(fold(w));
      return stop ? w : w.charAt(0).toUpperCase() + w.slice(1);
    });
  });
}

/** "Kwiatowej" → "Kwiatowa", "Średzkiej" → "Średzka": the nominative of adjectival street names. */
function streetNominative(value: string): string {
  // Word by word: a pattern ending in (?=\s|$) would retry from every letter of a long word.
  return value.replace(/\p{L}+/gu, (w, at: number) => {
    const next = value[at + w.length];
    if (next !== undefined && !/\s/.test(next)) return w;
    if (w.length >= 6 && /[kg]iej$/.test(w)) return `${w.slice(0, -3)}a`;
    if (w.length >= 5 && w.endsWith('ej')) return `${w.slice(0, -2)}a`;
    return w;
  });
}

/** A street name typed without "ul." ("partyzantow 76", "sudecka 128"): adjectival or genitive ending + house number. */
const BARE_ADDRESS_RE = /(?<![\p{L}\p{N}])(\p{L}{3,}(?:a|ej|ego|ow|ów|ich|ych))\s+(\d{1,3}[a-z]?(?:\/\d{1,3})?)(?![\p{L}\p{N}/.-])/gu;

const PRECINCT_CUE = new Set(['na', 'w', 'we', 'obreb', 'obrebie', 'obrebu', 'obr', 'rejon', 'rejonie', 'okolice', 'okolicy']);
const OBREB = /^(?:obreb\p{L}*|obr)$/u;

const titleCase = (words: string[]): string => words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');

const LEGAL = String.raw`(?:[Ss]p\.\s?z\s?o\.\s?o\.(?:\s?[Ss]p\.\s?[Kk]\.)?|S\.\s?A\.|[Ss]p\.\s?[JjKk]\.)`;
/** Up to five words before a legal form; words are checked one by one (a question may be lower case). */
const COMPANY_RE = new RegExp(String.raw`(?<![\p{L}\d&'-])((?:[\p{L}\d][\p{L}\d&'-]*\s+){1,5})${LEGAL}`, 'gu');
/** An organisation with a quoted name: Spółdzielnia Mieszkaniowa „Nadodrze”. */
const QUOTED_RE = /(?<!\p{L})((?:\p{Lu}\p{L}+\s+){1,4})[„"«]([^„«”"»\n]{1,40})[”"»]/gu;
const NAME_WORD = String.raw`\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?`;
const NAME_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:(?:Pan(?:a|u|em|i|ią)?|Państwa)\s+)?(${NAME_WORD})\s+(${NAME_WORD})(?:\s+(${NAME_WORD}))?`,
  'gu',
);
/** Honorifics dropped from a name ("wniosek Pana Jana Kowalskiego"). */
const HONORIFIC = /^(?:(?:Pan|Pana|Panu|Panem|Pani|Panią|Państwa|P\.)\s+)+/u;
/** Capitalised words that start sentences or name offices, never an investor. */
const NOT_NAME = /^(?:wroclaw\p{L}*|prezydent\p{L}*|urzad\p{L}*|urzed\p{L}*|wydzia\p{L}*|prawo|prawa|kodeks\p{L}*|ustaw\p{L}*|gmin\p{L}*|miast\p{L}*|sprawy|spolki|pokaz|prosze|znajdz|szukam|wyszukaj)$/u;
/** Common Polish first names (folded): a lower-case "jan kowalski" is still a person. */
const FIRST_NAMES = new Set(
  ('adam adrian agata agnieszka aleksander aleksandra alicja andrzej aneta anna antoni arkadiusz artur barbara ' +
    'bartlomiej bartosz beata bogdan boguslaw bozena czeslaw damian daniel danuta dariusz dawid dominik dominika ' +
    'dorota edward elzbieta emilia ewa ewelina filip franciszek grazyna grzegorz halina hanna henryk helena irena ' +
    'iwona izabela jacek jadwiga jakub jan janina janusz jaroslaw jerzy joanna jolanta jozef julia julian justyna ' +
    'kamil kamila karol karolina katarzyna kazimierz kinga klaudia konrad krystyna krzysztof leszek lucyna lukasz ' +
    'maciej magdalena malgorzata marcin marek maria marian mariusz marta marzena mateusz michal mieczyslaw miroslaw ' +
    'monika natalia norbert oliwia patryk patrycja paulina pawel piotr przemyslaw radoslaw rafal renata robert roman ' +
    'ryszard sebastian slawomir stanislaw stefan sylwia szymon tadeusz teresa tomasz urszula wanda weronika wieslaw ' +
    'wiktor wiktoria wioletta witold wladyslaw wojciech zbigniew zdzislaw zenon zofia zuzanna zaneta').split(' '),
);

// ---------------------------------------------------------------- document types

const DECISION_QUALIFIED = /^decyzja o /;
const ISSUED = /^(?:wydan[oaey]|wydal[aoiy]?|zapadl[aoy]|rozstrzygnieto)$/;
/** "zgoda na rozbudowę", "pozwolenie na nadbudowę": a building permit by another name. */
const PERMIT_FOR = /(?:^| )(?:zgod|pozwolen)\p{L}* na (?:roz|nad|prze|do)?bud|(?:^| )zgod\p{L}* na (?:zmian|postawien|przerobien|wybudowan)/gu;

/** Words that join two document types the question asks for ("decyzje i postanowienia"). */
const COORDINATORS = new Set(['i', 'oraz', 'lub', 'albo', 'czy', 'ani']);
/**
 * Prepositions after which a type word is not the kind of document asked for: the act a letter is
 * against ("skarga na uchwałę"), or what the documents sought are about — "co dołączyć do wniosku",
 * "roboty bez pozwolenia", "sprawa o warunki zabudowy", "wyrok w sprawie pozwolenia na budowę".
 */
const NOT_THE_TYPE_AFTER = new Set(['na', 'do', 'bez', 'o', 'po', 'przed', 'dla', 'wobec', 'sprawie']);
/** A head type after which other type words name what the document is about ("wyrok … nieważność uchwały"). */
const KEEPS_OTHER_TYPES = new Set(['sprzeciw', 'brak-sprzeciwu']);

function docTypesOf(folded: string[]): string[] {
  const matches = findConcepts(folded);
  // "skarga na uchwałę", "do wniosku", "bez pozwolenia": the type word names what the letter is against or about.
  const before = (m: ConceptMatch) => folded.slice(0, m.start).filter(Boolean).at(-1) ?? '';
  const subject = (m: ConceptMatch) => m.concept.docType !== undefined && NOT_THE_TYPE_AFTER.has(before(m));
  const ids = new Set(matches.filter((m) => !subject(m)).map((m) => m.concept.id));
  if (permitAsked(folded)) ids.add('pnb');
  let typed = matches.filter((m) => m.concept.docType !== undefined && !subject(m));
  const head = typed[0]?.concept;
  // A type word heading the question that is not a decision: later type words are its subject
  // ("obwieszczenie o wydaniu decyzji", "wyroki stwierdzające nieważność uchwały") unless joined by "i"/"lub".
  if (head?.docType && !head.docType.startsWith('decyzja') && !KEEPS_OTHER_TYPES.has(head.id)) {
    const kept: ConceptMatch[] = [];
    for (const m of typed) {
      const prev = kept.at(-1);
      const between = prev ? folded.slice(prev.end, m.start).filter(Boolean) : [];
      if (!prev || (between.length > 0 && between.every((w) => COORDINATORS.has(w)))) kept.push(m);
    }
    typed = kept;
    if (!typed.some((m) => m.concept.id === 'pnb')) ids.delete('pnb');
  }
  if (ids.has('odmowa') && (head?.docType ?? 'decyzja').startsWith('decyzja')) {
    if (ids.has('wz')) return ['decyzja o odmowie ustalenia warunków zabudowy'];
    if (ids.has('pnb') || ids.has('pozwolenie-rozbiorka')) return ['decyzja o odmowie pozwolenia na budowę'];
    return ['decyzja o odmowie'];
  }
  // The head word decides: "wniosek o pozwolenie na budowę" asks for the application, not the permit.
  let types = typed.flatMap((m) => courtTypes(m, matches, folded));
  if (ids.has('pnb') && !types.includes('decyzja o pozwoleniu na budowę')) types.push('decyzja o pozwoleniu na budowę');
  if (head?.docType && !head.docType.startsWith('decyzja') && head.id !== 'sprzeciw') {
    types = types.filter((t) => !t.startsWith('decyzja'));
  }
  // A generic "decyzja" gives way to a qualified one ("decyzje o warunkach zabudowy").
  if (types.some((t) => DECISION_QUALIFIED.test(t))) types = types.filter((t) => t !== 'decyzja');
  // "co wydano", "jaka decyzja zapadła": what was issued is a decision.
  if (types.length === 0 && folded.some((w) => ISSUED.test(w))) return ['decyzja'];
  return [...new Set(types)].slice(0, 3);
}

/** A building permit by another name ("zgoda na rozbudowę"), not after a preposition that makes it the subject ("bez zgody na budowę"). */
function permitAsked(folded: string[]): boolean {
  const text = folded.join(' ');
  for (const m of text.matchAll(PERMIT_FOR)) {
    const start = m.index + (m[0].startsWith(' ') ? 1 : 0);
    const prev = text.slice(0, start).trimEnd().split(' ').filter(Boolean).at(-1) ?? '';
    if (!NOT_THE_TYPE_AFTER.has(prev)) return true;
  }
  return false;
}

const isCourt = (m: ConceptMatch): boolean => m.concept.id === 'wsa' || m.concept.id === 'nsa';

/**
 * The courts named right after a ruling's type word, with those joined to them ("wyroki NSA i WSA"),
 * or null when no court follows it: in "wyroki NSA uchylające wyroki WSA" the rulings are the NSA's.
 */
function courtsAfter(m: ConceptMatch, matches: ConceptMatch[], folded: string[]): ConceptMatch[] | null {
  const out: ConceptMatch[] = [];
  let end = m.end;
  for (const c of matches) {
    if (c.start < end) continue;
    const between = folded.slice(end, c.start).filter(Boolean);
    const joined = out.length === 0 ? between.length === 0 : between.length > 0 && between.every((w) => COORDINATORS.has(w));
    if (!isCourt(c) || !joined) break;
    out.push(c);
    end = c.end;
  }
  return out.length > 0 ? out : null;
}

/** "wyroki WSA" → "wyrok WSA", "orzeczenia NSA" → "wyrok NSA"; "wyroki" alone stays "wyrok" (a prefix of both). */
function courtTypes(m: ConceptMatch, matches: ConceptMatch[], folded: string[]): string[] {
  const type = m.concept.docType as string;
  if (m.concept.id !== 'wyrok') return [type];
  const courts = courtsAfter(m, matches, folded) ?? matches.filter(isCourt);
  return courts.length > 0 ? [...new Set(courts.map((c) => `wyrok ${c.concept.id.toUpperCase()}`))].sort().reverse() : [type];
}

// ---------------------------------------------------------------- issuers and outcomes

const capitalised = (t: Token | undefined): boolean => t !== undefined && /^\p{Lu}/u.test(t.text);
const upperFirst = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);
/** Folded text of a word or a hyphenated compound ("Kujawsko-Pomorskiego"). */
const wordAt = (r: Reading, i: number): string => {
  const t = r.tokens[i];
  return t && (t.kind === 'word' || (t.kind === 'compound' && /^\p{L}/u.test(t.text))) ? fold(t.text) : '';
};

/** Voivodeship adjectives by their folded forms: "mazowieckiego", "mazowieckiemu", "mazowieckim" → "Mazowiecki". */
const VOIVODESHIP_FORMS = new Map<string, string>(
  ORGANS.voivodeships.flatMap((v) => {
    const stem = fold(v).slice(0, -1);
    return ['i', 'iego', 'iemu', 'im'].map((e): [string, string] => [stem + e, v]);
  }),
);
const HEAD_FORMS = new Map(ORGANS.heads.flatMap((h) => h.forms.map((f): [string, (typeof ORGANS.heads)[number]] => [f, h])));
/** Words between a head and a place ("Prezydent Miasta Wrocławia", "Wójt Gminy Kobierzyce"). */
const UNIT_WORDS = new Set(['miasta', 'gminy', 'powiatu', 'wojewodztwa', 'dzielnicy']);
const COUNCIL_ADJECTIVE = new Map([['miejska', 'Miejska'], ['miejskiej', 'Miejska'], ['gminna', 'Gminna'], ['gminnej', 'Gminna'], ['powiatowa', 'Powiatowa'], ['powiatowej', 'Powiatowa']]);
/** An adjectival county name in any case: "Wrocławskiego" → "Wrocławski", "Pyrzyckiemu" → "Pyrzycki". */
const COUNTY_ADJECTIVE = /^(\p{Lu}[\p{L}-]{1,30}?k)(?:i|iego|iemu|im)$/u;

/** Capitalised words from token `i` on (at most `max`), as written: "Dobrej", "Kamieniec Wrocławski". */
function properName(r: Reading, i: number, max: number): { text: string; end: number } | null {
  const parts: string[] = [];
  let j = i;
  while (j < r.tokens.length && parts.length < max) {
    const t = r.tokens[j] as Token;
    const w = wordAt(r, j);
    if (!w || !capitalised(t) || (STOP_WORDS.has(w) && w.length < 4) || monthOf(w) !== null) break;
    parts.push(t.text);
    j++;
  }
  return parts.length > 0 ? { text: parts.join(' '), end: j } : null;
}

/**
 * A seat after an organ: "we Wrocławiu" if it is one of `seats`; when the organ has no list
 * (`undefined`), any capitalised place after "w"/"we"; an empty list admits none.
 */
function seatAfter(r: Reading, at: number, seats: string[] | undefined): string | null {
  const prep = wordAt(r, at);
  if (prep !== 'w' && prep !== 'we') return null;
  if (seats === undefined) {
    const place = properName(r, at + 1, 2);
    return place ? `${prep} ${place.text}` : null;
  }
  for (const seat of seats) {
    const [, ...place] = fold(seat).split(' ');
    if (place.every((p, k) => wordAt(r, at + 1 + k) === p)) return seat;
  }
  return null;
}

/** The next token index holding a word or compound at or after `i` (punctuation skipped). */
function nextWord(r: Reading, i: number): number {
  let j = i;
  while (j < r.tokens.length && wordAt(r, j) === '') j++;
  return j;
}

const COURTS = new Set(['wsa', 'nsa']);
/** Words shortly before an organ that make it a party, not the author: "skarga na decyzję Wojewody", "ZRID dla Burmistrza". */
const PARTY_CUE = /^(?:na|od|dla|przeciwko|wobec|skarg\p{L}*|zaskarz\p{L}*|kasacj\p{L}*)$/u;

/**
 * Courts and organs the question names as the author of what it asks for, as official nominative
 * names ("Wojewoda Mazowiecki", "Wojewódzki Sąd Administracyjny we Wrocławiu"). A court is always
 * the author of its rulings; an organ is not when the question asks for court rulings or names it
 * as a party ("skarga Wojewody na uchwałę", "wyrok w sprawie decyzji SKO").
 */
function readIssuers(r: Reading): void {
  const matches = findConcepts(r.words);
  const rulings = matches.some((m) => COURTS.has(m.concept.id) || m.concept.id === 'wyrok');
  const party = (i: number): boolean => {
    if (rulings) return true;
    const before = r.words.slice(0, i).filter(Boolean).slice(-3);
    return before.some((w) => PARTY_CUE.test(w));
  };
  // A court right after the ruling asked for is its author; another court named is the one reviewed.
  const ruling = matches.find((m) => m.concept.id === 'wyrok' || m.concept.id === 'postanowienie');
  const authors = ruling ? courtsAfter(ruling, matches, r.words) : null;
  const covered = new Set<number>();
  const add = (name: string, from: number, to: number, author: boolean): void => {
    const first = r.tokens[from];
    const last = r.tokens[Math.max(from, to - 1)];
    if (first && last) r.organSpans.push({ start: first.start, end: last.end });
    if (author) pushUnique(r.facts.issuers, name);
  };
  for (const m of matches) {
    for (let i = m.start; i < m.end; i++) covered.add(i);
    if (!m.concept.issuer || !m.official || (!COURTS.has(m.concept.id) && party(m.start))) continue;
    if (COURTS.has(m.concept.id) && authors && !authors.includes(m)) continue;
    const seat = seatAfter(r, nextWord(r, m.end), m.concept.seats);
    add(seat ? `${m.concept.issuer} ${seat}` : m.concept.issuer, m.start, m.end, true);
  }
  for (let i = 0; i < r.tokens.length; i++) {
    const head = HEAD_FORMS.get(r.words[i] ?? '');
    if (!head || covered.has(i)) continue;
    const n = nextWord(r, i + 1);
    const next = wordAt(r, n);
    let name: string | null = null;
    if (head.complement === 'voivodeship') {
      const v = VOIVODESHIP_FORMS.get(next);
      name = v ? `${head.name} ${v}` : head.name;
    } else if (head.complement === 'adjective') {
      const adj = COUNTY_ADJECTIVE.exec(r.tokens[n]?.text ?? '');
      const unit = UNIT_WORDS.has(next) ? properName(r, nextWord(r, n + 1), 3) : null;
      name = adj ? `${head.name} ${adj[1]}i` : unit ? `${head.name} ${upperFirst(next)} ${unit.text}` : head.name;
    } else if (head.complement === 'genitive') {
      let at = n;
      const units: string[] = [];
      // "Miasta i Gminy", "Województwa", "m.st.": the unit words are part of the name.
      while (UNIT_WORDS.has(wordAt(r, at)) || (units.length > 0 && wordAt(r, at) === 'i' && UNIT_WORDS.has(wordAt(r, nextWord(r, at + 1))))) {
        units.push(wordAt(r, at) === 'i' ? 'i' : upperFirst(r.tokens[at]?.text ?? ''));
        at = nextWord(r, at + 1);
      }
      if (/^m\.\s?st$/iu.test(r.tokens[at]?.text ?? '')) {
        units.push('m.st.');
        at = nextWord(r, at + 1);
      }
      const voivodeship = units.at(-1) === 'Województwa' ? VOIVODESHIP_FORMS.get(wordAt(r, at)) : undefined;
      const place = voivodeship ? { text: `${voivodeship.slice(0, -1)}iego` } : properName(r, at, 3);
      if (place) name = [head.name, ...units, place.text].join(' ');
      else if (units.length === 0 && head.name !== 'Marszałek') name = head.name;
    } else {
      // Councils only with what kind of council they are: "Rady Miejskiej Wrocławia", "Rady Gminy Kobierzyce", "Sejmiku Województwa …".
      const adjective = COUNCIL_ADJECTIVE.get(next);
      const unit = UNIT_WORDS.has(next) ? upperFirst(r.tokens[n]?.text ?? '') : null;
      if (adjective || unit) {
        const at = nextWord(r, n + 1);
        const voivodeship = unit === 'Województwa' ? VOIVODESHIP_FORMS.get(wordAt(r, at)) : undefined;
        const place = voivodeship ? `${voivodeship.slice(0, -1)}iego` : properName(r, at, 3)?.text ?? seatAfter(r, at, undefined);
        if (place) name = `${head.name} ${adjective ?? unit} ${place}`;
        else if (adjective) name = `${head.name} ${adjective}`;
      }
    }
    if (!name) continue;
    // The name spans as many words of the question as it has ("Rada Miejska Wrocławia": three).
    let end = i;
    for (let k = 0; k < name.split(' ').length; k++) end = nextWord(r, end) + 1;
    // A party is still an organ, never an investor: "skargi Wojewody Dolnośląskiego".
    add(name, i, Math.min(end, r.tokens.length), !party(i));
  }
}

interface OutcomeRule {
  verb: RegExp;
  /** Words that must follow the verb (within OBJECT_WINDOW words) and the outcome they give, most specific first. */
  objects: [RegExp[], string][];
  /** The outcome when no object is named; none when the verb alone is ambiguous. */
  bare?: string;
}

const OBJECT_WINDOW = 4;
const SKARGA: [RegExp[], string][] = [[[/^skarg/, /^kasacyjn/], 'skargę kasacyjną'], [[/^skarg/], 'skargę'], [[/^zazal/], 'zażalenie']];
const phrased = (verb: string, objects: [RegExp[], string][]): [RegExp[], string][] => objects.map(([re, o]) => [re, `${verb} ${o}`]);

/**
 * Outcomes as a ruling's or decision's operative part words them (third person: "oddala skargę
 * kasacyjną", "stwierdza nieważność uchwały"), from how a question says it: a participle
 * ("oddalające"), a verbal noun ("odmowa", "umorzenie"), or a past tense ("uchylił").
 */
const OUTCOME_RULES: OutcomeRule[] = [
  // "oddalony" is also "distant": only verb forms and the verbal noun.
  { verb: /^oddal(?:a|aj\p{L}*|il\p{L}*|ono|eni\p{L}*)$/u, objects: phrased('oddala', [...SKARGA, [[/^wnios/], 'wniosek']]) },
  { verb: /^odrzuc(?:a|aj\p{L}*|il\p{L}*|ono|eni\p{L}*)$/u, objects: phrased('odrzuca', SKARGA) },
  { verb: /^stwierdz(?:a|aj\p{L}*|il\p{L}*|ono|eni\p{L}*)$/u, objects: phrased('stwierdza nieważność', [
    [[/^niewaznosc/, /^uchwal/], 'uchwały'], [[/^niewaznosc/, /^decyzj/], 'decyzji'], [[/^niewaznosc/, /^zarzadzen/], 'zarządzenia'],
    [[/^niewaznosc/, /^postanowien/], 'postanowienia'], [[/^niewaznosc/], '']]) },
  { verb: /^uchyl(?:a|aj\p{L}*|il\p{L}*|ono|on\p{L}*|eni\p{L}*)$/u, bare: 'uchyla',
    objects: phrased('uchyla', [[[/^decyzj/], 'zaskarżoną decyzję'], [[/^postanowien/], 'zaskarżone postanowienie'], [[/^wyrok/], 'zaskarżony wyrok'], [[/^uchwal/], 'uchwałę']]) },
  { verb: /^(?:umorz|umarz)\p{L}*$/u, objects: [[[/^postepowan/], 'umarza postępowanie']] },
  { verb: /^utrzym(?:uje|uj\p{L}*|al\p{L}*|ano|ani\p{L}*)$/u, objects: phrased('utrzymuje w mocy', [
    [[/^mocy$/, /^decyzj/], 'zaskarżoną decyzję'], [[/^mocy$/, /^postanowien/], 'zaskarżone postanowienie'], [[/^mocy$/], '']]) },
  { verb: /^(?:odmow[aeyi]|odmowe|odmowach|odmowami|odmaw\p{L}*|odmown\p{L}*|odmowi\p{L}*)$/u, bare: 'odmawia',
    objects: phrased('odmawia', [
      [[/^(?:pozwolen|zgod)/, /^rozbiork/], 'pozwolenia na rozbiórkę'], [[/^pozwolen/, /^uzytkowani/], 'pozwolenia na użytkowanie'],
      [[/^(?:pozwolen|zgod)/, /^budow/], 'pozwolenia na budowę'], [[/^warunk/, /^zabudowy$/], 'ustalenia warunków zabudowy'],
      [[/^ustaleni/, /^lokalizacj/], 'ustalenia lokalizacji inwestycji celu publicznego'], [[/^wszczeci/], 'wszczęcia postępowania']]) },
  { verb: /^udziel(?:a|aj\p{L}*|il\p{L}*|ono|on\p{L}*|eni\p{L}*)$/u, objects: phrased('udziela', [
    [[/^pozwolen/, /^rozbiork/], 'pozwolenia na rozbiórkę'], [[/^pozwolen/, /^uzytkowani/], 'pozwolenia na użytkowanie'], [[/^pozwolen/, /^budow/], 'pozwolenia na budowę']]) },
  // Verbs only: "nakaz rozbiórki" names an order whose fate the question does not say.
  { verb: /^nakaz(?:uje|uj\p{L}*|al\p{L}*|ano)$/u, objects: [[[/^(?:rozbiork|rozbiorce|rozebrani|zburzeni|wyburzeni)/], 'nakazuje rozbiórkę']] },
  { verb: /^wstrzym\p{L}*$/u, objects: phrased('wstrzymuje', [[[/^wykonani/], 'wykonanie'], [[/^(?:robot|budow|prowadzeni)/], 'roboty budowlane']]) },
];
/** Participles ("oddalające", "stwierdzających", folded): question words only, documents use the finite verb. */
const isParticiple = (w: string): boolean => w.includes('ajac') || w.includes('ujac');

/** The objects in `words` (content words after the verb) in order: each pattern matches a later word than the one before. */
function objectsFollow(words: string[], patterns: RegExp[]): boolean {
  let k = 0;
  for (const re of patterns) {
    while (k < words.length && !re.test(words[k] ?? '')) k++;
    if (k >= words.length) return false;
    k++;
  }
  return true;
}

const VERBAL_NOUN_ENDINGS = ['enie', 'enia', 'eniu', 'eniem', 'eniach', 'eniami'];
const NOUNS = new Set(['odmowa', 'odmowy', 'odmowe', 'odmowie', 'odmowami', 'odmowach']);
/** "odmowa", "umorzenie", "stwierdzenie": nouns naming an act, not a verb saying what a ruling did. */
const isNoun = (w: string): boolean => NOUNS.has(w) || VERBAL_NOUN_ENDINGS.some((e) => w.endsWith(e));

/**
 * Outcomes the question asks for; the token indexes of participles read as outcomes are returned
 * (not searched as words). In a question for court rulings a noun names the case the court heard
 * ("wyroki w sprawie odmowy pozwolenia"), not what the court did: only verbs count there.
 */
function readOutcomes(r: Reading): Set<number> {
  const rulings = findConcepts(r.words).some((m) => m.concept.id === 'wyrok' || COURTS.has(m.concept.id));
  const consumed = new Set<number>();
  const at = r.words.flatMap((w, i) => (w ? [i] : []));
  for (let k = 0; k < at.length; k++) {
    const i = at[k] as number;
    const w = r.words[i] ?? '';
    const rule = OUTCOME_RULES.find((o) => o.verb.test(w));
    if (!rule || (rulings && isNoun(w))) continue;
    const after = at.slice(k + 1).map((j) => r.words[j] ?? '').filter((x) => !STOP_WORDS.has(x) || x === 'w').slice(0, OBJECT_WINDOW + 1)
      .filter((x) => x !== 'w');
    const hit = rule.objects.find(([patterns]) => objectsFollow(after.slice(0, OBJECT_WINDOW), patterns));
    const outcome = hit ? hit[1].trim() : rule.bare;
    if (!outcome) continue;
    pushUnique(r.facts.outcomes, outcome);
    if (isParticiple(w)) consumed.add(i);
  }
  return consumed;
}

// ---------------------------------------------------------------- whole case and leftovers

const WHOLE_CASE = new RegExp(
  String.raw`(?<!\p{L})(?:(?:wszystk\p{L}*|cal[aey]\p{L}{0,3}|calosc\p{L}*|komplet\p{L}*|peln[aey]\p{L}{0,2})\s+(?:\p{L}+\s+)?` +
    String.raw`(?:pism\p{L}*|dokument\p{L}*|akt[ay]?|material\p{L}*|korespondencj\p{L}*|teczk\p{L}*)(?!\p{L})` +
    String.raw`|(?:wszystk\p{L}*|cal[aey]\p{L}{0,3})\s+spraw\p{L}*|akta\s+sprawy|wszystko\s+(?:w\s+sprawie|dla|o|z)(?!\p{L}))`,
  'u',
);
/** Words that only say "documents" in a whole-case question. */
const CASE_WORDS = /^(?:pism\p{L}*|dokument\p{L}*|akt[ay]?|material\p{L}*|teczk\p{L}*|korespondencj\p{L}*|komplet\p{L}*|cal[aey]\p{L}{0,3}|calosc\p{L}*|peln[aey]\p{L}{0,2})$/u;
const PARCEL_WORDS = /^(?:dzialk\p{L}*|dzialce|dzialek|dz|nr|numer\p{L}*|ewidencyjn\p{L}*|obreb\p{L}*|obr)$/u;
const DATE_WORDS = /^(?:roku|rok|lat|lata|latach|dnia|dn)$/u;

function emptyFacts(): QuestionFacts {
  return { caseNumbers: [], parcels: [], addresses: [], investors: [], docTypes: [], issuers: [], outcomes: [], precincts: [], objects: [], subjects: [], towns: [], names: [], wholeCase: false, words: [] };
}

/** Identifiers, cues and content words of a clerk's question. Never throws. */
export function readQuestion(question: string): QuestionFacts {
  try {
    return read(typeof question === 'string' ? question.normalize('NFC').slice(0, MAX_CHARS) : '');
  } catch {
    return emptyFacts();
  }
}

/**
 * The facts with the conditions a model's plan read in the question (grounded: server/llm/grounding.ts)
 * added where the rules did not read them; each is read again by the rules (types, periods, organs and
 * the vocabulary's objects and matters in their stored forms).
 */
export function withPlannedConditions(facts: QuestionFacts, conditions: readonly PlanCondition[]): QuestionFacts {
  const out: QuestionFacts = structuredClone(facts);
  for (const c of conditions) {
    const read = readQuestion(c.value);
    const concepts = findConcepts(fold(c.value).split(/[^\p{L}\p{N}]+/u)).map((m) => m.concept);
    switch (c.kind) {
      case 'docType':
        for (const t of read.docTypes) pushUnique(out.docTypes, t);
        break;
      case 'object':
        for (const k of concepts) if (k.condition === 'object' || k.condition === 'works') pushUnique(out.objects, k.id);
        break;
      case 'subject':
        for (const k of concepts) if (k.condition === 'subject' && !(k.docType && out.docTypes.includes(k.docType))) pushUnique(out.subjects, k.id);
        break;
      case 'precinct':
        pushUnique(out.precincts, precinctAt(fold(c.value).split(' '), 0)?.name ?? c.value);
        break;
      case 'town':
        pushUnique(out.towns, c.value);
        break;
      case 'name':
        pushUnique(out.names, c.value);
        break;
      case 'period':
        if (!out.dateFrom && !out.dateTo && (read.dateFrom || read.dateTo)) {
          if (read.dateFrom) out.dateFrom = read.dateFrom;
          if (read.dateTo) out.dateTo = read.dateTo;
        }
        break;
      case 'issuer':
        pushUnique(out.issuers, read.issuers[0] ?? c.value);
        break;
      case 'outcome':
        if (read.outcomes.length > 0) for (const o of read.outcomes) pushUnique(out.outcomes, o);
        else pushUnique(out.outcomes, c.value);
        break;
    }
  }
  return out;
}

/** What is read so far: facts, and the spans of the question already explained by an identifier. */
interface Reading {
  s: string;
  tokens: Token[];
  /** Folded words by token (empty for non-words). */
  words: string[];
  facts: QuestionFacts;
  used: Span[];
  /** Token indexes naming a precinct. */
  precinctTokens: Set<number>;
  /** Spans naming an organ ("Wojewody Mazowieckiego"): never an investor, still searched as words. */
  organSpans: Span[];
}

const spanOf = (m: RegExpMatchArray, group = 0, offset = 0): Span => {
  const start = (m.index ?? 0) + offset;
  return { start, end: start + (m[group] ?? '').length };
};

function readAddresses(r: Reading): void {
  const found: Span[] = [];
  for (const a of safe(() => findAddresses(capitaliseStreets(r.s)))) {
    if (overlaps(a, r.used)) continue;
    pushUnique(r.facts.addresses, streetNominative(a.value));
    found.push(a);
  }
  for (const m of r.s.matchAll(BARE_ADDRESS_RE)) {
    const sp = spanOf(m);
    const street = fold(m[1] ?? '');
    if (overlaps(sp, [...r.used, ...found]) || STOP_WORDS.has(street) || findConcepts([street]).length > 0) continue;
    if (precinctAt([street], 0) || PARCEL_WORDS.test(street)) continue;
    pushUnique(r.facts.addresses, streetNominative(`${titleCase([m[1] ?? ''])} ${m[2]}`));
    found.push(sp);
  }
  r.used.push(...found);
}

/** Companies and organisations: named after a trigger word, by a legal form, or by a quoted name. */
function readOrganisations(r: Reading): void {
  const found: Span[] = [];
  const add = (value: string, sp: Span): void => {
    if (overlaps(sp, [...r.used, ...found, ...r.organSpans])) return;
    pushUnique(r.facts.investors, value.replace(HONORIFIC, '').replace(/\s+/g, ' ').trim());
    found.push(sp);
  };
  for (const m of r.s.matchAll(COMPANY_RE)) {
    // Keep the words right before the legal form that are not question words ("sprawy spółki …").
    const words = (m[1] ?? '').trim().split(/\s+/);
    let k = words.length;
    const partOfName = (w: string): boolean =>
      /^[\p{Lu}\d]/u.test(w) || (!STOP_WORDS.has(fold(w)) && findConcepts([fold(w)]).length === 0);
    while (k > 0 && partOfName(words[k - 1] ?? '')) k--;
    // A capitalised first word of the question is no part of the name ("Sprawy Odra …"), a short one may be ("Pod Dębami …").
    const f = fold(words[k] ?? '');
    if (k < words.length - 1 && ((STOP_WORDS.has(f) && f.length > 3) || NOT_NAME.test(f) || findConcepts([f]).length > 0)) k++;
    const name = words.slice(k).join(' ');
    if (name === '') continue;
    const start = (m.index ?? 0) + m[0].indexOf(name);
    add(r.s.slice(start, (m.index ?? 0) + m[0].length), { start, end: (m.index ?? 0) + m[0].length });
  }
  for (const m of r.s.matchAll(QUOTED_RE)) add(m[0], spanOf(m));
  for (const inv of safe(() => findInvestors(r.s))) add(inv.value, inv);
  r.used.push(...found);
}

/** Precincts: a known name (capitalised, or after "na"/"w"/"obręb" or a parcel number), or the words after "obręb". */
function readPrecincts(r: Reading): void {
  const { tokens, words } = r;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== 'word' || r.precinctTokens.has(i) || overlaps(t, r.used)) continue;
    const known = precinctAt(words, i);
    const prev = words[i - 1] ?? '';
    const afterNumber = /^\d/.test(tokens[i - 1]?.text ?? '');
    if (known && (/^\p{Lu}/u.test(t.text) || PRECINCT_CUE.has(prev) || afterNumber)) {
      pushUnique(r.facts.precincts, known.name);
      for (let j = i; j < i + known.length; j++) r.precinctTokens.add(j);
    } else if (OBREB.test(prev) && !STOP_WORDS.has(words[i] ?? '')) {
      const name: string[] = [];
      for (let j = i; j < Math.min(tokens.length, i + 3); j++) {
        const w = tokens[j] as Token;
        if (w.kind !== 'word' || STOP_WORDS.has(words[j] ?? '') || (j > i && !/^\p{Lu}/u.test(w.text))) break;
        name.push(w.text);
        r.precinctTokens.add(j);
      }
      if (name.length > 0) pushUnique(r.facts.precincts, titleCase(name));
    }
  }
}

function readParcels(r: Reading): void {
  const single = r.facts.precincts.length === 1 ? r.facts.precincts[0] : undefined;
  const add = (number: string, sp: Span, obreb?: string): void => {
    const precinct = single ?? obreb;
    if (!r.facts.parcels.some((x) => x.number === number)) r.facts.parcels.push(precinct ? { number, precinct } : { number });
    r.used.push(sp);
  };
  for (const p of safe(() => findParcels(r.s))) if (!overlaps(p, r.used)) add(p.value, p, p.obreb);
  // A bare "45/7" in this archive is a parcel number.
  for (const t of r.tokens) if (t.kind === 'compound' && /^\d{1,5}\/\d{1,4}$/.test(t.text) && !overlaps(t, r.used)) add(t.text, t);
}

/** Adjectival surnames in any case: -ski/-cki/-dzki and -ska/-cka, -skiego, -skiej, -skim, -ską … */
const SURNAME_END = /(?:sk|ck|dzk)(?:i|a|iego|iej|im|iemu|ą)$/u;

/** A known first name in any case form: same first four letters and a length close to the nominative. */
function isFirstName(w: string): boolean {
  if (FIRST_NAMES.has(w)) return true;
  if (w.length < 4) return false;
  for (const n of FIRST_NAMES) if (w.startsWith(n.slice(0, 4)) && Math.abs(n.length - w.length) <= 3) return true;
  return false;
}

/** People: capitalised name pairs, or a known first name and the word after it. */
function readPeople(r: Reading): void {
  // Precinct names stay content words, but are never a person ("obręb Nowa Wieś").
  const found: Span[] = [...r.precinctTokens].map((i) => r.tokens[i] as Token);
  const taken = [...found, ...r.organSpans];
  const notName = (w: string): boolean =>
    STOP_WORDS.has(w) || NOT_NAME.test(w) || monthOf(w) !== null || precinctAt([w], 0) !== null || findConcepts([w]).length > 0;
  NAME_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = NAME_RE.exec(r.s)) !== null) {
    const sp = spanOf(m);
    const written = [m[1], m[2], m[3]].filter((x): x is string => Boolean(x));
    const parts = written.map(fold);
    // Two capitalised words are a person only with some sign of one: "Pan/Pani …", a known first name
    // (any case: "Doroty", "Jadwigi"), or a surname-like ending ("Dąbrowska"). "Morze Aralskie" is not.
    const honorific = /^(?:Pan|Państw)/u.test(m[0]);
    const personLike = honorific || parts.some(isFirstName) || parts.some((w) => SURNAME_END.test(w));
    if (!personLike || overlaps(sp, [...r.used, ...taken, ...found]) || parts.some(notName) || precinctAt(parts, 0) || findConcepts(parts).length > 0) {
      // Try again from the next word: "na Krzykach Jana Nowaka" holds "Jana Nowaka".
      NAME_RE.lastIndex = m.index + m[0].indexOf(written[0] ?? '') + 1;
      continue;
    }
    pushUnique(r.facts.investors, written.join(' '));
    found.push(sp);
  }
  for (let i = 0; i + 1 < r.tokens.length; i++) {
    const [a, b] = [r.tokens[i] as Token, r.tokens[i + 1] as Token];
    const [fa, fb] = [r.words[i] ?? '', r.words[i + 1] ?? ''];
    if (!fa || !fb || fb.length < 3 || !FIRST_NAMES.has(fa) || notName(fb) || overlaps({ start: a.start, end: b.end }, [...r.used, ...taken, ...found])) continue;
    pushUnique(r.facts.investors, titleCase([a.text, b.text]));
    found.push({ start: a.start, end: b.end });
  }
  r.used.push(...found.filter((sp) => !r.tokens.includes(sp as Token)));
}

function read(s: string): QuestionFacts {
  const tokens = tokenize(s);
  const r: Reading = {
    s,
    tokens,
    words: tokens.map((t) => (t.kind === 'word' ? fold(t.text) : '')),
    facts: emptyFacts(),
    used: [],
    precinctTokens: new Set(),
    organSpans: [],
  };
  const { facts } = r;
  for (const t of tokens.filter((t) => t.kind === 'signature')) {
    pushUnique(facts.caseNumbers, t.value ?? t.text);
    r.used.push(t);
  }
  readIssuers(r);
  readAddresses(r);
  readOrganisations(r);
  readPrecincts(r);
  readParcels(r);
  readPeople(r);

  const dates = tokens.filter((t) => t.kind === 'date');
  const period = mergePeriods(readPeriods(blank(fold(s), r.used), dates, r.used));
  if (period.from) facts.dateFrom = period.from;
  if (period.to) facts.dateTo = period.to;
  r.used.push(...dates);

  facts.wholeCase = WHOLE_CASE.test(fold(s));
  facts.docTypes = docTypesOf(r.words);
  const outcomeWords = readOutcomes(r);
  readConditionWords(r);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const w = r.words[i] || fold(t.text);
    if (overlaps(t, r.used) || t.kind === 'signature' || t.kind === 'date' || outcomeWords.has(i)) continue;
    // A negation stays when a word follows: "brak sprzeciwu" is not "sprzeciw".
    const negation = NEGATIONS.has(w) && r.words[i + 1] !== undefined && r.words[i + 1] !== '';
    if (t.kind === 'word' && !negation && (STOP_WORDS.has(w) || w.length < 2 || DATE_WORDS.test(w) || monthOf(w) !== null)) continue;
    if ((facts.wholeCase && CASE_WORDS.test(w)) || ((facts.parcels.length > 0 || r.precinctTokens.size > 0) && PARCEL_WORDS.test(w))) continue;
    facts.words.push(t.text);
  }
  return facts;
}

/**
 * What else the question asks of a document: the objects and the matter its vocabulary names (a
 * matter that is the type sought is not asked twice), the towns after "w"/"we" that are not a
 * court's or organ's seat, and the proper names nothing else explains. Objects, matters and names
 * are conditions only beside a type, a place, a period, an organ, an outcome or an identifier: such a
 * question lists what it wants ("pozwolenie na budowę domu na Oporowie"); without one it describes a
 * topic in its own words ("kara za mieszkanie w domu przed odbiorem"), found by words and meaning.
 */
function readConditionWords(r: Reading): void {
  const { facts, tokens, words } = r;
  const typeConcepts = new Set(facts.docTypes.flatMap((t) => findConcepts(fold(t).split(' ')).map((m) => m.concept.id)));
  const explained = new Set<number>();
  for (const m of findConcepts(words)) {
    for (let i = m.start; i < m.end; i++) explained.add(i);
    const c = m.concept;
    if (overlaps({ start: tokens[m.start]!.start, end: tokens[m.end - 1]!.end }, r.used)) continue;
    if (c.condition === 'object' || c.condition === 'works') pushUnique(facts.objects, c.id);
    if (c.condition === 'subject' && !typeConcepts.has(c.id) && !(c.docType && facts.docTypes.includes(c.docType))) pushUnique(facts.subjects, c.id);
  }
  const seats = facts.issuers.map((x) => fold(x));
  const isSeat = (w: string): boolean => seats.some((x) => x.split(' ').includes(w));
  const explainedOrPlace = (i: number): boolean => explained.has(i) || r.precinctTokens.has(i) || overlaps(tokens[i]!, r.organSpans);
  const capital = (i: number): boolean => tokens[i]?.kind === 'word' && /^\p{Lu}/u.test(tokens[i]!.text);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!capital(i) || explainedOrPlace(i)) continue;
    const w = words[i] ?? '';
    if (STOP_WORDS.has(w) || monthOf(w) !== null) continue;
    const prev = words[i - 1] ?? '';
    if ((prev === 'w' || prev === 'we') && t.text.length > 2) {
      // "w Poznaniu", "w Zielonej Górze" (also after a street: "ul. Zgierska w Poznaniu"): a town,
      // unless it is the seat of the court or organ named ("WSA w Warszawie").
      const two = capital(i + 1) && !explainedOrPlace(i + 1);
      if (!isSeat(w)) pushUnique(facts.towns, two ? `${t.text} ${tokens[i + 1]!.text}` : t.text);
      if (two) i++;
      continue;
    }
    if (overlaps(t, r.used) || NOT_NAME.test(w)) continue;
    // A capitalised word inside the question, or an acronym anywhere, that nothing else explains.
    const acronym = /^\p{Lu}{2,}$/u.test(t.text);
    if (!((i > 0 || acronym) && t.text.length > 2 && !isFirstName(w))) continue;
    // Capitalised words in a row are one name ("Wody Polskie").
    let end = i;
    while (capital(end + 1) && !explainedOrPlace(end + 1) && !overlaps(tokens[end + 1]!, r.used) && !STOP_WORDS.has(words[end + 1] ?? '')) end++;
    pushUnique(facts.names, tokens.slice(i, end + 1).map((x) => x.text).join(' '));
    i = end;
  }
  const listed =
    facts.caseNumbers.length + facts.parcels.length + facts.addresses.length + facts.investors.length + facts.docTypes.length +
      facts.precincts.length + facts.towns.length + facts.issuers.length + facts.outcomes.length >
      0 || facts.dateFrom !== undefined || facts.dateTo !== undefined;
  if (!listed) {
    facts.objects = [];
    facts.subjects = [];
    facts.names = [];
  }
}

/** The text with the given spans replaced by spaces (same length). */
function blank(text: string, spans: Span[]): string {
  let out = text;
  for (const sp of spans) out = out.slice(0, sp.start) + ' '.repeat(Math.max(0, sp.end - sp.start)) + out.slice(sp.end);
  return out;
}

/**
 * Evaluation questions built from a generated archive's ground truth: deterministic (same ground
 * truth and options → same questions), in Polish as a clerk types them, several wordings per kind.
 * Relevance is binary, by the SHA-256 of the original file; `neutral` files are skipped when
 * scoring (see metrics.ts). The rule for each kind is written beside its builder below.
 */
import type { GroundTruth, GtCase, GtFile, Investor } from '../../fixtures/ground-truth.js';
import { BUILDING_TYPES } from '../../fixtures/vocab.js';
import type { IdentifierKind } from '../../server/domain/types.js';
import {
  addressMentions, declension, escapeRe, FileTexts, investorMentions, parcelMentions, signatureMentions,
  signatureRe, streetDeclension, type Mentions,
} from './mentions.js';
import {
  ABSENT, ABSENT_TEMPLATES, ADDRESS_TEMPLATES, BUILDINGS, DOC_CLASSES, INVESTOR_TEMPLATES, PARAPHRASE_TARGETS,
  PARCEL_TEMPLATES, plain, RELATED_BUILDINGS, SIGNATURE_TEMPLATES, signatureVariants, WHOLE_CASE_TEMPLATES,
} from './phrases.js';

export const QUESTION_KINDS = [
  'signature', 'parcel', 'address', 'investor', 'paraphrase', 'type-time', 'compound', 'whole-case', 'no-answer',
] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

/** One evaluation question. `relevant` and `neutral` are SHA-256 of original files, disjoint. */
export interface EvalQuestion {
  id: string;
  kind: QuestionKind;
  question: string;
  relevant: string[];
  neutral: string[];
  /** For no-answer questions: the identifiers a good answer reports as not found. */
  expectNotFound?: { kind: IdentifierKind; value: string }[];
  /**
   * A no-answer question of several conditions where documents meeting all but one of them exist
   * (as `nearMiss` in the real-text corpus); `note` says which condition they miss.
   */
  nearMiss?: boolean;
  note?: string;
  /** For near misses: the condition the closest documents do not meet (what a good answer names in `partial`). */
  expectUnmet?: { kind: CompoundConditionKind; value: string }[];
}

export interface BuildQuestionsOptions {
  /** Wordings per identifier (signature, parcel, address, investor, whole case, paraphrase); default 2. */
  phrasings?: number;
  /** Years asked per document class in type + time questions; default 3. */
  typeTimeYears?: number;
  /** Compound questions kept per place/time kind, and near misses per unmet-condition kind; default 6 and 5. */
  compoundPerKind?: number;
  nearMissPerKind?: number;
  /** Called when the ground-truth fields and the page text disagree about a mention (those files are neutral). */
  onDisagreement?: (question: string, paths: string[]) => void;
}

interface Ctx {
  gt: GroundTruth;
  texts: FileTexts;
  byPath: Map<string, GtFile>;
  caseOf: (f: GtFile) => GtCase | undefined;
  phrasings: number;
  opts: BuildQuestionsOptions;
  out: EvalQuestion[];
  seen: Set<string>;
}

function add(ctx: Ctx, kind: QuestionKind, question: string, relevant: Iterable<string>, neutral: Iterable<string>,
  extra: Partial<EvalQuestion> = {}, disagreements: string[] = []): void {
  const key = plain(question);
  if (ctx.seen.has(key)) return;
  const rel = [...new Set(relevant)].sort();
  if (rel.length === 0 && kind !== 'no-answer') return;
  const relSet = new Set(rel);
  const neu = [...new Set(neutral)].filter((s) => !relSet.has(s)).sort();
  ctx.seen.add(key);
  const n = ctx.out.filter((q) => q.kind === kind).length + 1;
  ctx.out.push({ id: `${kind}-${String(n).padStart(3, '0')}`, kind, question, relevant: rel, neutral: neu, ...extra });
  if (disagreements.length) ctx.opts.onDisagreement?.(question, disagreements);
}

/** SHA-256 of the files of every case matching `pred`. */
function caseFiles(ctx: Ctx, pred: (c: GtCase) => boolean): string[] {
  return ctx.gt.cases.filter(pred).flatMap((c) => c.files.map((p) => ctx.byPath.get(p)?.sha256 ?? ''))
    .filter((s) => s !== '');
}

/** Identifier question: mentions are relevant; the other files of the cases it belongs to are neutral. */
function addIdentifier(ctx: Ctx, kind: QuestionKind, question: string, m: Mentions, ownCases: string[]): void {
  add(ctx, kind, question, m.relevant, [...m.neutral, ...ownCases], {}, m.disagreements);
}

/**
 * signature: every file whose text mentions the signature — its own "Znak:" or another case's
 * reference to it — is relevant; files of that case that print no signature (applications,
 * notifications by parties) are neutral. Signatures mentioned in the archive without a case folder
 * of their own are asked too.
 */
function signatures(ctx: Ctx): void {
  const own = ctx.gt.cases.map((c) => c.signature);
  const mentioned = [...new Set(ctx.gt.files.flatMap((f) => f.mentionedSignatures))].filter((s) => !own.includes(s)).sort();
  [...own, ...mentioned].forEach((sig, i) => {
    const m = signatureMentions(ctx.gt.files, ctx.texts, sig);
    const variants = signatureVariants(sig);
    for (let k = 0; k < ctx.phrasings; k++) {
      const q = SIGNATURE_TEMPLATES[(2 * i + k) % SIGNATURE_TEMPLATES.length]!(variants[(i + k) % variants.length]!);
      addIdentifier(ctx, 'signature', q, m, caseFiles(ctx, (c) => c.signature === sig));
    }
  });
}

/**
 * whole-case: every file of the case folder is relevant (whether or not it prints the signature);
 * files of other cases that mention the signature are neutral (a reasonable thing to show).
 */
function wholeCases(ctx: Ctx): void {
  ctx.gt.cases.forEach((c, i) => {
    const files = caseFiles(ctx, (x) => x === c);
    const m = signatureMentions(ctx.gt.files, ctx.texts, c.signature);
    const variants = signatureVariants(c.signature);
    for (let k = 0; k < ctx.phrasings; k++) {
      const q = WHOLE_CASE_TEMPLATES[(i + k) % WHOLE_CASE_TEMPLATES.length]!(variants[(i + 2 * k) % variants.length]!);
      add(ctx, 'whole-case', q, files, [...m.relevant, ...m.neutral]);
    }
  });
}

/**
 * parcel: files whose text names the parcel number in a parcel phrase ("działce nr 45/7", a list
 * "działkach nr 282/12 i 282/13") — in the named precinct when the question names one, in any
 * precinct when it does not. Other files of the cases that hold the parcel are neutral.
 */
function parcels(ctx: Ctx): void {
  let i = 0;
  const done = new Set<string>();
  for (const c of ctx.gt.cases) {
    for (const p of c.parcels) {
      if (done.has(`${p.number}|${p.obreb}`)) continue;
      done.add(`${p.number}|${p.obreb}`);
      for (let k = 0; k < ctx.phrasings; k++) {
        const t = PARCEL_TEMPLATES[(i + k) % PARCEL_TEMPLATES.length]!;
        const obreb = t.withPrecinct ? p.obreb : undefined;
        const m = parcelMentions(ctx.gt.files, ctx.texts, p.number, obreb);
        const own = caseFiles(ctx, (x) => x.parcels.some((q) => q.number === p.number && (!obreb || q.obreb === obreb)));
        addIdentifier(ctx, 'parcel', t.ask(p.number, p.obreb), m, own);
      }
      i++;
    }
  }
}

/**
 * address: the case's investment address. Files whose text has the street (nominative or locative)
 * followed by exactly that house number are relevant; other files of cases at that address are neutral.
 */
function addresses(ctx: Ctx): void {
  const done = new Set<string>();
  ctx.gt.cases.forEach((c, i) => {
    const { street, number } = c.address;
    if (done.has(`${street}|${number}`)) return;
    done.add(`${street}|${number}`);
    const m = addressMentions(ctx.gt.files, ctx.texts, street, number);
    const d = streetDeclension(street);
    const own = caseFiles(ctx, (x) => x.address.street === street && x.address.number === number);
    for (let k = 0; k < ctx.phrasings; k++) {
      addIdentifier(ctx, 'address', ADDRESS_TEMPLATES[(i + k) % ADDRESS_TEMPLATES.length]!(d.nom, d.loc, number), m, own);
    }
  });
}

/**
 * investor: files naming the investor (nominative or the genitive the documents use, "Pana Jana
 * Kowalskiego") where the generator also recorded them as the investor; other files of that
 * investor's cases, and files naming the same person in another role, are neutral.
 */
function investors(ctx: Ctx): void {
  const done = new Set<string>();
  ctx.gt.cases.forEach((c, i) => {
    const inv: Investor = c.investor;
    if (done.has(inv.name)) return;
    done.add(inv.name);
    const m = investorMentions(ctx.gt.files, ctx.texts, inv);
    const d = declension(inv);
    const own = caseFiles(ctx, (x) => x.investor.name === inv.name);
    for (let k = 0; k < ctx.phrasings; k++) {
      addIdentifier(ctx, 'investor', INVESTOR_TEMPLATES[(i + k) % INVESTOR_TEMPLATES.length]!(d.nom, d.gen, d.hon), m, own);
    }
  });
}

/**
 * paraphrase: a kind of document and what the project was, with no identifier ("odmowa pozwolenia
 * na budowę budynku wielorodzinnego"). Relevant: documents of that kind in cases of that building
 * type. Neutral: the other documents of those cases (they describe the same project) and documents
 * of that kind for a closely related project (nadbudowa ↔ wielorodzinny, rozbudowa ↔ dom).
 */
function paraphrases(ctx: Ctx): void {
  for (const target of PARAPHRASE_TARGETS) {
    for (const [key, words] of Object.entries(BUILDINGS)) {
      const hits = ctx.gt.files.filter((f) => target.match(f) && ctx.caseOf(f)?.buildingType === key);
      if (hits.length === 0) continue;
      const related = RELATED_BUILDINGS[key] ?? [];
      const near = ctx.gt.files.filter((f) => target.match(f) && related.includes(ctx.caseOf(f)?.buildingType ?? ''));
      const cases = new Set(hits.map((f) => f.caseSignature));
      const own = caseFiles(ctx, (c) => cases.has(c.signature));
      for (let k = 0; k < Math.min(ctx.phrasings, target.wordings.length); k++) {
        add(ctx, 'paraphrase', target.wordings[k]!(words), hits.map((f) => f.sha256), [...own, ...near.map((f) => f.sha256)]);
      }
    }
  }
}

/**
 * type-time: a document class and a year ("decyzje o warunkach zabudowy z 2022") or, for
 * decisions, a three-year range. Relevant: documents of that class whose own date (the header
 * date) falls in it. Nothing is neutral: a document of another class or year is a wrong answer.
 */
function typeTime(ctx: Ctx): void {
  const perClass = ctx.opts.typeTimeYears ?? 3;
  DOC_CLASSES.forEach((cls, ci) => {
    const files = ctx.gt.files.filter(cls.match);
    const years = [...new Set(files.map((f) => Number(f.date.slice(0, 4))))].sort((a, b) => a - b);
    const picks = [...new Set([0, years.length >> 1, years.length - 1].slice(0, perClass))].filter((j) => j < years.length);
    picks.forEach((j, n) => {
      const y = years[j]!;
      const q = cls.wordings[(ci + n) % 2]!.replace('{Y}', String(y));
      add(ctx, 'type-time', q, files.filter((f) => f.date.startsWith(`${y}-`)).map((f) => f.sha256), []);
    });
    if (cls.id === 'decyzja' && years.length > 1) {
      const from = years[0]!;
      const to = from + 2;
      const inRange = files.filter((f) => Number(f.date.slice(0, 4)) >= from && Number(f.date.slice(0, 4)) <= to);
      add(ctx, 'type-time', cls.wordings[0].replace('{Y}', `lat ${from}–${to}`), inRange.map((f) => f.sha256), []);
    }
  });
}

/**
 * no-answer: identifiers that occur in no page of the archive (checked here, folded): a
 * signature, a parcel number (anywhere, not only in parcel phrases), a street, an investor.
 * Nothing is relevant; a good answer says so (see metrics.ts noAnswerSuccess).
 */
function noAnswers(ctx: Ctx): void {
  const absent = (re: RegExp) => !ctx.texts.anyMatches(re);
  const precincts = ctx.gt.cases.flatMap((c) => c.parcels.map((p) => p.obreb));
  ABSENT.signatures.forEach((s, j) => {
    if (!absent(signatureRe(s))) return;
    add(ctx, 'no-answer', ABSENT_TEMPLATES.signature[j % 2]!(s), [], [], { expectNotFound: [{ kind: 'caseNumber', value: s }] });
  });
  ABSENT.parcels.forEach((n, j) => {
    if (!absent(new RegExp(`(?<![\\d/])${escapeRe(n)}(?![\\d/])`))) return;
    const q = ABSENT_TEMPLATES.parcel[j % 2]!(n, precincts[j % Math.max(1, precincts.length)] ?? 'Oporów');
    add(ctx, 'no-answer', q, [], [], { expectNotFound: [{ kind: 'parcel', value: n }] });
  });
  ABSENT.streets.forEach((s, j) => {
    const stem = plain(s.nom.replace(/^(?:ul|al)\.\s*/, '')).slice(0, -1);
    if (!absent(new RegExp(escapeRe(stem)))) return;
    const q = ABSENT_TEMPLATES.address[j % 2]!(s.loc, s.number);
    add(ctx, 'no-answer', q, [], [], { expectNotFound: [{ kind: 'address', value: `${s.nom} ${s.number}` }] });
  });
  ABSENT.investors.forEach((inv, j) => {
    if (!absent(new RegExp(escapeRe(inv.probe)))) return;
    add(ctx, 'no-answer', ABSENT_TEMPLATES.investor[j % 2]!(inv.nom, inv.gen), [], [],
      { expectNotFound: [{ kind: 'investor', value: inv.nom }] });
  });
}

/** The kinds of condition a compound question combines (what a near miss fails on). */
export type CompoundConditionKind = 'docType' | 'object' | 'precinct' | 'period';

/** The document that answers a case: its decision (permit, refusal, WZ) or the objection to a notification. */
type Answer = 'pozwolenie' | 'odmowa' | 'wz' | 'sprzeciw';

/**
 * How a clerk names an object: `na` the works in the accusative ("pozwolenie na budowę domku"),
 * `works` in the genitive ("zgłoszenia budowy garażu"), `dla` the object in the genitive ("dla bloku").
 * Two wordings each: the official one and a colloquial or plain one.
 */
interface ObjectWords {
  label: string;
  na: readonly [string, string];
  works: readonly [string, string];
  dla: readonly [string, string];
}

/** Keys are `GtCase.buildingType` (fixtures/vocab.ts BUILDING_TYPES). */
const OBJECTS: Readonly<Record<string, ObjectWords>> = {
  'dom-jednorodzinny': { label: 'dom jednorodzinny', na: ['budowę domu jednorodzinnego', 'budowe domku'],
    works: ['budowy domu jednorodzinnego', 'budowy domku'], dla: ['domu jednorodzinnego', 'domku'] },
  rozbudowa: { label: 'rozbudowa domu jednorodzinnego', na: ['rozbudowę domu jednorodzinnego', 'rozbudowe domku'],
    works: ['rozbudowy domu jednorodzinnego', 'rozbudowy domku'], dla: ['rozbudowy domu jednorodzinnego', 'rozbudowy domku'] },
  nadbudowa: { label: 'nadbudowa budynku wielorodzinnego', na: ['nadbudowę budynku wielorodzinnego', 'nadbudowe bloku'],
    works: ['nadbudowy budynku wielorodzinnego', 'nadbudowy bloku'], dla: ['nadbudowy budynku wielorodzinnego', 'nadbudowy bloku'] },
  wielorodzinny: { label: 'budynek wielorodzinny', na: ['budowę budynku wielorodzinnego', 'budowe bloku'],
    works: ['budowy budynku wielorodzinnego', 'budowy bloku'], dla: ['budynku wielorodzinnego', 'bloku'] },
  'zmiana-sposobu-uzytkowania': { label: 'zmiana sposobu użytkowania lokalu',
    na: ['zmianę sposobu użytkowania lokalu', 'zmiane sposobu uzytkowania mieszkania'],
    works: ['zmiany sposobu użytkowania lokalu', 'zmiany sposobu uzytkowania mieszkania'],
    dla: ['zmiany sposobu użytkowania lokalu', 'zmiany sposobu uzytkowania mieszkania'] },
  garaz: { label: 'garaż', na: ['budowę garażu', 'postawienie garazu'], works: ['budowy garażu', 'budowy garazu'],
    dla: ['garażu', 'garazu wolnostojacego'] },
  'budynek-gospodarczy': { label: 'budynek gospodarczy', na: ['budowę budynku gospodarczego', 'budowe budynku gospodarczego'],
    works: ['budowy budynku gospodarczego', 'budowy budynku gospodarczego'], dla: ['budynku gospodarczego', 'budynku gospodarczego'] },
};

/**
 * Building types whose documents a clerk could accept for the asked object: the project itself, its
 * close relative (see RELATED_BUILDINGS), and for a garage the house and the block the generator
 * builds "z garażem". A near miss needs no case of any of them to meet the other conditions.
 */
const OBJECT_COULD_BE: Readonly<Record<string, readonly string[]>> = {
  ...Object.fromEntries(Object.keys(OBJECTS).map((k) => [k, [k, ...(RELATED_BUILDINGS[k] ?? [])]])),
  garaz: ['garaz', 'dom-jednorodzinny', 'wielorodzinny'],
};

const ANSWERS: Readonly<Record<Answer, {
  label: string;
  match: (f: GtFile) => boolean;
  ask: readonly [(o: ObjectWords, v: number) => string, (o: ObjectWords, v: number) => string];
}>> = {
  pozwolenie: { label: 'pozwolenie na budowę', match: (f) => f.docSubtype === 'pozwolenie-na-budowe',
    ask: [(o, v) => `pozwolenie na ${o.na[v]}`, (o, v) => `PnB na ${o.na[v]}`] },
  odmowa: { label: 'odmowa pozwolenia na budowę', match: (f) => f.docSubtype === 'odmowa-pozwolenia',
    ask: [(o, v) => `odmowa pozwolenia na ${o.na[v]}`, (o, v) => `odmowa PnB dla ${o.dla[v]}`] },
  wz: { label: 'warunki zabudowy', match: (f) => f.docSubtype === 'warunki-zabudowy',
    ask: [(o, v) => `warunki zabudowy dla ${o.dla[v]}`, (o, v) => `decyzja WZ dla ${o.dla[v]}`] },
  sprzeciw: { label: 'sprzeciw od zgłoszenia', match: (f) => f.docType === 'sprzeciw',
    ask: [(o, v) => `sprzeciw od zgłoszenia ${o.works[v]}`, (o, v) => `sprzeciw wobec zgłoszenia ${o.works[v]}`] },
};

/** Precincts of fixtures/vocab.ts PRECINCTS as a clerk names the place ("na Oporowie"); others are asked as "obręb X". */
const PRECINCT_LOCATIVE: Readonly<Record<string, string>> = {
  'Oporów': 'na Oporowie', 'Leśnica': 'w Leśnicy', Krzyki: 'na Krzykach', 'Psie Pole': 'na Psim Polu',
  Biskupin: 'na Biskupinie', 'Stare Miasto': 'na Starym Mieście', 'Sępolno': 'na Sępolnie', 'Ołtaszyn': 'na Ołtaszynie',
  'Maślice': 'na Maślicach', 'Pracze Odrzańskie': 'na Praczach Odrzańskich', Jagodno: 'na Jagodnie', Klecina: 'na Klecinie',
};

/** The place or time of a compound question: a precinct, or a year range (`from === to` for one year). */
type Where = { kind: 'precinct'; precinct: string } | { kind: 'period'; from: number; to: number };

interface Compound {
  answer: Answer;
  object: string;
  where: Where;
}

const whereLabel = (w: Where) =>
  w.kind === 'precinct' ? `obręb ${w.precinct}` : w.from === w.to ? String(w.from) : `${w.from}–${w.to}`;
const whereSlot = (w: Where) => (w.kind === 'precinct' ? 'precinct' : w.from === w.to ? 'year' : 'range');
const compoundKey = (c: Compound) => `${c.answer}|${c.object}|${whereLabel(c.where)}`;

function whereWords(w: Where, v: number): string {
  if (w.kind === 'precinct') {
    const loc = PRECINCT_LOCATIVE[w.precinct];
    const forms = [loc ?? `obręb ${w.precinct}`, `obręb ${w.precinct}`, `w obrębie ${w.precinct}`];
    return forms[v % forms.length]!;
  }
  if (w.from === w.to) return [`z ${w.from} roku`, `w ${w.from} r.`][v % 2]!;
  return [`z lat ${w.from}–${w.to}`, `w latach ${w.from}-${w.to}`][v % 2]!;
}

/** FNV-1a of a string: the deterministic order in which candidates are picked (the ground truth alone decides). */
function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function compoundText(c: Compound): string {
  const h = fnv(compoundKey(c));
  return `${ANSWERS[c.answer].ask[h & 1]!(OBJECTS[c.object]!, (h >>> 1) & 1)} ${whereWords(c.where, h >>> 2)}`;
}

const yearOf = (f: GtFile) => Number(f.date.slice(0, 4));

interface CompoundCtx {
  /** Each case with its answering documents (by answer kind). */
  cases: { c: GtCase; answers: { answer: Answer; file: GtFile }[] }[];
  /** Precincts whose names never occur in text outside their own cases (so they cannot match by accident). */
  precincts: string[];
  /** Years of answering documents that are not also a parcel or house number somewhere. */
  years: Set<number>;
  /** Whether a year can be asked: no parcel or house number of the archive is written the same. */
  yearOk: (y: number) => boolean;
}

function compoundCtx(ctx: Ctx): CompoundCtx {
  const cases = ctx.gt.cases.map((c) => ({
    c,
    answers: c.files.map((p) => ctx.byPath.get(p)).filter((f): f is GtFile => f !== undefined).flatMap((file) =>
      (Object.keys(ANSWERS) as Answer[]).filter((a) => ANSWERS[a].match(file)).map((answer) => ({ answer, file }))),
  })).filter((x) => x.answers.length > 0 && OBJECTS[x.c.buildingType]);
  const inPrecinct = (p: string) => new Set(ctx.gt.cases.filter((c) => c.parcels.some((q) => q.obreb === p)).map((c) => c.signature));
  const precincts = [...new Set(cases.flatMap((x) => x.c.parcels.map((p) => p.obreb)))].sort().filter((p) => {
    // "Biskupin Invest Sp. z o.o." in a case on Maślice: asking "na Biskupinie" would match it by accident.
    const re = precinctRe(p);
    const own = inPrecinct(p);
    return ctx.gt.files.every((f) => (f.caseSignature !== null && own.has(f.caseSignature)) || !re.test(ctx.texts.get(f)));
  });
  const numbers = new Set(ctx.gt.files.flatMap((f) => [...f.parcels.map((p) => p.number), ...f.addresses.map((a) => a.number)]));
  const yearOk = (y: number) => !numbers.has(String(y));
  const years = new Set(cases.flatMap((x) => x.answers.map((a) => yearOf(a.file))).filter(yearOk));
  return { cases, precincts, years, yearOk };
}

/** A precinct's name, nominative or in the locative the question uses, as whole words of folded text. */
function precinctRe(p: string): RegExp {
  const loc = PRECINCT_LOCATIVE[p]?.replace(/^(?:na|w)\s+/, '');
  const forms = [p, ...(loc ? [loc] : [])].map((s) => escapeRe(plain(s)));
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${forms.join('|')})(?![\\p{L}\\p{N}])`, 'u');
}

const inPeriod = (y: number, w: { from: number; to: number }) => y >= w.from && y <= w.to;

/**
 * Whether a case meets each condition. `strict`: as the question means it (that building type, the
 * answering document dated in the period). Loose: as a clerk could still accept it (a related
 * building type, the case's own year in the period) — what must be absent for a near miss.
 */
function meets(x: CompoundCtx['cases'][number], q: Compound, strict: boolean): Record<CompoundConditionKind, boolean> {
  const docs = x.answers.filter((a) => a.answer === q.answer);
  const w = q.where;
  return {
    docType: docs.length > 0,
    object: strict ? x.c.buildingType === q.object : (OBJECT_COULD_BE[q.object] ?? [q.object]).includes(x.c.buildingType),
    precinct: w.kind !== 'precinct' || x.c.parcels.some((p) => p.obreb === w.precinct),
    period: w.kind !== 'period' || (strict
      ? docs.some((a) => inPeriod(yearOf(a.file), w))
      : x.answers.some((a) => inPeriod(yearOf(a.file), w)) || inPeriod(x.c.year, w)),
  };
}

/** An objection answers only a notification: asked only for objects built on a notification (garage, outbuilding). */
const plausible = (q: Compound) =>
  q.answer !== 'sprzeciw' || BUILDING_TYPES.find((b) => b.key === q.object)?.procedure === 'zgloszenie';

const kindsOf = (q: Compound): CompoundConditionKind[] => ['docType', 'object', q.where.kind];

/** What one condition of a question asks, in words for a note. */
function conditionLabel(q: Compound, k: CompoundConditionKind): string {
  return k === 'docType' ? ANSWERS[q.answer].label : k === 'object' ? OBJECTS[q.object]!.label : whereLabel(q.where);
}

/** What a case has for one condition, in words for a note. */
function caseValue(x: CompoundCtx['cases'][number], k: CompoundConditionKind): string {
  if (k === 'docType') return [...new Set(x.answers.map((a) => ANSWERS[a.answer].label))].join(', ');
  if (k === 'object') return OBJECTS[x.c.buildingType]!.label;
  if (k === 'precinct') return [...new Set(x.c.parcels.map((p) => `obręb ${p.obreb}`))].join(', ');
  return [...new Set(x.answers.map((a) => a.file.date.slice(0, 4)))].join(', ');
}

/** Takes up to `limit` candidates per group in hash order, one per anchor case first, then any. */
function pick<T extends { group: string; anchor: string; text: string }>(all: T[], groups: readonly string[], limit: number): T[] {
  const out: T[] = [];
  const texts = new Set<string>();
  for (const g of groups) {
    const of = all.filter((c) => c.group === g).sort((a, b) => fnv(a.text) - fnv(b.text) || a.text.localeCompare(b.text));
    const taken: T[] = [];
    const anchors = new Set<string>();
    for (const pass of [0, 1]) {
      for (const c of of) {
        if (taken.length >= limit || texts.has(plain(c.text)) || (pass === 0 && anchors.has(c.anchor))) continue;
        taken.push(c);
        texts.add(plain(c.text));
        anchors.add(c.anchor);
      }
    }
    out.push(...taken);
  }
  return out;
}

/**
 * compound: a document type with its outcome, an object and a place or a time ("pozwolenie na
 * budowę domu jednorodzinnego na Oporowie", "odmowa PnB dla domku z 2012 roku", "warunki zabudowy
 * dla bloku z lat 2011–2013"). Relevant: the answering documents (the decision, or the objection to a
 * notification) of every case meeting all three, whose own date is in the period or whose own text
 * names the precinct. Neutral: the other files of those cases, and the answering documents a clerk
 * could accept (a related building type, a case of that year decided in another).
 *
 * Near misses (no-answer, `nearMiss`): the same templates where no case meets all three even
 * loosely, each condition alone is met by some case, and some case meets all but one — built from
 * a real case by changing one condition to a value the archive holds elsewhere.
 */
function compounds(ctx: Ctx): void {
  const cc = compoundCtx(ctx);
  const wheres = (x: CompoundCtx['cases'][number], a: { file: GtFile }): Where[] => {
    const y = yearOf(a.file);
    const shift = fnv(`${x.c.signature}|range`) % 3;
    return [
      ...x.c.parcels.map((p) => p.obreb).filter((p, i, all) => all.indexOf(p) === i && cc.precincts.includes(p))
        .map((precinct): Where => ({ kind: 'precinct', precinct })),
      ...(cc.years.has(y) ? [{ kind: 'period', from: y, to: y } as Where] : []),
      ...(cc.yearOk(y - shift) && cc.yearOk(y - shift + 2) ? [{ kind: 'period', from: y - shift, to: y - shift + 2 } as Where] : []),
    ];
  };
  const loose = (q: Compound) => cc.cases.map((x) => meets(x, q, false));

  // Answerable: every (answer, object, place/time) some case meets.
  const answerable: { group: string; anchor: string; text: string; q: Compound }[] = [];
  const seenKeys = new Set<string>();
  for (const x of cc.cases) {
    for (const a of x.answers) {
      for (const where of wheres(x, a)) {
        const q: Compound = { answer: a.answer, object: x.c.buildingType, where };
        if (seenKeys.has(compoundKey(q))) continue;
        seenKeys.add(compoundKey(q));
        answerable.push({ group: whereSlot(where), anchor: x.c.signature, text: compoundText(q), q });
      }
    }
  }
  for (const cand of pick(answerable, ['precinct', 'year', 'range'], ctx.opts.compoundPerKind ?? 6)) {
    const q = cand.q;
    const relevant: string[] = [];
    const neutral: string[] = [];
    cc.cases.forEach((x) => {
      const strict = meets(x, q, true);
      const near = meets(x, q, false);
      const docs = x.answers.filter((a) => a.answer === q.answer).map((a) => a.file);
      if (strict.docType && strict.object && strict.precinct && strict.period) {
        for (const f of docs) {
          const own = q.where.kind === 'precinct' ? precinctRe(q.where.precinct).test(ctx.texts.get(f))
            : inPeriod(yearOf(f), q.where);
          (own ? relevant : neutral).push(f.sha256);
        }
        neutral.push(...caseFiles(ctx, (c) => c === x.c));
      } else if (near.docType && near.object && near.precinct && near.period) {
        neutral.push(...docs.map((f) => f.sha256));
      }
    });
    add(ctx, 'compound', cand.text, relevant, neutral);
  }

  // Near misses: a case's own conditions with one changed to a value found elsewhere in the archive.
  const objects = [...new Set(cc.cases.map((x) => x.c.buildingType))].sort();
  const answers = (Object.keys(ANSWERS) as Answer[]).filter((a) => cc.cases.some((x) => x.answers.some((y) => y.answer === a)));
  const misses: { group: string; anchor: string; text: string; q: Compound }[] = [];
  for (const x of cc.cases) {
    for (const a of x.answers) {
      for (const where of wheres(x, a)) {
        const base: Compound = { answer: a.answer, object: x.c.buildingType, where };
        const variants: { group: CompoundConditionKind; q: Compound }[] = [
          ...answers.filter((v) => v !== a.answer).map((answer) => ({ group: 'docType' as const, q: { ...base, answer } })),
          ...objects.filter((v) => v !== base.object).map((object) => ({ group: 'object' as const, q: { ...base, object } })),
          ...(where.kind === 'precinct'
            ? cc.precincts.filter((p) => p !== where.precinct).map((precinct) => ({ group: 'precinct' as const, q: { ...base, where: { kind: 'precinct', precinct } as Where } }))
            : [...cc.years].sort().flatMap((y) => {
              const w: Where = where.from === where.to ? { kind: 'period', from: y, to: y } : { kind: 'period', from: y - 1, to: y + 1 };
              return inPeriod(yearOf(a.file), w) || !cc.yearOk(w.from) || !cc.yearOk(w.to) ? [] : [{ group: 'period' as const, q: { ...base, where: w } }];
            })),
        ];
        for (const v of variants) {
          if (!plausible(v.q) || loose(v.q).some((m) => m.docType && m.object && m.precinct && m.period)) continue;
          misses.push({ group: v.group, anchor: x.c.signature, text: compoundText(v.q), q: v.q });
        }
      }
    }
  }
  for (const cand of pick(misses, ['docType', 'object', 'precinct', 'period'], ctx.opts.nearMissPerKind ?? 5)) {
    const q = cand.q;
    const all = loose(q);
    // Which conditions the closest cases miss (all others met, loosely), and those cases.
    const primary = cand.group as CompoundConditionKind;
    const unmet = kindsOf(q).sort((a, b) => Number(b === primary) - Number(a === primary)).map((k) => ({
      k,
      cases: cc.cases.filter((_, i) => kindsOf(q).every((j) => j === k || all[i]![j]) && !all[i]![k]),
    })).filter((u) => u.cases.length > 0);
    const parts = unmet.map((u) => {
      const others = kindsOf(q).filter((j) => j !== u.k).map((j) => conditionLabel(q, j)).join(' + ');
      const who = u.cases.slice(0, 3).map((x) => {
        const also = u.k !== 'object' && x.c.buildingType !== q.object ? `; ${OBJECTS[x.c.buildingType]!.label}` : '';
        return `${x.c.signature} (${caseValue(x, u.k)}${also})`;
      }).join(', ');
      return `${u.k}: ${others} in ${who}${u.cases.length > 3 ? ` and ${u.cases.length - 3} more` : ''}; none in ${conditionLabel(q, u.k)}`;
    });
    add(ctx, 'no-answer', cand.text, [], [], {
      nearMiss: true,
      note: parts.join('; '),
      expectUnmet: unmet.map((u) => ({ kind: u.k, value: conditionLabel(q, u.k) })),
    });
  }
}

/** All questions for one archive, grouped by kind in `QUESTION_KINDS` order. */
export function buildQuestions(gt: GroundTruth, opts: BuildQuestionsOptions = {}): EvalQuestion[] {
  const byPath = new Map(gt.files.map((f) => [f.path, f]));
  const bySig = new Map(gt.cases.map((c) => [c.signature, c]));
  const ctx: Ctx = {
    gt, texts: new FileTexts(gt.files), byPath, opts, out: [], seen: new Set(),
    caseOf: (f) => (f.caseSignature ? bySig.get(f.caseSignature) : undefined),
    phrasings: Math.max(1, opts.phrasings ?? 2),
  };
  signatures(ctx);
  parcels(ctx);
  addresses(ctx);
  investors(ctx);
  paraphrases(ctx);
  typeTime(ctx);
  wholeCases(ctx);
  noAnswers(ctx);
  compounds(ctx);
  const order = (q: EvalQuestion) => QUESTION_KINDS.indexOf(q.kind);
  return ctx.out.map((q, i) => ({ q, i })).sort((a, b) => order(a.q) - order(b.q) || a.i - b.i).map(({ q }) => q);
}

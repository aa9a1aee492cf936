/**
 * Evaluation questions built from a generated archive's ground truth: deterministic (same ground
 * truth and options → same questions), in Polish as a clerk types them, several wordings per kind.
 * Relevance is binary, by the SHA-256 of the original file; `neutral` files are skipped when
 * scoring (see metrics.ts). The rule for each kind is written beside its builder below.
 */
import type { GroundTruth, GtCase, GtFile, Investor } from '../../fixtures/ground-truth.js';
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
  'signature', 'parcel', 'address', 'investor', 'paraphrase', 'type-time', 'whole-case', 'no-answer',
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
}

export interface BuildQuestionsOptions {
  /** Wordings per identifier (signature, parcel, address, investor, whole case, paraphrase); default 2. */
  phrasings?: number;
  /** Years asked per document class in type + time questions; default 3. */
  typeTimeYears?: number;
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
  const order = (q: EvalQuestion) => QUESTION_KINDS.indexOf(q.kind);
  return ctx.out.map((q, i) => ({ q, i })).sort((a, b) => order(a.q) - order(b.q) || a.i - b.i).map(({ q }) => q);
}

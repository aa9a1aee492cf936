/**
 * Which ground-truth files mention an identifier. Relevance for identifier questions is decided
 * twice, independently: by the generator's own record of what it wrote into a document (the
 * `GtFile` fields) and by a literal search of the file's clean page text. A file is *relevant*
 * only when both agree; when exactly one says so it is *neutral* (neither right nor wrong), so a
 * quirk of either rule can never turn a correct answer into a miss or a wrong one into a hit.
 *
 * Text matching is done on folded text (lower case, Polish diacritics stripped, whitespace runs —
 * line breaks included — collapsed to one space), pages of a file joined by a space.
 */
import type { GtFile, Investor } from '../../fixtures/ground-truth.js';
import { COMPANIES, FIRST_NAMES, PRECINCTS, SURNAMES } from '../../fixtures/vocab.js';
import { foldForCompare } from '../../ingest/text/fold.js';

/** Folded text of a whole file (see the module comment). */
export function foldedFileText(f: GtFile): string {
  return foldForCompare(f.pages.map((p) => p.text).join(' '));
}

/** Folded text of every file, computed once per ground truth. */
export class FileTexts {
  private readonly cache = new Map<string, string>();
  constructor(readonly files: readonly GtFile[]) {}
  get(f: GtFile): string {
    let t = this.cache.get(f.sha256);
    if (t === undefined) this.cache.set(f.sha256, (t = foldedFileText(f)));
    return t;
  }
  /** True when any file's folded text matches `re`. */
  anyMatches(re: RegExp): boolean {
    return this.files.some((f) => re.test(this.get(f)));
  }
}

export const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Relevant = both sources say "mentions"; neutral = exactly one does. */
export interface Mentions {
  relevant: Set<string>;
  neutral: Set<string>;
  /** Files where the two sources disagree (for diagnostics). */
  disagreements: string[];
}

function combine(files: readonly GtFile[], byField: (f: GtFile) => boolean, byText: (f: GtFile) => boolean): Mentions {
  const out: Mentions = { relevant: new Set(), neutral: new Set(), disagreements: [] };
  for (const f of files) {
    const a = byField(f);
    const b = byText(f);
    if (a && b) out.relevant.add(f.sha256);
    else if (a || b) {
      out.neutral.add(f.sha256);
      out.disagreements.push(f.path);
    }
  }
  return out;
}

/** A signature, as a whole token: "…786.2019" must not match "…786.20190" or "1786.2019". */
export function signatureRe(signature: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}./-])${escapeRe(foldForCompare(signature))}(?![\\p{L}\\p{N}]|[./-]\\p{N})`, 'u');
}

/** Files mentioning a case signature (printed as their own "Znak:" or as another case's). */
export function signatureMentions(files: readonly GtFile[], texts: FileTexts, signature: string): Mentions {
  const re = signatureRe(signature);
  return combine(
    files,
    (f) => f.signatureInText === signature || f.mentionedSignatures.includes(signature),
    (f) => re.test(texts.get(f)),
  );
}

/**
 * A parcel number inside a parcel phrase: after "działka/działki/działce… [nr]" or "dz.", possibly
 * later in a list ("działkach nr 282/12 i 282/13"). The bare number elsewhere ("45 dni") is not one.
 */
export function parcelRe(number: string): RegExp {
  const item = String.raw`\d{1,5}(?:/\d{1,4})?`;
  const sep = String.raw`(?:\s?,\s?|\s(?:i|oraz)\s)`;
  return new RegExp(
    String.raw`(?<![a-z])dz(?:ial[a-z]*|\.)\s?(?:nr\.?\s?)?(?:${item}${sep})*(?<![\d/])${escapeRe(number)}(?![\d/]|,\d)`,
  );
}

/** Files mentioning a parcel number, in the given precinct when `obreb` is set (else in any). */
export function parcelMentions(files: readonly GtFile[], texts: FileTexts, number: string, obreb?: string): Mentions {
  const re = parcelRe(number);
  return combine(
    files,
    (f) => f.parcels.some((p) => p.number === number && (obreb === undefined || p.obreb === obreb)),
    (f) => re.test(texts.get(f)),
  );
}

/** A street with its prefix in the nominative and the locative ("ul. Kuźnicza", "ul. Kuźniczej"). */
export function streetDeclension(street: string): { nom: string; loc: string } {
  const known = PRECINCTS.flatMap((p) => p.streets).find((s) => s.nom === street);
  return known ? { nom: known.nom, loc: known.loc } : { nom: street, loc: street };
}

/** The street name without its "ul./al./pl." prefix, in the nominative and the locative. */
export function streetForms(street: string): string[] {
  const d = streetDeclension(street);
  return [...new Set([d.nom, d.loc].map((s) => s.replace(/^(?:ul|al|pl|os)\.\s*/i, '')))];
}

/** Street (either case) followed by exactly this house number: "Oporowskiej 43" but not "43/2" or "430". */
export function addressRe(street: string, number: string): RegExp {
  const forms = streetForms(street).map((s) => escapeRe(foldForCompare(s))).join('|');
  return new RegExp(`(?<![\\p{L}])(?:${forms}) ${escapeRe(foldForCompare(number))}(?![\\p{L}\\p{N}/])`, 'u');
}

export function addressMentions(files: readonly GtFile[], texts: FileTexts, street: string, number: string): Mentions {
  const re = addressRe(street, number);
  return combine(
    files,
    (f) => f.addresses.some((a) => a.street === street && a.number === number),
    (f) => re.test(texts.get(f)),
  );
}

/** How the generator declines an investor: nominative, genitive, genitive with "Pana/Pani" for persons. */
export interface Declension {
  nom: string;
  gen: string;
  hon: string;
}

/**
 * Declension from the generator's vocabulary ("Pana Jana Kowalskiego", "spółki Odra Development
 * Sp. z o.o."). A name outside the vocabulary keeps its nominative in every case: fewer text
 * matches, so such files become neutral, never wrongly relevant.
 */
export function declension(investor: Investor): Declension {
  const nom = investor.name;
  if (investor.kind === 'company') {
    const gen = COMPANIES.find((x) => x.name === nom)?.gen ?? nom;
    return { nom, gen, hon: gen };
  }
  const [first, ...rest] = nom.split(' ');
  const fn = FIRST_NAMES.find((x) => x.nom === first);
  const sn = SURNAMES.find((x) => (fn?.female ? x.f : x.m) === rest.join(' '));
  if (!fn || !sn) return { nom, gen: nom, hon: nom };
  const gen = `${fn.gen} ${fn.female ? sn.fGen : sn.mGen}`;
  return { nom, gen, hon: `${fn.female ? 'Pani' : 'Pana'} ${gen}` };
}

/** Written forms of a name in document text: nominative and genitive (without "spółki"). */
export function nameForms(investor: Investor): string[] {
  const d = declension(investor);
  return [...new Set([d.nom, d.gen.replace(/^spółki /, '')])];
}

export function nameRe(investor: Investor): RegExp {
  const forms = nameForms(investor).map((s) => escapeRe(foldForCompare(s))).join('|');
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${forms})(?![\\p{L}\\p{N}])`, 'u');
}

/** Files naming this investor (as investor, per the fields; in any role, per the text). */
export function investorMentions(files: readonly GtFile[], texts: FileTexts, investor: Investor): Mentions {
  const re = nameRe(investor);
  return combine(
    files,
    (f) => f.investor?.name === investor.name,
    (f) => re.test(texts.get(f)),
  );
}

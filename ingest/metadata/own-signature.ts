/**
 * Which of the signatures on a page is the document's own and which it only cites.
 *
 * A judgment names its own signature in its heading ("II OSK 2749/20 - Wyrok NSA", "Wyrok WSA w
 * Rzeszowie z dnia …, sygn. II SA/Rz 604/22", "WYROK NR SYGN. AKT II SA/WR 772/11") and cites
 * others in its body ("od wyroku … sygn. akt II SA/Lu 113/20", the decision under review
 * "znak WOP.7721.12.2023") or in a list of related cases ("II SA/Lu 113/20 - Wyrok WSA w Lublinie
 * z 2020-05-27"). An office letter or notice shows its znak in the heading ("IN.I.743.81.2020. KM"
 * on its own line, "Znak: …", "Obwieszczenie WPN.6320.18.2017.JZ") and cites the acts it concerns
 * ("otrzymano Postanowienie … nr WOOŚ.4222.3.2020.MSe.8"). When no signature stands where the
 * document's own would, there is none: a cited one is not promoted, save one case: an obwieszczenie
 * or zawiadomienie without a znak of its own is issued in the proceeding of the decision it
 * announces, whose "znak:" it then carries.
 */
import { fold, type Found } from './common.js';
import { isCourtSignature } from './court.js';
import { documentType } from './heading-inline.js';
import { signatureLabel } from './signature.js';

/** The heading of a page: its first characters. Past it only a labelled signature can be the own one. */
const HEAD_CHARS = 400;
/** How far back on its line the words before a signature are read. */
const WINDOW = 160;

/** A document noun in the middle of a clause before the signature: the signature is that act's. */
const CITED_ACT = /(?:^|[^a-z])(?:decyzj|postanowieni|uchwal|wyrok|pism|wnios|zawiadomieni|obwieszczeni|zgloszeni|skarg|orzeczeni)[a-z]*(?![a-z])/g;
/** A related case listed by a court database: "<sig> - Wyrok WSA w Lublinie z 2020-05-27". */
const RELATED_AFTER = /^[ \t]{0,2}[-–][ \t]{0,2}(?:wyrok|postanowienie|uchwala)[^\n]{0,80}?[ \t]z[ \t]\d{4}-\d{2}-\d{2}/;

export interface SignatureRoles {
  own: Found | null;
  references: Found[];
}

/** A line at least this long, ending without punctuation, was wrapped at the margin: its sentence goes on. */
const WRAPPED_LINE_CHARS = 50;

/**
 * The words before a signature on its line — and on the lines above it when they are one sentence
 * wrapped at the margin ("otrzymano Postanowienie Regionalnego Dyrektora\nOchrony Środowiska w Opolu nr X").
 */
function lineBefore(text: string, start: number): { original: string; words: string } {
  const from = Math.max(0, start - WINDOW);
  const chunk = text.slice(from, start);
  let cut = chunk.lastIndexOf('\n');
  while (cut > 0) {
    const prevStart = chunk.lastIndexOf('\n', cut - 1) + 1;
    const prev = chunk.slice(prevStart, cut).trim();
    if (prevStart === 0 || prev.length < WRAPPED_LINE_CHARS || /[.:;!?)]$/.test(prev)) break;
    cut = prevStart - 1;
  }
  const original = (cut >= 0 ? chunk.slice(cut + 1) : chunk).replace(/\r?\n/g, ' ');
  const words = fold(original);
  return { original, words };
}

/** Nominative forms: the noun of a heading ("Decyzja nr 186/2024 … do sprawy X", "WYROK NR SYGN. AKT X"). */
const NOMINATIVE = new Set([
  'decyzja', 'postanowienie', 'uchwala', 'wyrok', 'pismo', 'wniosek', 'zawiadomienie', 'obwieszczenie',
  'zgloszenie', 'skarga', 'orzeczenie',
]);

/**
 * True when the words before the signature name another act it belongs to: a document noun in an
 * oblique case ("od wyroku", "decyzji nr"), or in the nominative inside a sentence ("otrzymano
 * Postanowienie … nr X"). A heading's noun opens its line or is written in capitals.
 */
function citedBefore(original: string, words: string): boolean {
  CITED_ACT.lastIndex = 0;
  for (let m = CITED_ACT.exec(words); m !== null; m = CITED_ACT.exec(words)) {
    const lead = m[0].length - m[0].replace(/^[^a-z]/, '').length;
    const at = m.index + lead;
    const noun = words.slice(at, m.index + m[0].length);
    if (!NOMINATIVE.has(noun)) return true;
    const asWritten = original.slice(at, at + noun.length);
    if (words.slice(0, at).trim() !== '' && asWritten !== asWritten.toUpperCase()) return true;
  }
  return false;
}

function isFirstLine(text: string, start: number): boolean {
  return text.slice(0, start).trim().indexOf('\n') < 0;
}

/** May `hit` be the page's own signature? `head`: the page is the document's first. */
function mayBeOwn(text: string, hit: Found, head: boolean): boolean {
  const { original, words } = lineBefore(text, hit.start);
  if (citedBefore(original, words)) return false;
  const court = isCourtSignature(hit.value);
  if (court && !isFirstLine(text, hit.start) && RELATED_AFTER.test(fold(text.slice(hit.end, hit.end + 120)))) return false;
  const label = signatureLabel(text, hit.start);
  if (label === 'other') return false;
  if (head && hit.start < HEAD_CHARS) return true;
  return label === 'own' && !court;
}

/** How far into a notice the znak of the decision it announces is looked for. */
const NOTICE_CHARS = 1500;
/** Kinds of notice issued in the proceeding whose decision they announce. */
const PROCEEDING_NOTICES = new Set(['obwieszczenie', 'zawiadomienie']);
/** The act a notice announces, named just before its "znak": a decision or an order. */
const ANNOUNCED_ACT = /(?<![a-z])(?:decyzj|postanowieni)[a-z]*(?![a-z])/;

/**
 * A notice without a znak of its own ("OBWIESZCZENIE … podaję do publicznej wiadomości o wydanej
 * … decyzji Burmistrza Brus znak: SR.6220.7.2020"): a notice is issued in the proceeding of the
 * decision it announces, so that decision's znak, labelled "znak", is the notice's case. A decision
 * only cited by its number ("decyzję nr 746.2016") stays a reference.
 */
function announcedZnak(text: string, hits: Found[]): Found | null {
  const type = documentType(text);
  if (!type || !PROCEEDING_NOTICES.has(type.value)) return null;
  for (const h of hits) {
    if (h.start > NOTICE_CHARS) break;
    if (isCourtSignature(h.value) || !/\.\d{3,5}\./.test(h.value)) continue;
    if (signatureLabel(text, h.start) !== 'own') continue;
    const { words } = lineBefore(text, h.start);
    if (ANNOUNCED_ACT.test(words)) return h;
  }
  return null;
}

/**
 * Own signature and references of a document, from the signatures found on each page (pages in
 * order, the first one holding text first). A court signature in the heading wins over office znaki,
 * which a judgment only cites. A notice with none of its own takes the znak of the decision it
 * announces.
 */
export function signatureRoles(pages: { text: string; hits: Found[] }[]): SignatureRoles {
  const firstWithText = pages.findIndex((p) => p.text.trim() !== '');
  let own: Found | null = null;
  for (let i = 0; i < pages.length && !own; i++) {
    const p = pages[i];
    if (!p) continue;
    const candidates = p.hits.filter((h) => mayBeOwn(p.text, h, i === firstWithText));
    own =
      candidates.find((h) => isCourtSignature(h.value)) ??
      candidates.find((h) => signatureLabel(p.text, h.start) === 'own') ??
      candidates[0] ??
      null;
  }
  const first = pages[firstWithText];
  if (!own && first) own = announcedZnak(first.text, [...first.hits].sort((a, b) => a.start - b.start));
  const references = pages.flatMap((p) => p.hits).filter((h) => h !== own && h.value !== own?.value);
  return { own, references };
}

/**
 * Headings that the line-based reading of doctype.ts does not see, as real pages show them:
 * - a transcript that runs its heading into one line with the journal's header ("DZIENNIK
 *   URZĘDOWY … Poz. 2115 UCHWAŁA NR XXII/486/16 RADY MIEJSKIEJ …", "WOJEWODA DOLNOŚLĄSKI
 *   NK-N.4131… Wrocław, 2 listopada 2017 r. ROZSTRZYGNIĘCIE NADZORCZE Działając …"): a type word in
 *   capitals near the top of the page;
 * - a notice whose first line is its long title ("Obwieszczenie Wojewody Łódzkiego o wszczęciu …",
 *   "Zawiadomienie Regionalnego Dyrektora … z dnia …, znak …"): a published kind of notice opening
 *   the page, followed by its organ, "o …", "z dnia" or its znak;
 * - a page with no heading at all: its operative words (a voivode's "stwierdzam nieważność
 *   uchwały", a notice under art. 49 k.p.a.) or the words by which it informs the public.
 */
import { fold, squash } from './common.js';
import { findDocType, matchType, type DocTypeFound } from './doctype.js';

/** How far into the page a heading in capitals may start. */
const HEAD_CHARS = 400;
const CAPS_WORD = /(?<![\p{L}\p{N}])\p{Lu}(?:\p{Lu}{4,19}|\p{Ll}{4,19})(?![\p{L}\p{N}])/gu;
/** The next word, also on the next line where a line was wrapped ("Rozstrzygnięcie\nnadzorcze"). */
const NEXT_WORD = /^(?:[ \t]{1,3}|[ \t]?\r?\n[ \t]?)([\p{L}]{1,30})/u;
/** Kinds of notice whose long title opens the page. */
const NOTICES = new Set(['obwieszczenie', 'zawiadomienie', 'ogłoszenie', 'informacja']);
const FIRST_WORD = /^[ \t]{0,4}(\p{Lu}\p{Ll}{4,20})(?![\p{L}\p{N}])/u;
/** What follows a notice's name in its title: its organ, its subject, its date or its znak. */
const NOTICE_NEXT = /^[ \t]{1,3}(?:\p{Lu}|o[ \t]|z[ \t]+dnia|informuj|zawiadamiaj|dotycz|w[ \t]+sprawie)/u;

function headingLine(text: string, start: number, end: number): string {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  return squash(text.slice(Math.max(lineStart, start - 80), Math.min(text.length, end + 80))).slice(0, 160);
}

/** A type word written in capitals within the top of the page. */
export function findCapsHeading(text: string): DocTypeFound | null {
  const head = text.slice(0, HEAD_CHARS + 40);
  CAPS_WORD.lastIndex = 0;
  for (let m = CAPS_WORD.exec(head); m !== null && m.index < HEAD_CHARS; m = CAPS_WORD.exec(head)) {
    const next = NEXT_WORD.exec(head.slice(m.index + m[0].length, m.index + m[0].length + 40));
    const t = matchType(m[0], next?.[1] ?? '');
    // Capitalised only ("Rozstrzygnięcie nadzorcze"): a two-word name, which a sentence seldom opens with.
    if (!t || (m[0] !== m[0].toUpperCase() && !t.value.includes(' '))) continue;
    const end = m.index + m[0].length + (t.value.includes(' ') && next ? next[0].length : 0);
    return { value: t.value, start: m.index, end, heading: headingLine(text, m.index, end), basis: 'heading' };
  }
  return null;
}

/** A notice's name opening the page's first line, however long the title that follows. */
export function findOpeningNotice(text: string): DocTypeFound | null {
  const from = text.search(/\S/);
  if (from < 0) return null;
  const m = FIRST_WORD.exec(text.slice(from, from + 60));
  if (!m || !m[1]) return null;
  const word = m[1];
  const start = from + m[0].length - word.length;
  const t = matchType(word, '');
  if (!t || !NOTICES.has(t.value) || fold(word) !== fold(t.value)) return null;
  if (!NOTICE_NEXT.test(text.slice(start + word.length, start + word.length + 40))) return null;
  return { value: t.value, start, end: start + word.length, heading: headingLine(text, start, start + word.length), basis: 'heading' };
}

/** "Projekt z dnia …" opening a draft resolution (the header of drafts from the legislative editor). */
const DRAFT = /^[ \t]{0,4}Projekt(?=[ \t]{1,3}z[ \t]{1,3}dnia|[ \t]*\n)/;
const DRAFT_OF = /(?<![\p{L}])(?:UCHWAŁ[AY]|ZARZĄDZENI[EA])(?![\p{L}])/u;

export function findDraft(text: string): DocTypeFound | null {
  const from = text.search(/\S/);
  if (from < 0) return null;
  const m = DRAFT.exec(text.slice(from, from + 40));
  if (!m || !DRAFT_OF.test(text.slice(from, from + 200))) return null;
  const start = from + m[0].length - 'Projekt'.length;
  return { value: 'projekt uchwały', start, end: start + 7, heading: headingLine(text, start, start + 7), basis: 'heading' };
}

/**
 * Sections of a service card ("karta usługi") as BIPs title them, each opening its own line. A
 * card is often titled by the procedure it describes ("Zgłoszenie zamiaru budowy …"), which is no
 * document of that type: two section titles, one of them specific to cards, make it a card.
 */
const CARD_SECTIONS = [
  'opis usługi', 'wymagane dokumenty', 'miejsce złożenia dokumentów', 'nazwa procedury',
  'sposoby dostarczenia dokumentów', 'sposoby odbioru dokumentów', 'termin załatwienia sprawy',
  'kto może wystąpić', 'tryb odwoławczy', 'godziny przyjmowania', 'sposób załatwienia sprawy', 'wykonanie procedury',
].map(fold);
const CARD_GENERAL = ['opłaty', 'podstawa prawna'].map(fold);
/** Section titles are short lines. */
const MAX_SECTION_LINE = 70;

/** True when a line of `text` opens with a section title specific to service cards. */
function hasCardSection(text: string): boolean {
  return text.split('\n').some((l) => l.length <= MAX_SECTION_LINE && CARD_SECTIONS.some((c) => fold(l).trim().startsWith(c)));
}

export function findServiceCard(text: string): DocTypeFound | null {
  let first: { start: number; end: number } | null = null;
  const seen = new Set<string>();
  let specific = false;
  let pos = 0;
  for (let n = 0; n < 200 && pos < text.length; n++) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    const raw = text.slice(pos, Math.min(end, pos + MAX_SECTION_LINE + 1));
    const line = fold(raw).trim();
    if (end - pos <= MAX_SECTION_LINE && line !== '') {
      const name = CARD_SECTIONS.find((s) => line.startsWith(s)) ?? CARD_GENERAL.find((s) => line.startsWith(s));
      if (name && !seen.has(name)) {
        seen.add(name);
        specific ||= CARD_SECTIONS.includes(name);
        const at = pos + raw.length - raw.trimStart().length;
        first ??= { start: at, end: at + name.length };
      }
    }
    pos = end + 1;
  }
  if (!first || seen.size < 2 || !specific) return null;
  return { value: 'karta usługi', start: first.start, end: first.end, heading: headingLine(text, first.start, first.end), basis: 'heading' };
}

/** "Wyłożenie do publicznego wglądu projektu …" opening the page: the announcement of a plan's display. */
const DISPLAY = /^[ \t]{0,4}(?:Ponowne[ \t]{1,3})?[Ww]yłożenie[ \t]{1,3}do[ \t]{1,3}publicznego[ \t]{1,3}wglądu/;

export function findDisplayNotice(text: string): DocTypeFound | null {
  const from = text.search(/\S/);
  if (from < 0) return null;
  const m = DISPLAY.exec(text.slice(from, from + 80));
  if (!m) return null;
  const start = from + m[0].length - m[0].trimStart().length;
  return { value: 'ogłoszenie', start, end: from + m[0].length, heading: headingLine(text, start, from + m[0].length), basis: 'heading' };
}

/** How far into a page without a heading its operative words or informing words are read. */
const BODY_CHARS = 1500;

function found(text: string, value: string, start: number, end: number, basis: DocTypeFound['basis']): DocTypeFound {
  return { value, start, end, heading: headingLine(text, start, end), basis };
}

/*
 * The rules below read folded text (lower case, no diacritics, one code unit for one), so that a
 * scan's OCR that lost a diacritic ("Przystapiono", "wiadomosci") reads the same; spans carry over.
 */

/**
 * "stwierdzam nieważność [w całości|w części] uchwały …": a voivode declaring a council's resolution
 * (or a mayor's order) void in the first person. By art. 91 of the act on municipal self-government
 * that act is a supervisory decision ("rozstrzygnięcie nadzorcze"), whatever the page calls it; a
 * court rules in the third person ("stwierdza"), and an organ voiding a decision names a "decyzji".
 */
const VOIDS_RESOLUTION =
  /(?<![a-z])stwierdzam\s{1,3}niewaznosc(?:\s{1,3}w\s{1,3}(?:calosci|czesci))?(?=[\s,]{1,4}(?:(?:zaskarzonej|przedmiotowej)\s{1,3})?(?:uchwal|zarzadzeni))/;

export function findSupervisoryAct(text: string): DocTypeFound | null {
  const m = VOIDS_RESOLUTION.exec(fold(text.slice(0, BODY_CHARS)));
  return m ? found(text, 'rozstrzygnięcie nadzorcze', m.index, m.index + m[0].length, 'operative') : null;
}

/**
 * A notice to the parties ("zawiadamiam, że …", "zawiadamia się …") given on the basis of art. 49
 * of the Code of Administrative Procedure, which is notification by public announcement: the
 * notice is an "obwieszczenie" even when the page lost its heading.
 */
const NOTIFIES = /(?<![a-z])zawiadamia(?:m|\s{1,3}sie)(?![a-z])/;
const ART_49_KPA =
  /(?<![a-z\d])art\.\s{0,2}49(?![\da-z])(?:\s{0,2}§\s{0,2}\d)?\s{1,3}(?:ustawy\s{1,3}z\s{1,3}dnia\s{1,3}14\s{1,3}czerwca\s{1,3}1960\s{0,2}r\.?\s{0,3}[-–]?\s{0,3})?(?:kodeks[u]?\s{1,3}postepowania\s{1,3}administracyjnego|k\.?\s?p\.?\s?a(?![a-z]))/;

export function findPublicNotice(text: string): DocTypeFound | null {
  const body = fold(text.slice(0, BODY_CHARS));
  const m = NOTIFIES.exec(body);
  if (!m) return null;
  const basis = ART_49_KPA.exec(body);
  if (!basis || basis.index > m.index) return null;
  return found(text, 'obwieszczenie', m.index, m.index + m[0].length, 'operative');
}

/**
 * Words of acts, rulings and formal announcements: a page showing any of them is not told to be a
 * mere information page (an act whose heading was lost, with its operative verb in the first
 * person or a council's "uchwala, co następuje"; a court's reasons; an organ's "podaję do
 * publicznej wiadomości", which obwieszczenia and informacje share).
 */
const FORMAL =
  /(?<![a-z])(?:orzekam|orzeka|postanawiam|postanawia|stwierdzam|zawiadamiam|zawiadamia\s+sie|obwieszczam|nakazuje|nakladam|udzielam|odmawiam|umarzam|uchylam|utrzymuje\s+w\s+mocy|ustalam|zatwierdzam|wzywam|wnosze|uchwala(?=\s*(?:,|:|sie|co\s+nastepuje))|uzasadnienie|pouczenie|sentencja|sad[a-z]*\s+administracyjn[a-z]*|skarg[a-z]*\s+kasacyjn[a-z]*|sygn\.\s*akt|podaj[e](?:\s+sie)?\s+do\s+publicznej\s+wiadomosci)(?![a-z])/;

/**
 * How a page published for the public says that it informs, each a reason that holds of Polish
 * administrative pages in general:
 * - a section titled "Informacje ogólne", "Informacje podstawowe" …;
 * - an informing verb: "… informuje o …", "Informujemy, że …", "Przypominam …";
 * - a report of an act in the past tense opening a sentence: "W dniu … RDOŚ wydał decyzję", "W dniu
 *   … otrzymano postanowienie", "Przystąpiono do sporządzania planu …" (an act states its ruling, a
 *   page about it reports that it was issued);
 * - an invitation to the public: "zainteresowani mogą składać wnioski", "będzie można zapoznać
 *   się", "Uwagi należy składać", "termin składania wniosków".
 */
const SENTENCE_START = String.raw`(?<=^|\n|[.!?:][ \t]{1,3})`;
const INFORMS: RegExp[] = [
  /(?<=^|\n)[ \t]{0,4}informacje[ \t]{1,3}[a-z]{4,20}[ \t]{0,2}:?[ \t]*(?=\n|$)/g,
  /(?<![a-z])(?:(?:uprzejmie\s{1,3})?informuj(?:e|emy)(?=\s{0,3},?\s{0,3}(?:o|ze|iz|:)(?![a-z]))|przypominam(?:y)?(?![a-z]))/g,
  new RegExp(
    String.raw`${SENTENCE_START}w\s{1,3}dniu\s{1,3}[^.\n]{4,40}?\d{4}\s{0,2}(?:r\.|roku)?[^.\n]{0,120}?(?<![a-z])(?:wydal[aoy]?|wydano|otrzymano|otrzymal[aoy]?|podjal|podjela|podjeto|zostal[aoy]?\s{1,3}wydan[a-z]*)(?:\s{1,3}[a-z]+)?`,
    'g',
  ),
  new RegExp(String.raw`${SENTENCE_START}(?:przystapiono|wszczeto|wydano|otrzymano|podjeto|uchwalono|rozpoczeto|zakonczono)(?:[ \t]{1,3}do)?[ \t]{1,3}[a-z]+`, 'g'),
  /(?<![a-z])(?:zainteresowani(?:[ \t]{1,3}[a-z]+)?[ \t]{1,3}moga[ \t]{1,3}(?:skladac|zapoznac|wnosic)|(?:bedzie[ \t]{1,3})?mozna[ \t]{1,3}(?:sie[ \t]{1,3})?(?:zapoznac|skladac|wnosic)|(?:wnioski|uwagi)(?:[ \t]{1,3}i[ \t]{1,3}(?:wnioski|uwagi))?[ \t]{1,3}(?:nalezy|mozna)[ \t]{1,3}skladac|termin(?:ie)?[ \t]{1,3}skladania[ \t]{1,3}(?:wnioskow|uwag))(?![a-z])/g,
];

export function findInformationPage(text: string): DocTypeFound | null {
  const body = fold(text.slice(0, BODY_CHARS));
  // A service card with too few of its sections to be told one is still no information page.
  if (FORMAL.test(body) || hasCardSection(body)) return null;
  let best: { start: number; end: number } | null = null;
  for (const re of INFORMS) {
    re.lastIndex = 0;
    const m = re.exec(body);
    if (!m) continue;
    const lead = m[0].length - m[0].trimStart().length;
    const start = m.index + lead;
    if (!best || start < best.start) best = { start, end: m.index + m[0].trimEnd().length };
  }
  return best ? found(text, 'informacja', best.start, best.end, 'wording') : null;
}

/**
 * The document type of a first page: a draft's header, a service card's sections, its heading
 * line, a heading in capitals, a notice's title; without any heading, its operative words (a
 * supervisory act, a public notice) or the words by which it informs the public.
 */
export function documentType(text: string): DocTypeFound | null {
  return (
    findDraft(text) ?? findServiceCard(text) ?? findDocType(text) ?? findCapsHeading(text) ??
    findOpeningNotice(text) ?? findDisplayNotice(text) ?? findSupervisoryAct(text) ?? findPublicNotice(text) ??
    findInformationPage(text)
  );
}

/** Where the page's first line opens with a type word ("Decyzja nr 186/2024 z dnia …"), or null. */
export function openingTypeStart(text: string): number | null {
  const from = text.search(/\S/);
  if (from < 0) return null;
  const m = FIRST_WORD.exec(text.slice(from, from + 60));
  if (!m || !m[1]) return null;
  const t = matchType(m[1], '');
  return t && fold(m[1]) === fold(t.value.split(' ')[0] ?? '') ? from + m[0].length - m[1].length : null;
}

/**
 * Document type from the heading near the top of the first page: "DECYZJA NR 123/2019",
 * "POSTANOWIENIE", "WNIOSEK o wydanie decyzji o pozwoleniu na budowę", "Zgłoszenie robót
 * budowlanych", letter-spaced "D E C Y Z J A", OCR-damaged "DECYZIA", "POSTANOWIENlE".
 * Only the heading counts, never a word in the body. A plain "decyzja" is refined from the
 * heading ("o warunkach zabudowy") or from the operative part ("udzielam pozwolenia na budowę").
 */
import { editDistance, fold, squash, type Found } from './common.js';
import { findCourtRulingType } from './court-heading.js';

export interface DocTypeFound extends Found {
  /** The heading line, whitespace squashed. */
  heading: string;
  /**
   * Where the (refined) value comes from: the heading, the operative part, or (a page without a
   * heading) the words by which it informs the public.
   */
  basis: 'heading' | 'operative' | 'wording';
}

/** Types named by one word, which is also their value. */
export const ONE_WORD_TYPES: readonly string[] = [
  'decyzja', 'postanowienie', 'wniosek', 'zawiadomienie', 'zgłoszenie', 'sprzeciw', 'protokół',
  'odwołanie', 'pełnomocnictwo', 'upoważnienie', 'skarga', 'wezwanie', 'informacja',
  'zaświadczenie', 'opinia', 'uzgodnienie', 'obwieszczenie', 'zażalenie', 'oświadczenie',
  'ogłoszenie', 'umowa', 'porozumienie', 'ekspertyza', 'wypis', 'wyrys', 'uchwała', 'wyrok',
  'sprostowanie', 'notatka',
];

/** Base forms; multi-word types need their second word (folded prefix) to follow. */
const TYPES: { word: string; value: string; next?: RegExp }[] = [
  ...ONE_WORD_TYPES.map((w) => ({ word: w, value: w })),
  { word: 'notatka', value: 'notatka służbowa', next: /^sluzbow/ },
  { word: 'rozstrzygnięcie', value: 'rozstrzygnięcie nadzorcze', next: /^nadzorcz/ },
  { word: 'karta', value: 'karta usługi', next: /^uslug/ },
  { word: 'prognoza', value: 'prognoza oddziaływania na środowisko', next: /^oddzialywani/ },
  { word: 'projekt', value: 'projekt budowlany', next: /^(?:budowlan|zagospodarowania)/ },
  { word: 'warunki', value: 'decyzja o warunkach zabudowy', next: /^zabudowy/ },
  { word: 'dziennik', value: 'dziennik budowy', next: /^budowy/ },
  { word: 'opis', value: 'opis techniczny', next: /^techniczn/ },
];

/** Fold plus OCR confusions: i/j/l/1/|/! all look alike, 0→o, rn→m, vv→w. */
function skeleton(s: string): string {
  return fold(s).replace(/[ijl1|!]/g, 'i').replace(/0/g, 'o').replace(/rn/g, 'm').replace(/vv/g, 'w');
}

const ENDINGS = ['a', 'i', 'y', 'e', 'ę', 'ą', 'u', 'em', 'om', 'ami', 'ach', 'ów', 'ie', 'iu', 'iem', 'ia'];

/** Skeletons of inflected forms ("decyzji", "wniosku", "postanowienia"): not headings. */
function inflections(word: string): Set<string> {
  const base = skeleton(word);
  const stems = [word.slice(0, -1), word.slice(0, -2)];
  if (word.endsWith('ek')) stems.push(word.slice(0, -2) + 'k');
  const out = new Set<string>();
  for (const stem of stems) for (const e of ENDINGS) out.add(skeleton(stem + e));
  out.delete(base);
  return out;
}

const TYPE_KEYS = TYPES.map((t) => ({ ...t, key: skeleton(t.word), inflected: inflections(t.word) }));
/** Inflected forms of every type word: "zgłoszenia" is no OCR-damaged "ogłoszenie". */
const ANY_INFLECTED = new Set(TYPE_KEYS.flatMap((t) => [...t.inflected].filter((k) => !TYPE_KEYS.some((u) => u.key === k))));

export function matchType(word: string, nextWord: string): { value: string } | null {
  if (word.length > 30) return null;
  const key = skeleton(word);
  if (key.length < 4 || ANY_INFLECTED.has(key)) return null;
  const nextFolded = fold(nextWord);
  let best: { value: string; d: number; multi: boolean } | null = null;
  for (const t of TYPE_KEYS) {
    const max = t.key.length <= 5 ? 0 : t.key.length <= 9 ? 1 : 2;
    if (t.inflected.has(key)) continue;
    const d = editDistance(key, t.key, max);
    if (d > max) continue;
    if (t.next && !t.next.test(nextFolded)) continue;
    const multi = t.next !== undefined;
    // Prefer the closest; at equal distance prefer the multi-word type (more specific).
    if (!best || d < best.d || (d === best.d && multi && !best.multi)) best = { value: t.value, d, multi };
  }
  return best ? { value: best.value } : null;
}

/**
 * "odmawiam … pozwolenia na budowę": `lead`, then at most `gap` characters of the same clause
 * (none of `stops`), then `tail`. Matched by `findGapped` in one pass over the candidate starts,
 * not as one pattern with a lazy gap, which backtracks over every start on hostile text.
 */
interface Gapped {
  lead: RegExp;
  gap: number;
  stops: string;
  tail: RegExp;
}

const POZWOLENIE_NA_BUDOWE = /pozwoleni[a-z]*\s+na\s+budowe/y;
const POZWOLENIE_NA_ROZBIORKE = /pozwoleni[a-z]*\s+na\s+rozbiorke/y;

const DECISION_QUALIFIERS: [RegExp | Gapped, string][] = [
  [/o\s+odmowie\s+(?:ustalenia\s+)?warunk[a-z]*\s+zabudowy/, 'decyzja o odmowie ustalenia warunków zabudowy'],
  [{ lead: /o\s+odmowie\s/g, gap: 120, stops: ';', tail: POZWOLENIE_NA_BUDOWE }, 'decyzja o odmowie pozwolenia na budowę'],
  [/o\s+odmowie(?![a-z])/, 'decyzja o odmowie'],
  [/o\s+warunkach\s+zabudowy/, 'decyzja o warunkach zabudowy'],
  [/o\s+pozwoleniu\s+na\s+budowe/, 'decyzja o pozwoleniu na budowę'],
  [/o\s+pozwoleniu\s+na\s+rozbiorke/, 'decyzja o pozwoleniu na rozbiórkę'],
  [/o\s+ustaleniu\s+lokalizacji\s+inwestycji\s+celu\s+publicznego/, 'decyzja o ustaleniu lokalizacji inwestycji celu publicznego'],
  [/o\s+zezwoleniu\s+na\s+realizacje\s+inwestycji\s+drogowej/, 'decyzja o zezwoleniu na realizację inwestycji drogowej'],
  [/o\s+umorzeniu(?![a-z])/, 'decyzja o umorzeniu postępowania'],
  // An objection to a notification is issued as a decision; clerks file and look for it as "sprzeciw".
  [/o\s+wniesieniu\s+sprzeciwu/, 'sprzeciw'],
];

const OPERATIVE: [RegExp | Gapped, string][] = [
  [/odmawiam\s+(?:ustalenia\s+)?warunkow\s+zabudowy/, 'decyzja o odmowie ustalenia warunków zabudowy'],
  [{ lead: /odmawiam\s/g, gap: 200, stops: '.;', tail: POZWOLENIE_NA_BUDOWE }, 'decyzja o odmowie pozwolenia na budowę'],
  [{ lead: /udzielam\s/g, gap: 60, stops: '.;', tail: POZWOLENIE_NA_BUDOWE }, 'decyzja o pozwoleniu na budowę'],
  [{ lead: /udzielam\s/g, gap: 60, stops: '.;', tail: POZWOLENIE_NA_ROZBIORKE }, 'decyzja o pozwoleniu na rozbiórkę'],
  [/ustalam\s+warunki\s+zabudowy/, 'decyzja o warunkach zabudowy'],
  [/ustalam\s+lokalizacj[a-z]*\s+inwestycji\s+celu\s+publicznego/, 'decyzja o ustaleniu lokalizacji inwestycji celu publicznego'],
  [/umarzam\s+postepowanie/, 'decyzja o umorzeniu postępowania'],
  [/wnosze\s+sprzeciw/, 'sprzeciw'],
];

/** The first match of `rule` in `s`: where it starts and ends, or null. */
function findRule(rule: RegExp | Gapped, s: string): { index: number; end: number } | null {
  if (rule instanceof RegExp) {
    const m = rule.exec(s);
    return m ? { index: m.index, end: m.index + m[0].length } : null;
  }
  const { lead, gap, stops, tail } = rule;
  lead.lastIndex = 0;
  for (let m = lead.exec(s); m !== null; m = lead.exec(s)) {
    const from = m.index + m[0].length;
    const last = Math.min(s.length, from + gap);
    for (let i = from; i <= last; i++) {
      if (i > from && stops.includes(s[i - 1] ?? '')) break;
      tail.lastIndex = i;
      if (tail.test(s)) return { index: m.index, end: tail.lastIndex };
    }
    lead.lastIndex = m.index + 1;
  }
  return null;
}

const LETTER_SPACED = /(?:\p{L}[ ]{1,3}){3,30}\p{L}/uy;
const WORD = /\p{L}[\p{L}|!01]{0,40}/uy;
/** The next word, also on the next line where a line was wrapped. */
const NEXT_WORD = /[ \t]*(?:\r?\n[ \t]*)?([\p{L}\-]*)/uy;
const MAX_LINES = 40;
/** How many of the top lines may hold a heading not written in capitals. */
const WEAK_LINES = 12;
const MAX_CHARS = 4000;
/** Heading lines are read up to this length: a line of page text can be any length. */
const MAX_LINE_CHARS = 400;

interface Line {
  start: number;
  end: number;
}

function topLines(text: string): Line[] {
  const lines: Line[] = [];
  let pos = 0;
  while (pos < text.length && pos < MAX_CHARS && lines.length < MAX_LINES) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    if (text.slice(pos, end).trim() !== '') lines.push({ start: pos, end: Math.min(end, pos + MAX_LINE_CHARS) });
    pos = end + 1;
  }
  return lines;
}

interface Candidate {
  value: string;
  start: number;
  end: number;
  line: number;
}

/** The heading word of a line as a type, or null. `strong` = written in capitals. */
function lineCandidate(text: string, line: Line, index: number): (Candidate & { strong: boolean }) | null {
  const body = text.slice(line.start, line.end);
  const lead = body.search(/\p{L}/u);
  // A list item ("• Zgłoszenie zamiaru …", "1. Wniosek o …") is no heading.
  if (lead < 0 || lead > 4 || /[\p{N}\u2022\u00b7*]/u.test(body.slice(0, lead))) return null;
  const at = line.start + lead;
  LETTER_SPACED.lastIndex = at;
  const spaced = LETTER_SPACED.exec(text);
  if (spaced && spaced.index + spaced[0].length <= line.end) {
    // Try the longest run of spaced letters that spells a type ("D E C Y Z J A N r" → decyzja).
    const letters: { ch: string; end: number }[] = [];
    for (let i = 0; i < spaced[0].length; i++) {
      const ch = spaced[0][i] ?? ' ';
      if (ch !== ' ') letters.push({ ch, end: at + i + 1 });
    }
    // "D E C Y Z J A  Nr": the last letter starts an ordinary word, it is not spaced out.
    if (/\p{L}/u.test(text[at + spaced[0].length] ?? '')) letters.pop();
    for (let k = letters.length; k >= 4; k--) {
      const word = letters.slice(0, k).map((l) => l.ch).join('');
      const t = matchType(word, '');
      const upper = [...word].filter((c) => c !== c.toLowerCase()).length;
      // Spaced out alone on its line ("I n f o r m a c j a") it is a heading in any case.
      const alone = k === letters.length && text.slice(spaced.index + spaced[0].length, line.end).trim() === '';
      if (t && (upper * 10 >= word.length * 6 || alone)) {
        return { value: t.value, start: at, end: letters[k - 1]?.end ?? at, line: index, strong: true };
      }
    }
    return null;
  }
  WORD.lastIndex = at;
  const w = WORD.exec(text);
  if (!w) return null;
  const word = w[0];
  const end = at + word.length;
  NEXT_WORD.lastIndex = end;
  const next = NEXT_WORD.exec(text)?.[1] ?? '';
  const t = matchType(word, next);
  if (!t) return null;
  const letters = [...word].filter((c) => /\p{L}/u.test(c));
  const upper = letters.filter((c) => c !== c.toLowerCase()).length;
  const strong = upper * 10 >= letters.length * 6 && letters.length >= 4;
  const trimmed = body.trim();
  const weakOk = /^\p{Lu}/u.test(word) && trimmed.length <= 70 && !/[,:;]$/.test(trimmed);
  if (!strong && !weakOk) return null;
  return { value: t.value, start: at, end, line: index, strong };
}

/** Past-tense verbs by which a page reports an act someone issued or received. */
const REPORTED = /(?<![a-z])(?:wydal[aoy]?|wydano|otrzymal[aoy]?|otrzymano|podjal[aoy]?|podjela|podjeto|uchwalil[aoy]?|uchwalono|zostal[aoy]?\s+(?:wydan|podjet|doreczon)[a-z]*)(?![a-z])/;
/** How far into the paragraph after a title the report is looked for. */
const REPORT_CHARS = 250;

/**
 * True when the paragraph after a title-case heading line reports an act of the heading's own type
 * with a past-tense verb ("Decyzja środowiskowa" / "W dniu … RDOŚ wydał decyzję …"). An act names
 * its type in its heading and then states its basis or ruling; it does not recount its own issue,
 * so such a page is about the act, not the act itself.
 */
function reportsOwnType(text: string, line: Line, value: string): boolean {
  const stem = fold(value.split(' ')[0] ?? '').slice(0, 5);
  if (stem.length < 5) return false;
  const rest = fold(text.slice(line.end, line.end + REPORT_CHARS + 20)).replace(/^\s+/, '').slice(0, REPORT_CHARS);
  const verb = REPORTED.exec(rest);
  // An act opens with its legal basis; an earlier decision it recounts there is another act.
  if (!verb || /(?<![a-z])na\s+podstawie\s/.test(rest.slice(0, verb.index))) return false;
  // The type's stem as the start of a word after the verb ("wydał decyzję").
  const after = rest.slice(verb.index);
  for (let at = after.indexOf(stem); at >= 0; at = after.indexOf(stem, at + 1)) {
    if (at === 0 || !/[a-z]/.test(after[at - 1]!)) return true;
  }
  return false;
}

/** A line at least this long that runs on into the next is a paragraph wrapped at the margin. */
const WRAPPED_LINE_CHARS = 50;

/**
 * True when a line is a wrapped sentence, not a title: long, ending without punctuation, and the
 * next line goes on in lower case ("Skarga kasacyjna na decyzję Wojewody Małopolskiego w przedmiocie\n
 * sprzeciwu wobec …"). A short title that wraps ("Zgłoszenie robót budowlanych\nnie wymagających
 * pozwolenia") stays a title.
 */
function runsOn(text: string, line: Line, next: Line | undefined): boolean {
  if (!next) return false;
  const body = text.slice(line.start, line.end).trim();
  if (body.length < WRAPPED_LINE_CHARS || /[.:;!?)]$/.test(body)) return false;
  return /^\p{Ll}/u.test(text.slice(next.start, next.end).trimStart());
}

/** The document type from the heading of a (first) page, or null when there is no heading. */
export function findDocType(text: string): DocTypeFound | null {
  if (typeof text !== 'string' || text.length === 0) return null;
  const ruling = findCourtRulingType(text);
  if (ruling) {
    const lineStart = text.lastIndexOf('\n', ruling.start - 1) + 1;
    const heading = squash(text.slice(lineStart, Math.min(text.length, ruling.end, lineStart + 400))).slice(0, 160);
    return { value: ruling.value, start: ruling.start, end: ruling.end, heading, basis: 'heading' };
  }
  const lines = topLines(text);
  let chosen: Candidate | null = null;
  for (let i = 0; i < lines.length && !chosen; i++) {
    const line = lines[i];
    const c = line ? lineCandidate(text, line, i) : null;
    if (c?.strong) chosen = c;
  }
  // A title-case heading is one of the first lines; further down such a line opens a paragraph
  // ("Wniosek w postaci papierowej" in a service card's list of documents).
  for (let i = 0; i < Math.min(lines.length, WEAK_LINES) && !chosen; i++) {
    const line = lines[i];
    chosen = line ? lineCandidate(text, line, i) : null;
    if (chosen && line && reportsOwnType(text, line, chosen.value)) chosen = null;
    if (chosen && line && runsOn(text, line, lines[i + 1])) chosen = null;
  }
  if (!chosen) return null;
  const line = lines[chosen.line];
  if (!line) return null;
  const heading = squash(text.slice(line.start, line.end)).slice(0, 160);
  const result: DocTypeFound = { value: chosen.value, start: chosen.start, end: chosen.end, heading, basis: 'heading' };
  if (chosen.value !== 'decyzja') return result;

  // Qualifier in the heading: the rest of the line and up to two following title-like lines.
  let regionEnd = line.end;
  for (let j = chosen.line + 1; j <= chosen.line + 2; j++) {
    const l = lines[j];
    if (!l) break;
    const s = text.slice(l.start, l.end).trim();
    if (!/^(?:o\s|w\s+sprawie)/.test(fold(s)) && !/^\p{Lu}{2}[\s\p{Lu}\p{P}\d]*$/u.test(s)) break;
    regionEnd = l.end;
  }
  const region = fold(text.slice(chosen.end, regionEnd));
  for (const [rule, value] of DECISION_QUALIFIERS) {
    const q = findRule(rule, region);
    if (q) {
      result.value = value;
      result.end = chosen.end + q.end;
      return result;
    }
  }
  // Operative part ("… zatwierdzam projekt budowlany i udzielam pozwolenia na budowę …").
  const body = fold(text.slice(chosen.end, chosen.end + 8000));
  let firstAt = Infinity;
  for (const [rule, value] of OPERATIVE) {
    const o = findRule(rule, body);
    if (o && o.index < firstAt) {
      firstAt = o.index;
      result.value = value;
      result.basis = 'operative';
    }
  }
  return result;
}

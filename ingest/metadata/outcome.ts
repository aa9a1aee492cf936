/**
 * The outcome of a ruling, decision or supervisory act: the operative words of its sentencja
 * ("oddala skargę", "1. uchyla zaskarżoną decyzję oraz poprzedzającą ją decyzję …", "stwierdzam
 * nieważność uchwały Nr …", "postanawia: wstrzymać wykonanie zaskarżonej decyzji", "zatwierdzam
 * projekt … i udzielam pozwolenia na budowę"), or a court database's result line ("Oddalono skargę
 * kasacyjną", "Uchylono decyzję I i II instancji") when the sentencja does not show it.
 *
 * The value is a verb phrase in the third person present ("uchyla zaskarżoną decyzję", "stwierdza
 * nieważność uchwały w części", "udziela pozwolenia na budowę"). Only the sentencja counts: it
 * starts at its heading ("Sentencja") or the page's top and ends at the reasons ("Uzasadnienie");
 * the history the reasons tell ("Sąd I instancji oddalił skargę") is in the past tense or a
 * participle, which is never read. The operative words follow what leads to them ("po
 * rozpoznaniu", "na podstawie", "w przedmiocie", "orzeka:"); a rule quoted in the present tense
 * ("sąd oddala skargę, jeżeli …") is conditional and is not read either. Notices, resolutions and the letters of parties (an application,
 * an appeal, whose "wnoszę o uchylenie" is a request) have no outcome.
 */
import { clauseEnd, fold, type Found } from './common.js';

export interface OutcomeFound extends Found {
  /** 'sentencja' (the act's own words) or 'result' (a court database's result line). */
  basis: 'sentencja' | 'result';
}

/** Document types that state no outcome. */
const NO_OUTCOME = new Set([
  'obwieszczenie', 'zawiadomienie', 'ogłoszenie', 'informacja', 'karta usługi', 'uchwała', 'projekt uchwały',
  'prognoza oddziaływania na środowisko', 'wniosek', 'zgłoszenie', 'odwołanie', 'pełnomocnictwo', 'skarga', 'zażalenie',
  'oświadczenie', 'protokół', 'notatka służbowa', 'wezwanie', 'projekt budowlany', 'opis techniczny', 'dziennik budowy',
]);

type Lemma =
  | 'oddala' | 'uchyla' | 'stwierdza' | 'umarza' | 'odrzuca' | 'udziela' | 'odmawia' | 'zatwierdza'
  | 'wstrzymuje' | 'utrzymuje' | 'wnosi' | 'ustala' | 'okresla' | 'przekazuje';

/** Folded verb forms: third person, first person, infinitive, the databases' impersonal past. */
const FORMS: Record<Lemma, { present: string[]; infinitive: string; impersonal: string }> = {
  oddala: { present: ['oddala', 'oddalam'], infinitive: 'oddalic', impersonal: 'oddalono' },
  uchyla: { present: ['uchyla', 'uchylam'], infinitive: 'uchylic', impersonal: 'uchylono' },
  stwierdza: { present: ['stwierdza', 'stwierdzam'], infinitive: 'stwierdzic', impersonal: 'stwierdzono' },
  umarza: { present: ['umarza', 'umarzam'], infinitive: 'umorzyc', impersonal: 'umorzono' },
  odrzuca: { present: ['odrzuca', 'odrzucam'], infinitive: 'odrzucic', impersonal: 'odrzucono' },
  udziela: { present: ['udziela', 'udzielam'], infinitive: 'udzielic', impersonal: 'udzielono' },
  odmawia: { present: ['odmawia', 'odmawiam'], infinitive: 'odmowic', impersonal: 'odmowiono' },
  zatwierdza: { present: ['zatwierdza', 'zatwierdzam'], infinitive: 'zatwierdzic', impersonal: 'zatwierdzono' },
  wstrzymuje: { present: ['wstrzymuje'], infinitive: 'wstrzymac', impersonal: 'wstrzymano' },
  utrzymuje: { present: ['utrzymuje'], infinitive: 'utrzymac', impersonal: 'utrzymano' },
  wnosi: { present: ['wnosi', 'wnosze'], infinitive: 'wniesc', impersonal: 'wniesiono' },
  ustala: { present: ['ustala', 'ustalam'], infinitive: 'ustalic', impersonal: 'ustalono' },
  okresla: { present: ['okresla', 'okreslam'], infinitive: 'okreslic', impersonal: 'okreslono' },
  przekazuje: { present: ['przekazuje'], infinitive: 'przekazac', impersonal: 'przekazano' },
};

type Mood = 'present' | 'infinitive' | 'impersonal';
const FORM_INDEX = new Map<string, { lemma: Lemma; mood: Mood }>();
for (const [lemma, f] of Object.entries(FORMS) as [Lemma, (typeof FORMS)[Lemma]][]) {
  for (const p of f.present) FORM_INDEX.set(p, { lemma, mood: 'present' });
  FORM_INDEX.set(f.infinitive, { lemma, mood: 'infinitive' });
  FORM_INDEX.set(f.impersonal, { lemma, mood: 'impersonal' });
}
const VERB_RE = new RegExp(`(?<![a-z])(${[...FORM_INDEX.keys()].join('|')})(?![a-z])`, 'g');

/** An infinitive is operative right after "postanawia:" / "orzekam" and list markers. */
const DECIDES = /(?:postanawia|postanawiam|orzeka|orzekam|postanowil|orzekl)(?:[ \t]*:)?[\s\-–•]*(?:(?:\d{1,2}|[ivx]{1,4})[.)][\s\-–]*)?$/;
const SENTENCJA = /(?:^|\n)[ \t]*(?:Sentencja|SENTENCJA)(?:[ \t]*:)?[ \t]*(?:\n|$)/;
const REASONS = /(?:^|\n|[.;:])[ \t]*(?:Uzasadnienie|UZASADNIENIE)(?:[ \t]+(?:faktyczne|prawne))?(?:[ \t]*:)?[ \t]*(?:\n|(?<=[ \t])\p{Lu})/u;

const S = String.raw`[ \t\u00a0\r\n]+`;
/** Patterns read right after a verb or its object (module level: built once, checked by the ReDoS lint). */
const IN_PART = new RegExp(`^${S}w${S}czesci(?![a-z])`);
const NULLITY_WORD = new RegExp(`^${S}niewaznosc(?![a-z])`);
const IN_WHOLE = new RegExp(`(?<![a-z])w${S}calosci(?![a-z])`);
const PLEA_OBJ = new RegExp(`^${S}(skarg[aeiy](?:${S}kasacyjn[aeiy]j?)?|zazaleni[ea]|wniosek|wnioski|sprzeciw|odwolanie|powodztwo)(?![a-z])`);
const PROCEEDINGS_OBJ = new RegExp(`^${S}postepowani[ea](?:${S}(sadowe|administracyjne|kasacyjne|odwolawcze|zazaleniowe|egzekucyjne))?(?![a-z])`);
const EXECUTION_OBJ = new RegExp(`^${S}wykonani[ea]${S}(?:(zaskarzon[a-z]+)${S})?(decyzji|postanowienia|uchwaly|aktu|wyroku|nakazu|zarzadzenia)(?![a-z])`);
const UPHELD_OBJ = new RegExp(`^${S}w${S}mocy${S}(?:(zaskarzon[a-z]+)${S})?(decyzj[eai]|postanowienie)(?![a-z])`);
const PROJECT_OBJ = new RegExp(`^${S}(projekt[a-z]*${S}(?:budowlan[a-z]+|zagospodarowania${S}terenu|architektoniczno-budowlan[a-z]+|podzialu[a-z ]{0,20}))`);
const OBJECTION_OBJ = new RegExp(`^${S}sprzeciw(?![a-z])`);
const TERMS_OBJ = new RegExp(`^${S}(warunki${S}zabudowy|lokalizacje${S}inwestycji${S}celu${S}publicznego|srodowiskowe${S}uwarunkowania)(?![a-z])`);

interface Parsed {
  value: string;
  end: number;
  start?: number;
}

/** The noun of "uchyla …": its accusative as the value writes it. */
function actNoun(f: string): { noun: string; kind: 'f' | 'n' | 'm' } | null {
  if (/^decyzj/.test(f)) return { noun: 'decyzję', kind: 'f' };
  if (/^postanowieni/.test(f)) return { noun: 'postanowienie', kind: 'n' };
  if (/^wyrok/.test(f)) return { noun: 'wyrok', kind: 'm' };
  if (/^uchwal/.test(f)) return { noun: 'uchwałę', kind: 'f' };
  if (/^zarzadzeni/.test(f)) return { noun: 'zarządzenie', kind: 'n' };
  if (/^akt/.test(f)) return { noun: 'akt', kind: 'm' };
  if (/^nakaz/.test(f)) return { noun: 'nakaz', kind: 'm' };
  return null;
}

const ZASKARZONY: Record<'f' | 'n' | 'm', string> = { f: 'zaskarżoną', n: 'zaskarżone', m: 'zaskarżony' };
const PRECEDING: Record<'f' | 'n' | 'm', string> = { f: 'poprzedzającą ją', n: 'poprzedzające je', m: 'poprzedzający go' };

const UCHYLA_OBJ = new RegExp(
  `^${S}(?:w${S}(?:calosci|czesci)${S})?(?:(zaskarzon[aeyi])${S})?(decyzj[aeiy]|postanowieni[aeu]|wyrok[iu]?|uchwal[aeyi]|zarzadzeni[aeu]|akt(?:u|y)?|nakaz(?:u|y)?)(?![a-z])`,
);
const INSTANCES = new RegExp(`^${S}(?:i${S}i${S}ii|ii${S}i${S}i)${S}instancji(?![a-z])`);
const PRECEDING_RE = new RegExp(
  `^(?:[ \\t]*,)?${S}(oraz|i)${S}(?:(?:utrzyman[aey]${S}nia${S}w${S}mocy)|poprzedzaj[a-z]+${S}(?:ja|je|jej|go|jego)(?:${S}wydanie)?)${S}(decyzj[aeiy]|postanowieni[ae])(?![a-z])`,
);
const REFER_RE = new RegExp(
  String.raw`^[\s,;]*(?:w\s+calosci[\s,;]*)?(?:(?:oraz|i)(?![a-z])[\s\-–]*)?(?:(?:\d{1,2}|[ivx]{1,4})[.)][\s\-–]*)?` +
    String.raw`(?:przekazuje|przekazac|przekazano)\s+sprawe(?![a-z])[^;]{0,120}?do\s+ponownego\s+(rozpoznania|rozpatrzenia)(?![a-z])`,
);

function parseUchyla(text: string, f: string, at: number): Parsed | null {
  const m = UCHYLA_OBJ.exec(f.slice(at, at + 120));
  if (!m) return null;
  const noun = actNoun(m[2] ?? '');
  if (!noun) return null;
  let end = at + m[0].length;
  let value: string;
  const inst = INSTANCES.exec(f.slice(end, end + 40));
  if (inst && !m[1]) {
    value = `uchyla ${noun.kind === 'f' ? 'decyzje' : noun.kind === 'n' ? 'postanowienia' : noun.noun} I i II instancji`;
    end += inst[0].length;
  } else {
    value = `uchyla ${m[1] ? `${ZASKARZONY[noun.kind]} ` : ''}${noun.noun}`;
    const part = IN_PART.exec(f.slice(end, end + 30));
    if (part) {
      value += ' w części';
      end += part[0].length;
    }
    const pre = part ? null : PRECEDING_RE.exec(f.slice(end, end + 80));
    if (pre && m[1]) {
      const second = actNoun(pre[2] ?? '');
      if (second) {
        value += ` ${pre[1]} ${PRECEDING[second.kind]} ${second.noun}`;
        end += pre[0].length;
      }
    }
  }
  const refer = REFER_RE.exec(f.slice(end, end + 260));
  if (refer) {
    value += ` i przekazuje sprawę do ponownego ${refer[1] === 'rozpoznania' ? 'rozpoznania' : 'rozpatrzenia'}`;
    end += refer[0].length;
  } else {
    // "uchyla zaskarżony wyrok i oddala skargę": a second operative verb in the same point.
    const next = THEN_RE.exec(f.slice(end, end + 40));
    const hit = next ? FORM_INDEX.get(next[1] ?? '') : undefined;
    if (next && hit && hit.lemma !== 'uchyla' && hit.lemma !== 'przekazuje') {
      const second = parseObject(text, f, hit.lemma, end + next[0].length);
      if (second) {
        value += ` i ${second.value}`;
        end = second.end;
      }
    }
  }
  return { value, end };
}

const THEN_RE = /^[ \t\u00a0\r\n,]*(?:w[ \t\u00a0\r\n]+calosci[ \t\u00a0\r\n,]*)?(?:oraz|i)[ \t\u00a0\r\n]+([a-z]+)(?![a-z])/;

/** What makes a declared nullity partial: a part of the act named, "w części …", "w zakresie …". */
const PART_BEFORE = /(?:§|(?<![a-z])(?:pkt|ust|par|paragraf\w*|zalacznik\w*|rozdzial\w*|\d+)(?![a-z]))/;
const PART_AFTER = new RegExp(
  String.raw`(?<![a-z])w${S}(?:czesci(?:${S}(?:dotycz|obejmuj|tekstow|graficzn|w${S}jakiej|okresl|ustalaj|odnosz)|[ \t]*[:;,.])|zakresie(?:${S}(?:ustalen|dotycz|w${S}jakim|obejmuj)|[ \t]*:|${S}§))`,
);
const NULLITY_LEAD = new RegExp(`^${S}`);
const NULLITY_WHOLE = new RegExp(`^(w${S}calosci)${S}`);
const NULLITY_ACT = new RegExp(`^(?:(zaskarzon[a-z]+)${S})?(uchwaly|uchwal|decyzji|zarzadzenia|postanowienia|aktu|orzeczenia)(?![a-z])`);
/** The act after "stwierdza nieważność": [whole match, "w całości", words between, "zaskarżonej", the act's noun]. */
type NullityMatch = [string, string | undefined, string, string | undefined, string];

/**
 * The match `^S(?:(w S calosci)S)?([^;]{0,160}?)(?:(zaskarzon[a-z]+)S)?(act noun)(?![a-z])` would
 * give, read in the same order (with "w całości" first, then without; the shortest words between
 * first), in steps whose regular expressions have no counted repetition of an open class.
 */
function nullityObject(s: string): NullityMatch | null {
  const lead = NULLITY_LEAD.exec(s);
  if (!lead) return null;
  const p = lead[0].length;
  const whole = NULLITY_WHOLE.exec(s.slice(p));
  const starts: Array<[number, string | undefined]> = whole ? [[p + whole[0].length, whole[1]], [p, undefined]] : [[p, undefined]];
  for (const [q, w] of starts) {
    for (let e = q; e <= Math.min(s.length, q + 160); e++) {
      if (e > q && s[e - 1] === ';') break;
      const act = NULLITY_ACT.exec(s.slice(e));
      if (act) return [s.slice(0, e + act[0].length), w, s.slice(q, e), act[1], act[2] ?? ''];
    }
  }
  return null;
}
const NULLITY_NOUN: Record<string, string> = {
  uchwaly: 'uchwały', uchwal: 'uchwał', decyzji: 'decyzji', zarzadzenia: 'zarządzenia', postanowienia: 'postanowienia',
  aktu: 'aktu', orzeczenia: 'orzeczenia',
};

function parseNullity(text: string, f: string, at: number): Parsed | null {
  const n = NULLITY_WORD.exec(f.slice(at, at + 30));
  if (!n) return null;
  const from = at + n[0].length;
  const m = nullityObject(f.slice(from, from + 260));
  if (!m) return null;
  const between = m[2] ?? '';
  // A part of the act named before it ("§ 16 zaskarżonej uchwały", "1 pkt 1 i 2 uchwały"); an
  // act number or a date there is no part, but words of a sentence are no object either.
  if (/[a-z]{4,}/.test(between.replace(/(?<![a-z])(?:pkt|ust|par|lit|paragraf\w*|zalacznik\w*|oraz|tekstow\w*|graficzn\w*|czesci|nr|w|i)(?![a-z])/g, ''))) return null;
  const end = from + m[0].length;
  let value = `stwierdza nieważność ${NULLITY_NOUN[m[4] ?? ''] ?? 'uchwały'}`;
  const clause = f.slice(end, clauseEnd(text, end, 900));
  const whole = m[1] !== undefined || IN_WHOLE.test(clause);
  if (PART_BEFORE.test(between) || PART_AFTER.test(clause)) value += ' w części';
  else if (whole) value += ' w całości';
  return { value, end };
}

/** "pozwolenia na budowę", "zezwolenia na realizację inwestycji drogowej" (genitive, as the value keeps it). */
const PERMIT = new RegExp(`(?<![a-z])(pozwoleni[ae]|zezwoleni[ae])${S}na${S}([a-z]+)(?:${S}(inwestycji)${S}([a-z]+))?`, 'd');

function permitPhrase(text: string, f: string, from: number, limit: number): { phrase: string; end: number } | null {
  const to = Math.min(clauseEnd(text, from, limit), from + limit);
  const m = PERMIT.exec(f.slice(from, to));
  if (!m || !m.indices) return null;
  const noun = m[1]?.startsWith('pozw') ? 'pozwolenia' : 'zezwolenia';
  const road = m[2] === 'realizacje' && m[4] !== undefined;
  const last = road ? m.indices[4] : m.indices[2];
  if (!last) return null;
  const what = text.slice(from + (m.indices[2]?.[0] ?? 0), from + last[1]);
  return { phrase: `${noun} na ${squashLower(what)}`, end: from + last[1] };
}

function squashLower(s: string): string {
  return s.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** Words of a generic object ("odmawia wszczęcia postępowania"): lower-case words up to a stop. */
function genericObject(text: string, from: number, max: number): { words: string; end: number } | null {
  const re = /^[ \t\u00a0\r\n]+([\p{Ll}][\p{Ll}-]*)/u;
  let at = from;
  const words: string[] = [];
  while (words.length < max) {
    const m = re.exec(text.slice(at, at + 40));
    if (!m || !m[1]) break;
    const w = m[1];
    if (/^(?:dla|na|w|we|z|ze|od|do|przez|inwestorowi|pani|panu|pana|państwu|zgodnie|który|która|które|jako|po|tj)$/.test(w) && words.length > 0 && w !== 'na') break;
    if (w === 'na' && !/^(?:pozwolenia|zezwolenia|udzielenia)$/.test(words[words.length - 1] ?? '')) break;
    if (/\n[ \t]*\r?\n/.test(m[0])) break;
    words.push(w);
    at += m[0].length;
    // "… pozwolenia na budowę": the permit's object is one word.
    if (words[words.length - 2] === 'na' && /^(?:pozwolenia|zezwolenia)$/.test(words[words.length - 3] ?? '')) break;
  }
  if (words.length === 0) return null;
  return { words: words.join(' '), end: at };
}

function parseObject(text: string, f: string, lemma: Lemma, at: number): Parsed | null {
  const rest = f.slice(at, at + 200);
  switch (lemma) {
    case 'oddala':
    case 'odrzuca': {
      const m = PLEA_OBJ.exec(rest);
      if (!m) return null;
      const o = m[1] ?? '';
      const obj = o.startsWith('skarg') ? (o.includes('kasacyjn') ? 'skargę kasacyjną' : 'skargę') : o.startsWith('zazaleni') ? 'zażalenie' : o === 'odwolanie' ? 'odwołanie' : o === 'powodztwo' ? 'powództwo' : o;
      return { value: `${lemma} ${obj}`, end: at + m[0].length };
    }
    case 'uchyla':
      return parseUchyla(text, f, at);
    case 'stwierdza':
      return parseNullity(text, f, at);
    case 'umarza': {
      const m = PROCEEDINGS_OBJ.exec(rest);
      if (!m) return null;
      const adj = m[1] ? ` ${text.slice(at + m[0].length - m[1].length, at + m[0].length).toLowerCase()}` : '';
      return { value: `umarza postępowanie${adj}`, end: at + m[0].length };
    }
    case 'wstrzymuje': {
      const m = EXECUTION_OBJ.exec(rest);
      if (!m) return null;
      const noun = { decyzji: 'decyzji', postanowienia: 'postanowienia', uchwaly: 'uchwały', aktu: 'aktu', wyroku: 'wyroku', nakazu: 'nakazu', zarzadzenia: 'zarządzenia' }[m[2] as 'aktu'];
      const fem = m[2] === 'decyzji' || m[2] === 'uchwaly';
      return { value: `wstrzymuje wykonanie ${m[1] ? (fem ? 'zaskarżonej ' : 'zaskarżonego ') : ''}${noun}`, end: at + m[0].length };
    }
    case 'utrzymuje': {
      const m = UPHELD_OBJ.exec(rest);
      if (!m) return null;
      const noun = actNoun(m[2] ?? '');
      if (!noun) return null;
      return { value: `utrzymuje w mocy ${m[1] ? `${ZASKARZONY[noun.kind]} ` : ''}${noun.noun}`, end: at + m[0].length };
    }
    case 'udziela': {
      const p = permitPhrase(text, f, at, 400);
      return p ? { value: `udziela ${p.phrase}`, end: p.end } : null;
    }
    case 'zatwierdza': {
      // "zatwierdzam projekt … i udzielam pozwolenia na budowę": the permit is the outcome.
      const to = clauseEnd(text, at, 300);
      const grant = /(?<![a-z])(?:udzielam|udziela|udzielic)(?![a-z])/.exec(f.slice(at, to));
      if (grant) {
        const p = permitPhrase(text, f, at + grant.index + grant[0].length, 300);
        if (p) return { value: `udziela ${p.phrase}`, end: p.end };
      }
      const m = PROJECT_OBJ.exec(rest);
      return m ? { value: `zatwierdza ${squashLower(text.slice(at + m[0].length - (m[1] ?? '').length, at + m[0].length))}`, end: at + m[0].length } : null;
    }
    case 'odmawia': {
      const o = genericObject(text, at, 9);
      if (!o) return null;
      return { value: `odmawia ${o.words}`, end: o.end };
    }
    case 'wnosi': {
      const m = OBJECTION_OBJ.exec(rest);
      return m ? { value: 'wnosi sprzeciw', end: at + m[0].length } : null;
    }
    case 'ustala':
    case 'okresla': {
      const m = TERMS_OBJ.exec(rest);
      const verb = lemma === 'ustala' ? 'ustala' : 'określa';
      return m ? { value: `${verb} ${squashLower(text.slice(at + m[0].length - (m[1] ?? '').length, at + m[0].length))}`, end: at + m[0].length } : null;
    }
    case 'przekazuje':
      return null;
  }
}

/** What stands before the operative words of a ruling or decision. */
const DECIDING = /(?:po\s+rozpoznaniu|po\s+rozpatrzeniu|ze\s+skargi|w\s+przedmiocie|na\s+podstawie|dzialajac|postanawia|orzeka|w\s+skladzie|w\s+sprawie)/;
const CONDITIONAL = /,\s*(?:jezeli|jesli|gdy|gdyz|o\s+ile|w\s+przypadku|chyba\s+ze)(?![a-z])/;

/** "skargę oddala": the object written before the verb. */
const OBJECT_BEFORE = new RegExp(`(?<![a-z])(skarg[ae](?:${S}kasacyjn[aą])?)${S}$`);

function operative(text: string, f: string, from: number, to: number, moods: Mood[], lineStart: boolean): (OutcomeFound & { at: number }) | null {
  // Where the first words that lead to a decision stand (searched once: the zone may be long).
  const lead = lineStart ? null : DECIDING.exec(f.slice(from, to));
  const decidingAt = lead ? from + lead.index + lead[0].length : Infinity;
  VERB_RE.lastIndex = from;
  for (let m = VERB_RE.exec(f); m !== null && m.index < to; m = VERB_RE.exec(f)) {
    const hit = FORM_INDEX.get(m[1] ?? '');
    if (!hit || !moods.includes(hit.mood)) continue;
    const at = m.index;
    if (hit.mood === 'infinitive' && !DECIDES.test(f.slice(Math.max(0, at - 60), at))) continue;
    // A ruling or decision states its grounds or the case before deciding; a rule quoted in the
    // present tense ("sąd oddala skargę, jeżeli …") is conditional.
    if (!lineStart && at < decidingAt) continue;
    if (!lineStart && CONDITIONAL.test(f.slice(at, clauseEnd(text, at, 200)))) continue;
    if (lineStart && !/(?:^|\n)[ \t]*$/.test(f.slice(Math.max(0, at - 20), at))) continue;
    const end = at + m[0].length;
    let parsed = parseObject(text, f, hit.lemma, end);
    let start = at;
    if (!parsed && (hit.lemma === 'oddala' || hit.lemma === 'odrzuca')) {
      const before = OBJECT_BEFORE.exec(f.slice(Math.max(0, at - 40), at));
      if (before) {
        start = at - before[0].length;
        parsed = { value: `${hit.lemma} ${before[1]?.includes('kasacyjn') ? 'skargę kasacyjną' : 'skargę'}`, end };
      }
    }
    if (parsed) return { value: parsed.value, start, end: parsed.end, basis: lineStart ? 'result' : 'sentencja', at };
  }
  return null;
}

/** True when the page holds the heading of the reasons: the operative part is behind it. */
export function reachesReasons(text: string): boolean {
  return typeof text === 'string' && REASONS.test(text);
}

/** The outcome of the page's document, or null (a notice, a resolution, no operative words). */
export function findOutcome(text: string, docType: string | null = null): OutcomeFound | null {
  if (typeof text !== 'string' || text.trim() === '') return null;
  if (docType && NO_OUTCOME.has(docType)) return null;
  const f = fold(text);
  const head = SENTENCJA.exec(text);
  const from = head ? head.index + head[0].length : 0;
  const reasons = REASONS.exec(text.slice(from));
  const to = reasons ? from + reasons.index : text.length;
  const found = operative(text, f, from, to, ['present', 'infinitive'], false);
  if (found) return strip(found);
  // A court database's result line above the sentencja ("Treść wyniku: Oddalono skargę").
  const result = operative(text, f, 0, head ? head.index : Math.min(text.length, 1500), ['impersonal'], true);
  return result ? strip(result) : null;
}

function strip(o: OutcomeFound & { at: number }): OutcomeFound {
  return { value: o.value, start: o.start, end: o.end, basis: o.basis };
}

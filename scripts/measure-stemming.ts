/**
 * How well one typed form of a Polish word finds the other forms of the same word in archive text,
 * and how many unrelated words it drags in, for several ways of expanding a query word.
 *
 *   node dist/scripts/measure-stemming.js [GROUND_TRUTH.json ...] [--db kwerenda.db] [--retrieval]
 *
 * Gold standard: hand-written paradigms (every case form, singular and plural) of words the
 * department's documents and questions use — not derived from any of the stemmers measured. Only
 * families with at least two different forms in the text count ("inflected families found in the
 * text"). For every form of such a family that occurs (and for its dictionary form, which clerks
 * type most), the query is that one form: recall = share of the family's occurrences its forms
 * match; unrelated = word types outside the family that its forms also match (over-stemming).
 * Words are compared as the word index sees them: folded (lower case, diacritics and ł stripped).
 *
 * With --retrieval, also the effect on search: the evaluation questions (scripts/eval/questions.ts)
 * read by readQuestion, their keyword step run over an FTS5 index of each document's clean text
 * (AND, then OR when under 10 hits, as the executor does), recall@10 per question kind — with the
 * words as typed, with polish.ts forms, and with the thesaurus added.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import { fold } from '../ingest/metadata/common.js';
import { foldForIndex } from '../ingest/text/fold.js';
import { readQuestion } from '../server/agent/question.js';
import { thesaurusExpander } from '../server/agent/thesaurus.js';
import { keywordQuery, tokenize, wordForms } from '../server/search/polish.js';
import type { KeywordQuery, TermForm } from '../server/domain/types.js';
import type { GroundTruth } from '../fixtures/ground-truth.js';
import { buildQuestions } from './eval/questions.js';

const require = createRequire(import.meta.url);
const { StemmerPl } = require('@nlpjs/lang-pl') as { StemmerPl: new () => { stemWord(w: string): string } };
const nlp = new StemmerPl();

const ADJ = ['y', 'ego', 'emu', 'ym', 'a', 'ej', 'ą', 'e', 'i', 'ych', 'ymi'];
const adj = (stem: string, masculinePersonal: string): string =>
  [...ADJ.map((e) => stem + e), masculinePersonal].join(' ');

/** Dictionary form first. */
const PARADIGMS: string[] = [
  'decyzja decyzji decyzję decyzją decyzjo decyzje decyzjom decyzjami decyzjach',
  'pozwolenie pozwolenia pozwoleniu pozwoleniem pozwoleń pozwoleniom pozwoleniami pozwoleniach',
  'działka działki działce działkę działką działko działek działkom działkami działkach',
  'wniosek wniosku wnioskowi wnioskiem wnioski wniosków wnioskom wnioskami wnioskach',
  'budowa budowy budowie budowę budową budowo budów budowom budowami budowach',
  'rozbudowa rozbudowy rozbudowie rozbudowę rozbudową rozbudów rozbudowom rozbudowami rozbudowach',
  'nadbudowa nadbudowy nadbudowie nadbudowę nadbudową nadbudów nadbudowom nadbudowami nadbudowach',
  'przebudowa przebudowy przebudowie przebudowę przebudową przebudów przebudowom przebudowami przebudowach',
  'zabudowa zabudowy zabudowie zabudowę zabudową zabudów zabudowom zabudowami zabudowach',
  'odmowa odmowy odmowie odmowę odmową odmów odmowom odmowami odmowach',
  'Leśnica Leśnicy Leśnicę Leśnicą Leśnico',
  'Oporów Oporowa Oporowowi Oporowem Oporowie',
  'Krzyki Krzyków Krzykom Krzykami Krzykach',
  'Biskupin Biskupina Biskupinowi Biskupinem Biskupinie',
  'Sępolno Sępolna Sępolnu Sępolnem Sępolnie',
  'Jagodno Jagodna Jagodnu Jagodnem Jagodnie',
  'Klecina Kleciny Klecinie Klecinę Kleciną',
  'Ołtaszyn Ołtaszyna Ołtaszynowi Ołtaszynem Ołtaszynie',
  'Wrocław Wrocławia Wrocławiowi Wrocławiem Wrocławiu',
  'obręb obrębu obrębowi obrębem obrębie obręby obrębów obrębom obrębami obrębach',
  'inwestor inwestora inwestorowi inwestorem inwestorze inwestorzy inwestorów inwestorom inwestorami inwestorach',
  'inwestycja inwestycji inwestycję inwestycją inwestycje inwestycjom inwestycjami inwestycjach',
  'warunek warunku warunkowi warunkiem warunki warunków warunkom warunkami warunkach',
  'sprawa sprawy sprawie sprawę sprawą spraw sprawom sprawami sprawach',
  'projekt projektu projektowi projektem projekcie projekty projektów projektom projektami projektach',
  'budynek budynku budynkowi budynkiem budynki budynków budynkom budynkami budynkach',
  'postanowienie postanowienia postanowieniu postanowieniem postanowień postanowieniom postanowieniami postanowieniach',
  'zgłoszenie zgłoszenia zgłoszeniu zgłoszeniem zgłoszeń zgłoszeniom zgłoszeniami zgłoszeniach',
  'zawiadomienie zawiadomienia zawiadomieniu zawiadomieniem zawiadomień zawiadomieniom zawiadomieniami zawiadomieniach',
  'postępowanie postępowania postępowaniu postępowaniem postępowań postępowaniom postępowaniami postępowaniach',
  'uzasadnienie uzasadnienia uzasadnieniu uzasadnieniem uzasadnień uzasadnieniom uzasadnieniami uzasadnieniach',
  'odwołanie odwołania odwołaniu odwołaniem odwołań odwołaniom odwołaniami odwołaniach',
  'sprzeciw sprzeciwu sprzeciwowi sprzeciwem sprzeciwie sprzeciwy sprzeciwów sprzeciwom sprzeciwami sprzeciwach',
  'pełnomocnictwo pełnomocnictwa pełnomocnictwu pełnomocnictwem pełnomocnictwie pełnomocnictw pełnomocnictwom pełnomocnictwami pełnomocnictwach',
  'pełnomocnik pełnomocnika pełnomocnikowi pełnomocnikiem pełnomocniku pełnomocnicy pełnomocników pełnomocnikom pełnomocnikami pełnomocnikach',
  'protokół protokołu protokołowi protokołem protokole protokoły protokołów protokołom protokołami protokołach',
  'oględziny oględzin oględzinom oględzinami oględzinach',
  'ulica ulicy ulicę ulicą ulico ulice ulic ulicom ulicami ulicach',
  'plan planu planowi planem planie plany planów planom planami planach',
  'organ organu organowi organem organie organy organów organom organami organach',
  'strona strony stronie stronę stroną strono stron stronom stronami stronach',
  'teren terenu terenowi terenem terenie tereny terenów terenom terenami terenach',
  'termin terminu terminowi terminem terminie terminy terminów terminom terminami terminach',
  'robota roboty robocie robotę robotą robót robotom robotami robotach',
  'dom domu domowi domem domie domy domów domom domami domach',
  'zgoda zgody zgodzie zgodę zgodą zgodo zgód zgodom zgodami zgodach',
  'droga drogi drodze drogę drogą drogo dróg drogom drogami drogach',
  'granica granicy granicę granicą granice granic granicom granicami granicach',
  'ustawa ustawy ustawie ustawę ustawą ustaw ustawom ustawami ustawach',
  'przepis przepisu przepisowi przepisem przepisie przepisy przepisów przepisom przepisami przepisach',
  'kodeks kodeksu kodeksowi kodeksem kodeksie kodeksy kodeksów kodeksom kodeksami kodeksach',
  'prezydent prezydenta prezydentowi prezydentem prezydencie prezydenci prezydentów prezydentom prezydentami prezydentach',
  'urząd urzędu urzędowi urzędem urzędzie urzędy urzędów urzędom urzędami urzędach',
  'wydział wydziału wydziałowi wydziałem wydziale wydziały wydziałów wydziałom wydziałami wydziałach',
  'dokument dokumentu dokumentowi dokumentem dokumencie dokumenty dokumentów dokumentom dokumentami dokumentach',
  'obiekt obiektu obiektowi obiektem obiekcie obiekty obiektów obiektom obiektami obiektach',
  'garaż garażu garażowi garażem garaże garaży garażom garażami garażach',
  'właściciel właściciela właścicielowi właścicielem właścicielu właściciele właścicieli właścicielom właścicielami właścicielach',
  'nieruchomość nieruchomości nieruchomością nieruchomościom nieruchomościami nieruchomościach',
  'powierzchnia powierzchni powierzchnię powierzchnią powierzchnio powierzchnie powierzchniom powierzchniami powierzchniach',
  'opłata opłaty opłacie opłatę opłatą opłat opłatom opłatami opłatach',
  'dzień dnia dniowi dniem dniu dni dniom dniami dniach',
  adj('mieszkaln', 'mieszkalni'),
  adj('jednorodzinn', 'jednorodzinni'),
  adj('wielorodzinn', 'wielorodzinni'),
  adj('budowlan', 'budowlani'),
  adj('ostateczn', 'ostateczni'),
  adj('miejscow', 'miejscowi'),
  adj('przestrzenn', 'przestrzenni'),
  adj('administracyjn', 'administracyjni'),
  adj('gospodarcz', 'gospodarczy'),
  'sąsiedni sąsiedniego sąsiedniemu sąsiednim sąsiednia sąsiedniej sąsiednią sąsiednie sąsiednich sąsiednimi',
];

interface Method {
  name: string;
  note: string;
  forms(word: string): TermForm[];
}

const prefixOrExact = (word: string, p: string, min: number): TermForm[] =>
  p.length >= min && p !== fold(word) ? [{ text: fold(word) }, { text: p, prefix: true }] : [{ text: fold(word) }];

const METHODS: Method[] = [
  { name: 'exact', note: 'the typed form only', forms: (w) => [{ text: fold(w) }] },
  { name: 'nlp.js as typed', note: 'StemmerPl on the word as typed, stem folded; prefix ≥ 4',
    forms: (w) => prefixOrExact(w, fold(nlp.stemWord(w)), 4) },
  { name: 'nlp.js folded', note: 'StemmerPl on the folded word; prefix ≥ 4', forms: (w) => prefixOrExact(w, nlp.stemWord(fold(w)), 4) },
  { name: 'truncate 5', note: 'first 5 letters as prefix', forms: (w) => prefixOrExact(w, fold(w).slice(0, 5), 5) },
  { name: 'truncate 6', note: 'first 6 letters as prefix', forms: (w) => prefixOrExact(w, fold(w).slice(0, 6), 6) },
  { name: 'drop 2', note: 'word minus its last 2 letters, prefix ≥ 4',
    forms: (w) => prefixOrExact(w, fold(w).slice(0, Math.max(4, w.length - 2)), 4) },
  { name: 'polish.ts (4)', note: 'wordForms, prefix ≥ 4', forms: (w) => wordForms(w, 4) },
  { name: 'polish.ts (5)', note: 'wordForms, prefix ≥ 5', forms: (w) => wordForms(w, 5) },
  { name: 'polish.ts (6)', note: 'wordForms, prefix ≥ 6', forms: (w) => wordForms(w, 6) },
];

function countWords(texts: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of texts) {
    for (const m of fold(t).matchAll(/[\p{L}\p{N}]+/gu)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  }
  return counts;
}

function matches(token: string, forms: TermForm[]): boolean {
  return forms.some((f) => (f.prefix ? token.startsWith(f.text) : token === f.text));
}

interface Row {
  method: string;
  recallAny: number;
  recallLemma: number;
  unrelatedTypes: number;
  precision: number;
  forms: number;
}

function measure(corpus: Map<string, number>, label: string): string {
  const families = PARADIGMS.map((p) => {
    const forms = p.split(' ');
    const folded = new Set(forms.map((f) => fold(f)));
    const occ = [...folded].reduce((s, f) => s + (corpus.get(f) ?? 0), 0);
    const present = forms.filter((f, i) => forms.findIndex((g) => fold(g) === fold(f)) === i && (corpus.get(fold(f)) ?? 0) > 0);
    return { lemma: forms[0] as string, forms, folded, occ, present };
  }).filter((f) => f.present.length >= 2);
  const types = [...corpus.entries()];
  const rows: Row[] = [];
  const worst: Record<string, string[]> = {};
  for (const m of METHODS) {
    let recallAny = 0;
    let nAny = 0;
    let recallLemma = 0;
    let unrelatedTypes = 0;
    let nQueries = 0;
    let hitFamily = 0;
    let hitOther = 0;
    let formCount = 0;
    const over: { q: string; words: string[] }[] = [];
    for (const fam of families) {
      const queries = [...new Set([fam.lemma, ...fam.present])];
      for (const q of queries) {
        const forms = m.forms(q);
        let inFamily = 0;
        const others: [string, number][] = [];
        for (const [tok, n] of types) {
          if (!matches(tok, forms)) continue;
          if (fam.folded.has(tok)) inFamily += n;
          else others.push([tok, n]);
        }
        const recall = inFamily / fam.occ;
        if (q === fam.lemma) recallLemma += recall;
        if (fam.present.includes(q)) {
          recallAny += recall;
          nAny++;
        }
        nQueries++;
        formCount += forms.length;
        unrelatedTypes += others.length;
        hitFamily += inFamily;
        hitOther += others.reduce((s, [, n]) => s + n, 0);
        if (others.length > 0) over.push({ q, words: others.sort((a, b) => b[1] - a[1]).map(([t]) => t) });
      }
    }
    rows.push({
      method: m.name,
      recallAny: recallAny / nAny,
      recallLemma: recallLemma / families.length,
      unrelatedTypes: unrelatedTypes / nQueries,
      precision: hitFamily / (hitFamily + hitOther),
      forms: formCount / nQueries,
    });
    worst[m.name] = over.sort((a, b) => b.words.length - a.words.length).slice(0, 6)
      .map((o) => `${o.q} → ${o.words.length} (${o.words.slice(0, 6).join(', ')}${o.words.length > 6 ? ', …' : ''})`);
  }
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
  const lines = [
    `### ${label}`,
    '',
    `${[...corpus.values()].reduce((a, b) => a + b, 0)} words, ${corpus.size} distinct; ${families.length} of ${PARADIGMS.length} families occur in two or more forms.`,
    '',
    '| method | recall, any form typed | recall, dictionary form typed | unrelated word types per query | precision of matched occurrences | forms per query |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.method} | ${pct(r.recallAny)} | ${pct(r.recallLemma)} | ${r.unrelatedTypes.toFixed(2)} | ${pct(r.precision)} | ${r.forms.toFixed(1)} |`),
    '',
    'Largest over-stemming (query → unrelated word types it also matches):',
    '',
  ];
  for (const name of ['nlp.js folded', 'truncate 5', 'polish.ts (6)']) {
    lines.push(`- ${name}: ${(worst[name] ?? []).slice(0, 4).join('; ') || 'none'}`);
  }
  return lines.join('\n');
}

function groundTruthTexts(path: string): string[] {
  const gt = JSON.parse(fs.readFileSync(path, 'utf8')) as { files: { pages: { text: string }[] }[] };
  return gt.files.flatMap((f) => f.pages.map((p) => p.text));
}

function dbTexts(path: string): string[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT text FROM pages').all() as { text: string }[]).map((r) => r.text);
  } finally {
    db.close();
  }
}

/** Keyword-step recall@10 per question kind, over an FTS5 index of the documents' clean text. */
function retrieval(path: string): string {
  const gt = JSON.parse(fs.readFileSync(path, 'utf8')) as GroundTruth;
  const db = new Database(':memory:');
  db.exec("CREATE VIRTUAL TABLE t USING fts5(sha, text, tokenize='unicode61 remove_diacritics 2')");
  const ins = db.prepare('INSERT INTO t(sha, text) VALUES (?, ?)');
  for (const f of gt.files) ins.run(f.sha256, foldForIndex(f.pages.map((p) => p.text).join('\n')));
  const quote = (f: TermForm): string => `"${foldForIndex(f.text).replace(/"/g, '""')}"${f.prefix ? '*' : ''}`;
  const top10 = (q: KeywordQuery): string[] => {
    const terms = q.terms.filter((t) => t.forms.length > 0).map((t) => `(${t.forms.map(quote).join(' OR ')})`);
    const go = (op: string): string[] => terms.length === 0 ? [] :
      (db.prepare('SELECT sha FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT 10').all(terms.join(op)) as { sha: string }[]).map((r) => r.sha);
    const hits = go(' AND ');
    if (hits.length < 10 && terms.length > 1) for (const h of go(' OR ')) if (!hits.includes(h)) hits.push(h);
    return hits.slice(0, 10);
  };
  const asTyped = (text: string): KeywordQuery => ({
    match: 'all',
    terms: tokenize(text).map((t) => ({ forms: [{ text: t.kind === 'signature' ? (t.value ?? t.text) : fold(t.text) }] })),
  });
  const methods: [string, (text: string) => KeywordQuery][] = [
    ['words as typed', asTyped],
    ['polish.ts forms', (t) => keywordQuery(t, 'all')],
    ['+ thesaurus', (t) => keywordQuery(t, 'all', { expand: thesaurusExpander })],
  ];
  const sums = new Map<string, number[]>();
  const questions = buildQuestions(gt).filter((q) => q.relevant.length > 0);
  for (const q of questions) {
    const f = readQuestion(q.question);
    const text = [...f.caseNumbers, ...f.parcels.map((p) => p.number), ...f.addresses, ...f.investors, ...f.words].join(' ');
    methods.forEach(([, make], i) => {
      const hits = top10(make(text || q.question)).filter((h) => !q.neutral.includes(h));
      const recall = hits.filter((h) => q.relevant.includes(h)).length / Math.min(q.relevant.length, 10);
      for (const key of [q.kind, 'all']) {
        const row = sums.get(key) ?? [0, 0, 0, 0];
        row[i] = (row[i] ?? 0) + recall;
        if (i === 0) row[3] = (row[3] ?? 0) + 1;
        sums.set(key, row);
      }
    });
  }
  db.close();
  return [
    `### keyword step, recall@10 on clean text: ${path}`,
    '',
    `| kind | questions | ${methods.map(([n]) => n).join(' | ')} |`,
    '|---|---|---|---|---|',
    ...[...sums.entries()].sort(([a], [b]) => Number(a === 'all') - Number(b === 'all')).map(([k, r]) => `| ${k} | ${r[3]} | ${r.slice(0, 3).map((v) => (v / (r[3] ?? 1)).toFixed(3)).join(' | ')} |`),
  ].join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const gts: string[] = [];
  const dbs: string[] = [];
  let withRetrieval = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--db') dbs.push(args[++i] ?? '');
    else if (args[i] === '--retrieval') withRetrieval = true;
    else gts.push(args[i] ?? '');
  }
  if (gts.length === 0 && dbs.length === 0) gts.push('fixtures/sample.ground-truth.json');
  const out: string[] = ['## Polish query-word expansion', ''];
  out.push('nlp.js StemmerPl strips ASCII endings only and is case-sensitive: ' +
    ['decyzję', 'rozbudowę', 'DECYZJA', 'działce', 'budowy', 'odmowa'].map((w) => `${w} → ${nlp.stemWord(w)} (folded: ${nlp.stemWord(fold(w))})`).join(', ') + '.', '');
  for (const g of gts) out.push(measure(countWords(groundTruthTexts(g)), `ground truth: ${g}`), '');
  for (const d of dbs) out.push(measure(countWords(dbTexts(d)), `stored page text (OCR / text layer): ${d}`), '');
  if (withRetrieval) for (const g of gts) out.push(retrieval(g), '');
  process.stdout.write(`${out.join('\n')}\n`);
}

main();

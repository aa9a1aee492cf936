/**
 * Search benchmark for the SQLite backend: synthetic Polish-like archives of 10k and 100k chunks,
 * 384-d vectors from the offline HashingEmbedder (the default install's embedder) of each chunk's
 * text, written through Archive exactly as ingestion writes them. Measures p50/p95 of keyword
 * (all, any, substring, filtered), vector (int8 in-memory index, unfiltered and filtered; sqlite-vec
 * exact kNN for comparison), metadata lookups and the hybrid keyword + vector + RRF, plus recall@10
 * of the int8 index against exact cosine kNN. Archives are built once into the temp dir and reused.
 *
 *   npx tsc -p tsconfig.json && node dist/scripts/bench-search.js [--quick] [--sizes=10000,100000] [--queries=200]
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HashingEmbedder } from '../ingest/embed.js';
import { chunkPages } from '../ingest/text/chunk.js';
import type { MetaValue } from '../ingest/types.js';
import { rrf } from '../server/domain/rrf.js';
import { UNRESTRICTED_VIEWER, type KeywordQuery, type SearchFilters } from '../server/domain/types.js';
import { keywordQuery } from '../server/search/polish.js';
import { SqliteSearchBackend } from '../server/search/sqlite/sqlite-backend.js';
import { RulesPlanner } from '../server/agent/rules-planner.js';
import { silentLogger } from '../server/log.js';
import { AgentService } from '../server/services/agent.service.js';
import { AuditLog } from '../server/store/audit-log.js';
import { Searches } from '../server/store/searches.js';
import { cliOperator } from '../server/store/users.js';
import { Archive } from '../server/store/archive.js';
import { ensureVectorTable, openDb, type Db } from '../server/store/db.js';

const GENERATOR = 'v1'; // bump when the generated archive changes
const embedder = new HashingEmbedder();

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const TYPES = ['decyzja o pozwoleniu na budowę', 'decyzja o odmowie pozwolenia na budowę', 'decyzja o warunkach zabudowy',
  'postanowienie', 'wniosek', 'zawiadomienie', 'zgłoszenie', 'sprzeciw', 'protokół', 'pełnomocnictwo'];
const PRECINCTS = ['Oporów', 'Leśnica', 'Krzyki', 'Klecina', 'Stare Miasto', 'Biskupin', 'Psie Pole', 'Pracze Odrzańskie',
  'Muchobór Wielki', 'Zakrzów', 'Sołtysowice', 'Brochów', 'Gądów Mały', 'Żerniki', 'Księże Małe', 'Swojczyce'];
const OBJECTS = ['budynku mieszkalnego jednorodzinnego', 'garażu dwustanowiskowego', 'wiaty śmietnikowej', 'ogrodzenia posesji',
  'stacji bazowej telefonii komórkowej', 'zjazdu z drogi publicznej', 'budynku usługowego', 'budynku gospodarczego',
  'instalacji fotowoltaicznej', 'przyłącza kanalizacyjnego', 'lokalu użytkowego', 'budynku wielorodzinnego z garażem podziemnym'];
const ACTIONS = ['budowę', 'rozbudowę', 'przebudowę', 'nadbudowę', 'rozbiórkę', 'zmianę sposobu użytkowania'];
const STREETS = ['Jeździecka', 'Ślężna', 'Łąkowa', 'Kuźnicza', 'Grabiszyńska', 'Legnicka', 'Żmigrodzka', 'Strzegomska', 'Krzycka'];
const COMMON = ('na podstawie art ustawy z dnia prawo budowlane kodeksu postępowania administracyjnego organ strona stronom ' +
  'inwestor inwestora wniosek wniosku decyzji decyzja projekt budowlany zagospodarowania terenu działki działce nr obręb ' +
  'przepisów technicznych warunków planu miejscowego ustaleniami zgodnie z oraz w terminie dni od doręczenia odwołanie ' +
  'postępowanie sprawy dokumentacji uzupełnienia braków formalnych pełnomocnika opłaty skarbowej zaświadczenie mapy ' +
  'kierownika robót nadzoru inspektora dziennika budowy elewacji dachu kondygnacji wysokości powierzchni zabudowy linii ' +
  'wskaźnika intensywności biologicznie czynnej miejsc postojowych dostępu drogi publicznej sieci uzbrojenia').split(' ');
const QUERY_WORDS = ['rozbudowa', 'garażu', 'odmowa', 'pozwolenia', 'wiaty', 'ogrodzenia', 'stacji bazowej', 'zjazdu',
  'fotowoltaicznej', 'nadbudowa', 'rozbiórki', 'użytkowania', 'elewacji', 'kanalizacyjnego', 'usługowego', 'Leśnica',
  'Oporów', 'Krzyki', 'wielorodzinnego', 'gospodarczego', 'warunków zabudowy', 'miejsc postojowych', 'sprzeciw'];

interface Vocab { words: string[] }
function vocabulary(r: () => number): Vocab {
  const syl = ['ka', 'ro', 'wi', 'ła', 'nie', 'prze', 'sta', 'czy', 'dzi', 'rze', 'ość', 'ów', 'ego', 'ach', 'ny', 'ski', 'wy', 'zo', 'mi', 'ną', 'ję', 'ść'];
  const words = [...COMMON];
  while (words.length < 20_000) {
    let w = '';
    for (let i = 0, n = 2 + Math.floor(r() * 3); i < n; i++) w += syl[Math.floor(r() * syl.length)];
    words.push(w);
  }
  return { words };
}
/** Zipf-like: a few words everywhere, a long tail of rare ones. */
const zipfWord = (r: () => number, v: Vocab) => v.words[Math.min(v.words.length - 1, Math.floor(Math.exp(r() * Math.log(v.words.length + 1))) - 1)]!;
const pick = <T>(r: () => number, a: readonly T[]): T => a[Math.floor(r() * a.length)]!;

interface GenDoc { sha: string; type: string; date: string | null; sig: string; pages: string[]; parcel: string; precinct: string }

function generateDocument(r: () => number, v: Vocab, n: number): GenDoc {
  const type = pick(r, TYPES);
  const year = 2005 + Math.floor(r() * 19);
  const date = r() < 0.1 ? null : `${year}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
  const sig = `WUA-ZRB.6740.1.${n}.${year}`;
  const parcel = `${1 + Math.floor(r() * 900)}/${1 + Math.floor(r() * 30)}`;
  const precinct = pick(r, PRECINCTS);
  const sentence = () => {
    const s = r();
    if (s < 0.25) return `Inwestor wnosi o ${pick(r, ACTIONS)} ${pick(r, OBJECTS)} na działce nr ${parcel}, obręb ${precinct}, przy ul. ${pick(r, STREETS)} ${1 + Math.floor(r() * 120)}.`;
    if (s < 0.35) return `Na podstawie art. ${20 + Math.floor(r() * 60)} ustawy Prawo budowlane orzekam o ${pick(r, ACTIONS)} ${pick(r, OBJECTS)}.`;
    const words = Array.from({ length: 8 + Math.floor(r() * 10) }, () => zipfWord(r, v));
    return words.join(' ').replace(/^./, (c) => c.toUpperCase()) + '.';
  };
  const pages: string[] = [];
  for (let p = 0, count = 1 + Math.floor(r() * 5); p < count; p++) {
    let text = p === 0 ? `Wrocław, ${date ?? 'b.d.'}\nZnak: ${sig}\n${type.toUpperCase()}\n` : '';
    while (text.length < 2000) text += sentence() + (r() < 0.2 ? '\n\n' : ' ');
    if (p === 0) text += `Dotyczy działki nr ${parcel}, obręb ${precinct}.`;
    pages.push(text);
  }
  return { sha: createHash('sha256').update(`bench:${n}`).digest('hex'), type, date, sig, pages, parcel, precinct };
}

function metadataOf(d: GenDoc): MetaValue[] {
  const text = d.pages[0]!;
  const at = (kind: MetaValue['kind'], value: string, raw: string, extra?: Record<string, string>): MetaValue => {
    const start = text.lastIndexOf(raw);
    return { kind, value, raw, page: 1, start, end: start + raw.length, origin: 'text', ...(extra ? { extra } : {}) };
  };
  const out = [at('caseNumber', d.sig, d.sig), at('docType', d.type, d.type.toUpperCase()), at('parcel', d.parcel, d.parcel, { obreb: d.precinct })];
  if (d.date) out.push(at('date', d.date, d.date, { role: 'document' }));
  return out;
}

/** Builds (once) an archive of at least `chunks` chunks; returns its open database. */
function archiveOf(chunks: number, log: (s: string) => void): { db: Db; dir: string; buildSeconds: number | null } {
  const dir = path.join(os.tmpdir(), 'kwerenda-bench-search', `${chunks}-${GENERATOR}`);
  if (fs.existsSync(path.join(dir, 'done'))) return { db: openDb(dir), dir, buildSeconds: null };
  fs.rmSync(dir, { recursive: true, force: true });
  const t0 = performance.now();
  const db = openDb(dir);
  ensureVectorTable(db, embedder.id, embedder.dimensions);
  const archive = new Archive(db, dir);
  const source = path.join(dir, 'source.bin');
  fs.writeFileSync(source, 'bench');
  const r = rng(chunks);
  const v = vocabulary(r);
  let total = 0;
  for (let n = 1; total < chunks; n++) {
    const d = generateDocument(r, v, n);
    const pages = d.pages.map((text, i) => ({ page: i + 1, text }));
    const docChunks = chunkPages(pages);
    db.transaction(() => {
      const row = archive.beginDocument({ sha256: d.sha, size: 5, mime: null, sourcePath: source, kind: 'pdf', pageCount: pages.length });
      for (const p of pages) archive.savePage(row.id, { ...p, words: [], source: 'ocr', confidence: 90, corrections: {}, width: 1, height: 1 }, null);
      archive.finishDocument(row.id, {
        title: d.type.toUpperCase(), caseNumber: d.sig, docType: d.type, docDate: d.date, metadata: metadataOf(d),
        chunks: docChunks, vectors: docChunks.map((c) => embedder.embedOne(c.text)),
      });
    })();
    total += docChunks.length;
    if (n % 1000 === 0) log(`  ${total} chunks…`);
  }
  fs.writeFileSync(path.join(dir, 'done'), String(total));
  return { db, dir, buildSeconds: (performance.now() - t0) / 1000 };
}

type Series = Map<string, number[]>;
async function timed<T>(series: Series, name: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const out = await fn();
  const list = series.get(name) ?? [];
  list.push(performance.now() - t);
  series.set(name, list);
  return out;
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
const fmt = (xs: number[] | undefined) => (xs ? `${pct(xs, 0.5).toFixed(1)} / ${pct(xs, 0.95).toFixed(1)}` : '–');

interface SizeResult { size: number; chunks: number; docs: number; series: Series; recall10: number; build: string; indexSeconds: number; indexMb: number }

async function benchSize(size: number, queries: number, log: (s: string) => void): Promise<SizeResult> {
  log(`archive of ${size} chunks…`);
  const { db, dir, buildSeconds } = archiveOf(size, log);
  const fast = new SqliteSearchBackend(db);
  const exact = new SqliteSearchBackend(db, { vectorSearch: 'vec0' });
  const t = performance.now();
  fast.warmUp();
  const indexSeconds = (performance.now() - t) / 1000;
  const stats = await fast.stats(UNRESTRICTED_VIEWER);
  const r = rng(size + 1);
  const texts = Array.from({ length: queries }, () => Array.from({ length: 2 + Math.floor(r() * 2) }, () => pick(r, QUERY_WORDS)).join(' '));
  const filters: SearchFilters = { docType: 'decyzja', dateFrom: '2012-01-01' };
  const series: Series = new Map();
  let recall = 0;
  for (const [i, text] of [...texts.slice(0, 5), ...texts].entries()) { // the first 5 warm the caches, not counted
    const s = i < 5 ? new Map() : series;
    const all = keywordQuery(text, 'all');
    const any: KeywordQuery = { ...all, match: 'any' };
    const vec = embedder.embedOne(text);
    await timed(s, 'keyword, all', () => fast.keyword(all, { limit: 50, viewer: UNRESTRICTED_VIEWER }));
    await timed(s, 'keyword, any', () => fast.keyword(any, { limit: 50, viewer: UNRESTRICTED_VIEWER }));
    await timed(s, 'keyword, all, filtered (type + date)', () => fast.keyword(all, { limit: 50, filters, viewer: UNRESTRICTED_VIEWER }));
    const fragment: KeywordQuery = { terms: [{ forms: [{ text: `ZRB.6740.1.${1 + Math.floor(r() * stats.documents)}.` }] }], match: 'all', index: 'substring' };
    await timed(s, 'keyword, substring: signature fragment', () => fast.keyword(fragment, { limit: 50, viewer: UNRESTRICTED_VIEWER }));
    const approx = await timed(s, 'vector, int8 index', () => fast.vector(vec, { limit: 50, viewer: UNRESTRICTED_VIEWER }));
    await timed(s, 'vector, int8 index, filtered (type + date)', () => fast.vector(vec, { limit: 50, filters, viewer: UNRESTRICTED_VIEWER }));
    await timed(s, 'vector, int8 index, filtered (precinct)', () => fast.vector(vec, { limit: 50, filters: { precinct: pick(r, PRECINCTS) }, viewer: UNRESTRICTED_VIEWER }));
    const truth = await timed(s, 'vector, sqlite-vec exact kNN', () => exact.vector(vec, { limit: 50, viewer: UNRESTRICTED_VIEWER }));
    const ids = new Set(truth.slice(0, 10).map((h) => h.chunkId));
    if (i >= 5) recall += approx.slice(0, 10).filter((h) => ids.has(h.chunkId)).length / Math.max(1, Math.min(10, ids.size));
    await timed(s, 'metadata: caseNumber', () => fast.metadata({ kind: 'caseNumber', value: `wua-zrb.6740.1.${1 + Math.floor(r() * stats.documents)}.2010` }, { limit: 50, viewer: UNRESTRICTED_VIEWER }));
    await timed(s, 'metadata: parcel + precinct', () => fast.metadata({ kind: 'parcel', value: `${1 + Math.floor(r() * 900)}/3`, precinct: pick(r, PRECINCTS) }, { limit: 50, viewer: UNRESTRICTED_VIEWER }));
    for (const [name, q] of [['hybrid: all + vector + RRF', all], ['hybrid: any + vector + RRF', any]] as const) {
      await timed(s, name, async () => {
        const kw = await fast.keyword(q, { limit: 50, viewer: UNRESTRICTED_VIEWER });
        const vv = await fast.vector(embedder.embedOne(text), { limit: 50, viewer: UNRESTRICTED_VIEWER });
        return rrf([{ name: 'kw', ids: kw.map((h) => h.chunkId) }, { name: 'vec', ids: vv.map((h) => h.chunkId) }]);
      });
    }
  }
  // The whole agent request without a model: rules planner, every step, fusion, passages, scoring,
  // citation verification against the stored pages, and recording the search.
  // The same backend, its calls timed: what the agent adds beyond its searches is the rest.
  let inBackend = 0;
  const timedBackend = new Proxy(fast, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return async (...a: unknown[]) => {
        const t0 = performance.now();
        try {
          return await (v as (...x: unknown[]) => unknown).apply(target, a);
        } finally {
          inBackend += performance.now() - t0;
        }
      };
    },
  });
  const agent = new AgentService({
    backend: timedBackend, embedder, rules: new RulesPlanner(), searches: new Searches(db, new AuditLog(db)), logger: silentLogger, budgetMs: 10_000,
  });
  const sample = db.prepare(
    `SELECT d.case_number AS sig, m.value AS parcel, json_extract(m.extra, '$.obreb') AS obreb
     FROM documents d JOIN metadata m ON m.document_id = d.id AND m.kind = 'parcel' WHERE d.id = ?`,
  );
  for (let i = 0; i < texts.length + 5; i++) {
    const row = sample.get(1 + Math.floor(r() * stats.documents)) as { sig: string; parcel: string; obreb: string } | undefined;
    if (!row) continue;
    const questions = [
      `Jaka decyzja zapadła w sprawie ${row.sig}?`,
      `co wydano dla działki ${row.parcel} obręb ${row.obreb}`,
      `odmowa pozwolenia na ${pick(r, ACTIONS)} ${pick(r, OBJECTS)} około ${2006 + Math.floor(r() * 17)}`,
      texts[i % texts.length]!,
    ];
    const q = questions[i % questions.length]!;
    inBackend = 0;
    const t0 = performance.now();
    await agent.search({ question: q }, cliOperator(), 'agent', UNRESTRICTED_VIEWER);
    const total = performance.now() - t0;
    if (i >= 5) {
      for (const [name, ms] of [['agent request, rules planner (no LLM), whole', total], ['agent overhead beyond backend calls (plan, fusion, passages, scores, verification, record)', total - inBackend]] as const) {
        const list = series.get(name) ?? [];
        list.push(ms);
        series.set(name, list);
      }
    }
  }
  const dbMb = fs.statSync(path.join(dir, 'kwerenda.db')).size / 2 ** 20;
  db.close();
  return {
    size, chunks: stats.chunks, docs: stats.documents, series, recall10: recall / texts.length,
    build: `${buildSeconds === null ? 'reused' : `built in ${buildSeconds.toFixed(0)} s`}, DB ${dbMb.toFixed(0)} MB`,
    indexSeconds, indexMb: (stats.chunks * Math.ceil(embedder.dimensions / 16) * 16) / 2 ** 20,
  };
}

/** Runs the benchmark and returns a Markdown section (figures in ms, p50 / p95). */
export async function benchSearch(opts: { sizes: number[]; queries: number; quick?: boolean }): Promise<string> {
  const queries = opts.quick ? Math.min(opts.queries, 30) : opts.queries;
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const results: SizeResult[] = [];
  for (const size of opts.sizes) results.push(await benchSize(size, queries, log));
  const names = [...new Set(results.flatMap((r) => [...r.series.keys()]))];
  const head = results.map((r) => `${(r.chunks / 1000).toFixed(0)}k chunks p50 / p95`);
  const lines = [
    '## Search backend (SQLite)',
    '',
    `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), Node ${process.version}; ${queries} queries of 2–3 Polish words ` +
      '(through `keywordQuery`, so with inflected forms and prefixes), limit 50, times in ms. Vectors: HashingEmbedder ' +
      `(384-d, character n-grams of the chunk text). Synthetic archives: ${results.map((r) => `${r.docs} documents / ${r.chunks} chunks (${r.build})`).join('; ')}.`,
    '',
    `| query | ${head.join(' | ')} |`,
    `|---|${head.map(() => '---|').join('')}`,
    ...names.map((n) => `| ${n} | ${results.map((r) => fmt(r.series.get(n))).join(' | ')} |`),
    '',
    ...results.map((r) =>
      `- ${r.chunks} chunks: int8 index recall@10 against sqlite-vec exact kNN ${r.recall10.toFixed(3)}; ` +
        `index built in ${r.indexSeconds.toFixed(2)} s, ${r.indexMb.toFixed(0)} MB of int8 rows.`),
  ];
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const sizes = (arg('sizes') ?? '10000,100000').split(',').map(Number).filter((n) => n > 0);
  benchSearch({ sizes, queries: Number(arg('queries') ?? 200), quick: process.argv.includes('--quick') })
    .then((md) => console.log(md))
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}

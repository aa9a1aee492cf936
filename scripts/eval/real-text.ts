/**
 * `npm run eval -- --real-text`: the real-text development corpus (real-text/ under
 * KWERENDA_CORPUS_DIR, default ../shared/corpus) rendered with the fixture generator (born-digital
 * PDF + one scan per record, cached under .cache/eval/real-text-s<seed>/), ingested with the
 * product's ingest runtime, then measured: metadata per field against the labels
 * (real-text-metadata.ts), retrieval per question kind beside BM25 over the clean texts, and the
 * no-answer / near-miss questions. Results are deduplicated by record id: each record has two
 * files, and a hit on either counts for the record.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { GroundTruth } from '../../fixtures/ground-truth.js';
import { type RealTextMap, type RealTextRecord, readRealTexts, realTextMapPath, renderRealTexts } from '../../fixtures/real-text.js';
import { bm25CleanSearcher } from './bm25-clean.js';
import { ingestWithProgress } from './ingest-progress.js';
import { startEvalModels, type EvalModels, type ModelOptions } from './models.js';
import { formatLlmCounts, productSearchers } from './product-searchers.js';
import type { EvalQuestion, QuestionKind } from './questions.js';
import { formatMetadata, readDocMeta, scoreMetadata } from './real-text-metadata.js';
import { type EvalAnswer, type EvalReport, type EvalSearcher, formatReport, runEval } from './runner.js';

/** The corpus's question kinds and the synthetic kinds whose scoring they share. */
export const REAL_KINDS: Record<string, QuestionKind> = {
  signature: 'signature', parcel: 'parcel', address: 'address', party: 'investor', semantic: 'paraphrase',
  type_time: 'type-time', no_answer: 'no-answer',
};

export interface RealQuestion {
  id: string;
  kind: string;
  question: string;
  relevant: string[];
  nearMiss?: boolean;
  note?: string;
}

export interface RealTextOptions {
  corpusRoot: string;
  repoRoot: string;
  seed: number;
  out?: string;
  json?: string;
  log: (s: string) => void;
  /** Real models to measure instead of / beside the offline default (scripts/eval/models.ts). */
  models?: ModelOptions;
  /** Ask every n-th question of each kind only (a slow model on a CPU: every searcher gets the same ones). */
  sample?: number;
  /** Only these product searchers (BM25 on the clean text is always asked, as the reference). */
  searchers?: string[];
}

export function realTextCorpus(corpusRoot: string): { texts: string; questions: string } {
  const dir = path.join(corpusRoot, 'real-text');
  const texts = path.join(dir, 'texts.jsonl');
  const questions = path.join(dir, 'questions.jsonl');
  if (!fs.existsSync(texts) || !fs.existsSync(questions)) {
    throw new Error(`the real-text corpus is not at ${dir} (texts.jsonl and questions.jsonl expected). ` +
      'Set KWERENDA_CORPUS_DIR to the folder holding real-text/, or put it at ../shared/corpus beside the checkout.');
  }
  return { texts, questions };
}

export const readQuestions = (file: string): RealQuestion[] =>
  fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as RealQuestion);

/** The clean texts as a ground truth of one one-page "file" per record, keyed by record id (for BM25 and citations). */
export function cleanTruth(records: readonly RealTextRecord[]): GroundTruth {
  const files = records.map((r) => ({ sha256: r.id, path: r.id, pages: [{ page: 1, text: r.pages[0] ?? '' }] }));
  return { files, cases: [], totals: { files: files.length, pages: files.length, ocrPages: 0, bytes: 0 } } as unknown as GroundTruth;
}

/** A product searcher whose results are record ids, each record once (first place, its confidence kept). */
export function byRecord(searcher: EvalSearcher, idOf: ReadonlyMap<string, string>): EvalSearcher {
  return async (question) => {
    const a = await searcher(question);
    const seen = new Set<string>();
    const results: EvalAnswer['results'] = [];
    for (const r of a.results) {
      const id = idOf.get(r.sha256) ?? `unknown:${r.sha256}`;
      if (seen.has(id)) continue;
      seen.add(id);
      results.push({ ...r, sha256: id });
    }
    return { ...a, results };
  };
}

async function ensureRendered(texts: string, archive: string, seed: number, records: number, log: (s: string) => void): Promise<RealTextMap> {
  const mapFile = realTextMapPath(archive);
  if (fs.existsSync(mapFile)) {
    const map = JSON.parse(fs.readFileSync(mapFile, 'utf8')) as RealTextMap;
    if (map.records === records && map.seed === seed) {
      log(`Rendered texts: ${archive} (cached)`);
      return map;
    }
  }
  log(`Rendering ${records} real texts into ${archive} (seed ${seed}) …`);
  const t0 = Date.now();
  const map = await renderRealTexts({ texts, out: archive, seed });
  log(`Rendered ${map.files.length} files in ${Math.round((Date.now() - t0) / 1000)} s`);
  return map;
}

/** Folders of the build whose code decides what ingest stores (text, metadata, chunks, index). */
const INGEST_CODE = ['ingest', path.join('server', 'store'), path.join('server', 'search')];

/** SHA-256 over the compiled ingest code: a cached data dir made by other code is ingested again. */
export function ingestFingerprint(distRoot: string): string {
  const h = createHash('sha256');
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js')) h.update(path.relative(distRoot, p)).update('\0').update(fs.readFileSync(p));
    }
  };
  for (const d of INGEST_CODE) walk(path.join(distRoot, d));
  return h.digest('hex');
}

/** Drops the cached data dir when the ingest code changed since it was made. */
function invalidateData(data: string, fingerprint: string, log: (s: string) => void): void {
  const file = `${data}.fingerprint`;
  const had = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : null;
  if (had === fingerprint) return;
  if (fs.existsSync(data)) {
    log(`Ingest code changed since ${data} was made: ingesting again`);
    fs.rmSync(data, { recursive: true, force: true });
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${fingerprint}\n`);
}

async function ensureIngested(archive: string, data: string, map: RealTextMap, log: (s: string) => void, env: Record<string, string>): Promise<void> {
  const dbFile = path.join(data, 'kwerenda.db');
  let ready = new Set<string>();
  if (fs.existsSync(dbFile)) {
    const db = new Database(dbFile, { readonly: true });
    ready = new Set((db.prepare("SELECT sha256 FROM documents WHERE status = 'ready'").all() as { sha256: string }[]).map((r) => r.sha256));
    db.close();
  }
  const missing = map.files.filter((f) => !ready.has(f.sha256));
  if (missing.length === 0) return log(`Data dir: ${data} (every file already ingested)`);
  log(`Ingesting ${missing.length} of ${map.files.length} files (${map.files.filter((f) => f.scanned).length} scans need OCR) into ${data} …`);
  await ingestWithProgress(archive, data, log, env);
}

const f2 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(2));

/** Recall@10 / nDCG@10 per corpus kind for every searcher, then the no-answer lines and near-miss returns. */
export function formatRetrieval(report: EvalReport, questions: readonly RealQuestion[], nearMissSearcher: string): string {
  const out = ['## Retrieval per question kind (Recall@10 / nDCG@10, deduplicated by record)', '',
    `| kind | n | ${report.searchers.join(' | ')} |`, `|---|---|${report.searchers.map(() => '---').join('|')}|`];
  for (const [kind, mapped] of Object.entries(REAL_KINDS)) {
    const n = questions.filter((q) => q.kind === kind).length;
    if (!n || mapped === 'no-answer') continue;
    out.push(`| ${kind} | ${n} | ${report.searchers.map((s) => {
      const r = report.summary[s]?.byKind[mapped];
      return `${f2(r?.recall)} / ${f2(r?.ndcg)}`;
    }).join(' | ')} |`);
  }
  out.push(`| all | ${questions.filter((q) => q.relevant.length).length} | ${report.searchers.map((s) => {
    const r = report.summary[s]?.overall;
    return `${f2(r?.recall)} / ${f2(r?.ndcg)}`;
  }).join(' | ')} |`);
  const na = questions.filter((q) => q.relevant.length === 0);
  const near = new Set(na.filter((q) => q.nearMiss).map((q) => q.id));
  out.push('', `## No-answer questions (answered honestly: no results, notFound, only low confidence, or partial — no result shown to meet every condition; strict, in brackets: without partial)`, '',
    `| searcher | all (${na.length}) | near misses (${near.size}) | unrelated (${na.length - near.size}) |`, '|---|---|---|---|');
  for (const s of report.searchers) {
    const os = report.outcomes.filter((o) => o.searcher === s && o.noAnswer);
    const ok = (pred: (id: string) => boolean) => {
      const of = os.filter((o) => pred(o.id));
      return `${of.filter((o) => o.noAnswer?.success).length} / ${of.length} (strict ${of.filter((o) => o.noAnswer?.strict).length})`;
    };
    out.push(`| ${s} | ${ok(() => true)} | ${ok((id) => near.has(id))} | ${ok((id) => !near.has(id))} |`);
  }
  const answers = report.outcomes.filter((o) => o.searcher === nearMissSearcher && near.has(o.id));
  if (answers.length) {
    out.push('', `Near misses, what \`${nearMissSearcher}\` returned (top 5 record ids):`, '');
    for (const o of answers) {
      out.push(`- \`${o.id}\` ${o.question.replace(/\|/g, '\\|')} → ${o.noAnswer?.success ? (o.noAnswer.strict ? 'honest' : 'honest (partial)') : '**answered**'}: ${o.ranking.slice(0, 5).join(', ') || 'nothing'}`);
    }
  }
  return `${out.join('\n')}\n`;
}

export async function runRealTextEval(o: RealTextOptions): Promise<string> {
  const corpus = realTextCorpus(o.corpusRoot);
  const records = await readRealTexts(corpus.texts);
  const seen = new Map<string, number>();
  const questions = readQuestions(corpus.questions).filter((q) => {
    const i = seen.get(q.kind) ?? 0;
    seen.set(q.kind, i + 1);
    return i % (o.sample ?? 1) === 0;
  });
  const cache = path.join(o.repoRoot, '.cache', 'eval', `real-text-s${o.seed}`);
  const archive = path.join(cache, 'archive');
  const models = await startEvalModels(o.models ?? {}, o.log);
  const data = path.join(cache, models.embedderSlug === 'hash' ? 'data' : `data-${models.embedderSlug}`);
  const map = await ensureRendered(corpus.texts, archive, o.seed, records.length, o.log).catch(async (err: unknown) => {
    await models.close();
    throw err;
  });
  try {
    invalidateData(data, ingestFingerprint(path.join(o.repoRoot, 'dist')), o.log);
    await ensureIngested(archive, data, map, o.log, models.embeddingsEnv);
    return await measure(o, { records, questions, archive, data, map, models });
  } finally {
    await models.close();
  }
}

async function measure(
  o: RealTextOptions,
  { records, questions, archive, data, map, models }: { records: RealTextRecord[]; questions: RealQuestion[]; archive: string; data: string; map: RealTextMap; models: EvalModels },
): Promise<string> {

  const db = new Database(path.join(data, 'kwerenda.db'), { readonly: true });
  const meta = scoreMetadata(records, map.files, readDocMeta(db));
  db.close();

  const gt = cleanTruth(records);
  const reference = bm25CleanSearcher(gt);
  const product = await productSearchers(data, models.embeddingsEnv, models.llmEnv);
  const idOf = new Map(map.files.map((f) => [f.sha256, f.id]));
  const searchers: Record<string, EvalSearcher> = {};
  const unknown = (o.searchers ?? []).filter((n) => !(n in product.searchers));
  if (unknown.length) throw new Error(`--searchers: no searcher ${unknown.join(', ')} (there are: ${Object.keys(product.searchers).join(', ')})`);
  for (const [name, s] of Object.entries(product.searchers)) if (!o.searchers || o.searchers.includes(name)) searchers[name] = byRecord(s, idOf);
  searchers['bm25-clean'] = reference.searcher;
  const evalQuestions: EvalQuestion[] = questions.map((q) => ({
    id: q.id, kind: REAL_KINDS[q.kind] ?? 'paraphrase', question: q.question, relevant: q.relevant, neutral: [],
    ...(q.nearMiss ? { nearMiss: true } : {}), ...(q.note ? { note: q.note } : {}),
  }));
  o.log(`Asking ${evalQuestions.length} questions to ${Object.keys(searchers).join(', ')} …`);
  try {
    const report = await runEval({
      questions: evalQuestions, gt, searchers, reference: 'bm25-clean',
      meta: {
        corpus: `real-text (${records.length} records, ${questions.length} questions${o.sample && o.sample > 1 ? `: every ${o.sample}th of each kind` : ''})`,
        rendered: `${path.relative(o.repoRoot, archive)} (seed ${o.seed}, ${map.files.length} files: ${map.records} born-digital + ${map.records} scans)`,
        'data dir': path.relative(o.repoRoot, data),
        ...models.describe,
      },
    });
    const md = [`# Real-text evaluation (seed ${o.seed})`, '', formatMetadata(meta), formatRetrieval(report, questions, searchers['hybrid+planner'] ? 'hybrid+planner' : Object.keys(searchers)[0]!),
      ...(product.llm ? [formatLlmCounts(product.llm)] : []),
      formatReport(report).replace(/^# Retrieval evaluation/, '# Full retrieval report (synthetic kind names: investor = party, paraphrase = semantic)')].join('\n');
    if (o.out) fs.writeFileSync(o.out, md);
    if (o.json) fs.writeFileSync(o.json, JSON.stringify({ metadata: { ...meta, kinds: [...meta.kinds] }, retrieval: report }, null, 1));
    return md;
  } finally {
    reference.close();
    await product.close();
  }
}

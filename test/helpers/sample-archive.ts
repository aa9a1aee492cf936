/**
 * The committed sample archive (fixtures/sample) ingested once — real OCR, ~1–2 min — and cached in
 * the temp dir under a key of the sample's ground truth and the compiled ingest code, so the
 * search, HTTP and CLI tests share one ingest. Each caller gets its own copy to write into.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GroundTruth } from '../../fixtures/ground-truth.js';
import { repoRoot, sampleDir, tempDir } from './paths.js';
import { ingestRuntime } from './runtime.js';

export const sampleTruth = JSON.parse(fs.readFileSync(`${sampleDir}.ground-truth.json`, 'utf8')) as GroundTruth;

function hashTree(h: ReturnType<typeof createHash>, dir: string): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) hashTree(h, p);
    else if (e.name.endsWith('.js')) h.update(e.name).update(fs.readFileSync(p));
  }
}

function cacheKey(): string {
  const h = createHash('sha256');
  h.update(fs.readFileSync(`${sampleDir}.ground-truth.json`));
  hashTree(h, path.join(repoRoot, 'dist', 'ingest'));
  h.update(fs.readFileSync(path.join(repoRoot, 'dist', 'server', 'store', 'db.js')));
  h.update(fs.readFileSync(path.join(repoRoot, 'dist', 'server', 'store', 'archive.js')));
  return h.digest('hex').slice(0, 16);
}

async function build(target: string): Promise<void> {
  const staging = `${target}.${process.pid}.tmp`;
  fs.rmSync(staging, { recursive: true, force: true });
  const rt = await ingestRuntime(staging);
  try {
    const r = await rt.ingest.run({ paths: [sampleDir], caseOverride: null });
    if (r.failures.length > 0) throw new Error(`sample ingest failed: ${r.failures.map((f) => f.error).join('; ')}`);
  } finally {
    await rt.close();
  }
  try {
    fs.renameSync(staging, target);
  } catch (err) {
    // Another test process built the same cache at the same time: keep theirs.
    const code = (err as NodeJS.ErrnoException).code;
    if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !fs.existsSync(path.join(target, 'kwerenda.db'))) throw err;
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** A fresh copy of the ingested sample archive; the caller removes it. */
export async function sampleArchiveCopy(prefix = 'sample-copy'): Promise<string> {
  const cached = path.join(os.tmpdir(), `kwerenda-sample-archive-${cacheKey()}`);
  if (!fs.existsSync(path.join(cached, 'kwerenda.db'))) await build(cached);
  const dir = tempDir(prefix);
  fs.cpSync(cached, dir, { recursive: true });
  return dir;
}

/** Ground-truth file of the sample by its path inside the archive, e.g. "WUA-ZRB.6740.1.786.2019/skan_decyzja.pdf". */
export function sampleFile(p: string) {
  const f = sampleTruth.files.find((x) => x.path === p);
  if (!f) throw new Error(`no sample file ${p}`);
  return f;
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sampleDir = path.join(repoRoot, 'fixtures', 'sample');
export const cliPath = path.join(repoRoot, 'bin', 'kwerenda.js');

/**
 * The real third-party corpus (not the project's files): `KWERENDA_CORPUS_DIR`, by default
 * `../shared/corpus` beside the checkout. Only the corpus suite (`npm run test:corpus`, files named
 * `*.corpus.test.ts`) reads it; `npm test` needs nothing outside the repository.
 */
export const corpusRoot = path.resolve(repoRoot, process.env.KWERENDA_CORPUS_DIR ?? path.join('..', 'shared', 'corpus'));
/** Real files: hostile PDFs and TIFFs, real Polish scans with ground truth (see its MANIFEST.md). */
export const corpusDir = path.join(corpusRoot, 'real');
/** Real public Polish texts with labelled metadata and questions. */
export const realTextDir = path.join(corpusRoot, 'real-text');

/** The reason the corpus suite cannot run, or null when the corpus is there. */
export function corpusMissing(): string | null {
  if (fs.existsSync(path.join(corpusDir, 'MANIFEST.md'))) return null;
  return (
    `the real-document corpus is not at ${corpusDir} (no MANIFEST.md there). ` +
    'Set KWERENDA_CORPUS_DIR to the folder holding real/ (and real-text/), or put it at ../shared/corpus beside the checkout; ' +
    'see "Tests" in README.md.'
  );
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `kwerenda-${prefix}-`));
}

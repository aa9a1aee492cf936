import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Real third-party files, beside the project (see ../shared/corpus/real/MANIFEST.md). */
export const corpusDir = path.resolve(repoRoot, '..', 'shared', 'corpus', 'real');
export const sampleDir = path.join(repoRoot, 'fixtures', 'sample');
export const cliPath = path.join(repoRoot, 'bin', 'kwerenda.js');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `kwerenda-${prefix}-`));
}

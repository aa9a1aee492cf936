/**
 * Scanned pages of the project's own sample archive (fixtures/sample, made by the fixture
 * generator) with their ground-truth text: "a real scan" for tests that need one, with nothing
 * outside the repository.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { GroundTruth } from '../../fixtures/ground-truth.js';
import { sampleDir } from './paths.js';

let truth: GroundTruth | null = null;

/** The sample archive's ground truth (fixtures/sample.ground-truth.json). */
export function sampleTruth(): GroundTruth {
  truth ??= JSON.parse(fs.readFileSync(`${sampleDir}.ground-truth.json`, 'utf8')) as GroundTruth;
  return truth;
}

/**
 * A scanned sample page: its file (a multi-page TIFF is read at its first page by sharp and OCR)
 * and the text printed on it. `odwołanie.tif` is an upright, slightly skewed grey 1-bit-looking
 * Polish letter (2 pages); `IMG_0007.jpg` a phone photo turned 90°.
 */
export function sampleScan(relativePath = 'UA-AB_7351_650_2010/odwołanie.tif'): { file: string; text: string; rotation: number } {
  const f = sampleTruth().files.find((x) => x.path === relativePath);
  if (!f) throw new Error(`no sample file ${relativePath}`);
  return { file: path.join(sampleDir, f.path), text: f.pages[0]!.text, rotation: f.pages[0]!.rotation };
}

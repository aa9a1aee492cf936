/**
 * Page text built to make a backtracking pattern run away (the repeated sequences a ReDoS checker
 * reports for the metadata patterns): extraction must finish and still read what is there. Each
 * runs the compiled extractor in a worker thread with a limit of seconds, so a regression fails
 * the test instead of hanging it (what is asserted is that it finishes, not how fast).
 */
import { describe, expect, it } from 'vitest';
import { runBounded } from '../../test/helpers/bounded-run.js';
import type { MetaValue } from '../types.js';

const LIMIT_MS = 10_000;

async function extractBounded(text: string): Promise<MetaValue[]> {
  const run = await runBounded('dist/ingest/metadata/index.js', 'extractMetadata', [[{ page: 1, text }]], LIMIT_MS);
  expect(run.finished, 'metadata extraction did not finish').toBe(true);
  return run.finished ? (run.result as MetaValue[]) : [];
}

const docType = (values: MetaValue[]): string | undefined => values.find((v) => v.kind === 'docType')?.value;

describe('metadata extraction of hostile page text finishes', () => {
  it('a heading followed by a 100 kB line of capitals (title-like line check)', async () => {
    const values = await extractBounded(`DECYZJA\n${'A'.repeat(100_000)}a\nWrocław, dnia 14 marca 2019 r.`);
    expect(docType(values)).toBe('decyzja');
    expect(values.find((v) => v.kind === 'date')?.value).toBe('2019-03-14');
  });

  it('a refusal heading followed by repeated "o odmowie" without a clause end', async () => {
    const values = await extractBounded(`DECYZJA o odmowie ${'o\todmowie\t\u0000'.repeat(16_515)};`);
    expect(docType(values)).toBe('decyzja o odmowie');
  });

  it('an operative part of repeated "odmawiam pozwolenid" and "udzielam" runs', async () => {
    const body = `${'odmawiam\tpozwolenid'.repeat(780)}mawiam\t.${'udzielam\tudzielam\tm'.repeat(2_000)}\t${'pozwolenie'.repeat(2_000)}`;
    const values = await extractBounded(`DECYZJA\n\n${body}\nudzielam pozwolenia na budowę.`);
    expect(docType(values)).toBe('decyzja');
  });

  it('a street keyword followed by long runs of blanks and capitals', async () => {
    const values = await extractBounded(`ul. Kwiatowa${' \t'.repeat(20_000)}\nul. ${'A'.repeat(50_000)}-\nul. Leśna 5`);
    expect(values.filter((v) => v.kind === 'address').map((v) => v.value)).toContain('ul. Leśna 5');
  });
});

describe('a PDF content stream with a 100 kB number-like token', () => {
  it('is scanned to the end', async () => {
    const content = new TextEncoder().encode(`q 1 0 0 1 0 0 cm ${'0'.repeat(100_000)}x /Im0 Do Q`);
    const run = await runBounded('dist/ingest/extract/pdf-image-content.js', 'scanContent', [content], LIMIT_MS);
    expect(run.finished, 'content scan did not finish').toBe(true);
  });
});

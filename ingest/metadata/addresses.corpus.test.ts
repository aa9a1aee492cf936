/**
 * Addresses read by `extractMetadata` from the clean text of every record of the real-text
 * development set (`realTextDir`/texts.jsonl), scored against the records' `addresses` labels the
 * way the end-to-end evaluation scores them (scripts/eval/metadata-score.ts): a claim is right when
 * it shares a street or place word stem with an unmatched label ("ul. Sąsiedzkiej" / "ul. Sąsiedzka,
 * Sokołów") and its span overlaps the labelled span; an organ's office address, which the labels
 * leave out, counts against precision. Before this work the same measure gave P 0.255 / R 0.722
 * (51 claims, 13 right): office addresses in letterheads and contact lines, plan areas of several
 * streets not read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { realTextDir } from '../../test/helpers/paths.js';
import { addTally, emptyTally, occurrences, sameAddress, scoreField, type Claim, type Label } from '../../scripts/eval/metadata-score.js';
import { extractMetadata } from './index.js';

interface AddressRecord {
  id: string;
  pages: string[];
  labels: { addresses?: string[] };
  spans: { addresses?: string[] };
}

const records = fs
  .readFileSync(path.join(realTextDir, 'texts.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as AddressRecord);

const misses: string[] = [];
let total = emptyTally();
for (const r of records) {
  const text = r.pages[0] ?? '';
  const claims: Claim[] = extractMetadata([{ page: 1, text }])
    .filter((v) => v.kind === 'address')
    .map((v) => ({ value: v.value, span: v.start !== null && v.end !== null ? ([v.start, v.end] as const) : null }));
  const spans = r.spans.addresses ?? [];
  const labels: Label[] = (r.labels.addresses ?? []).map((value, i) => ({ value, spans: occurrences(text, spans[i] ?? '') }));
  const t = scoreField(claims, labels, sameAddress);
  total = addTally(total, t);
  if (t.fp > 0 || t.tp < t.labelled) misses.push(`${r.id}: labels ${JSON.stringify(labels.map((l) => l.value))} claims ${JSON.stringify(claims.map((c) => c.value))}`);
}
const precision = total.claimed === 0 ? 1 : total.tp / total.claimed;
const recall = total.labelled === 0 ? 1 : total.tp / total.labelled;

describe('addresses on real public texts (clean text, page 1)', () => {
  it('prints the figures and the records with a wrong or missing address', () => {
    console.log(`addresses P ${precision.toFixed(3)}  R ${recall.toFixed(3)}  (labelled ${total.labelled}, claimed ${total.claimed}, right ${total.tp}, right value from another place ${total.wrongSpan})`);
    for (const m of misses) console.log(`  ${m}`);
    expect(records.length).toBeGreaterThan(100);
  });

  it('leaves out the organs’ office and contact addresses: precision ≥ 0.85', () => {
    expect(precision).toBeGreaterThanOrEqual(0.85);
  });

  it('finds the investment addresses and plan areas: recall ≥ 0.9', () => {
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });
});

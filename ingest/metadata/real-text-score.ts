/**
 * Scores the rule-based extraction of the document type, the document's own date and its own
 * signature against labelled real texts (records of `real-text/texts.jsonl`): per-field precision
 * and recall, values compared with case, diacritics and whitespace folded, and whether each
 * extracted value's span overlaps the labelled span.
 */
import type { MetaValue } from '../types.js';
import { fold } from './common.js';
import { extractMetadata } from './index.js';

export interface LabelledText {
  id: string;
  pages: string[];
  labels: { docType: string | null; date: string | null; signature: string | null; otherSignatures?: string[] };
  spans: { docType: string | null; date: string | null; signature: string | null };
}

export type ScoredField = 'docType' | 'date' | 'signature';
export const SCORED_FIELDS: readonly ScoredField[] = ['docType', 'date', 'signature'];

export interface FieldScore {
  /** Labelled values. */
  labelled: number;
  /** Values the product gave. */
  given: number;
  /** Given values equal to the label. */
  correct: number;
  /** Correct values whose span overlaps the labelled span. */
  spanOk: number;
  precision: number;
  recall: number;
  /** Records where the product was wrong or silent, with what it said. */
  misses: { id: string; label: string | null; got: string | null }[];
}

/** Comparison form: folded case and diacritics, whitespace dropped. */
export function normalised(s: string): string {
  return fold(s).replace(/\s+/g, '');
}

/** What the product claims for one field of a page: the value and its span, or null. */
export function claimed(values: MetaValue[], field: ScoredField): MetaValue | null {
  if (field === 'docType') return values.find((v) => v.kind === 'docType') ?? null;
  if (field === 'date') return values.find((v) => v.kind === 'date' && v.extra?.role === 'document') ?? null;
  return values.find((v) => v.kind === 'caseNumber' && v.origin === 'text') ?? null;
}

function spanOverlaps(page: string, v: MetaValue, span: string | null): boolean {
  if (span === null || v.start === null || v.end === null) return false;
  for (let at = page.indexOf(span); at >= 0; at = page.indexOf(span, at + 1)) {
    if (v.start < at + span.length && at < v.end) return true;
  }
  return false;
}

/** Per-field scores of `extractMetadata` on page 1 of every record. */
export function scoreRecords(records: LabelledText[]): Record<ScoredField, FieldScore> {
  const out = {} as Record<ScoredField, FieldScore>;
  for (const f of SCORED_FIELDS) out[f] = { labelled: 0, given: 0, correct: 0, spanOk: 0, precision: 1, recall: 1, misses: [] };
  for (const r of records) {
    const page = r.pages[0] ?? '';
    const values = extractMetadata([{ page: 1, text: page }]);
    for (const f of SCORED_FIELDS) {
      const s = out[f];
      const label = r.labels[f];
      const got = claimed(values, f);
      const gotValue = got ? (f === 'signature' ? got.raw : got.value) : null;
      if (label !== null) s.labelled++;
      if (got) s.given++;
      const ok = got !== null && label !== null && (normalised(gotValue ?? '') === normalised(label) || normalised(got.value) === normalised(label));
      if (ok) {
        s.correct++;
        if (spanOverlaps(page, got, r.spans[f])) s.spanOk++;
      } else if (got !== null || label !== null) {
        s.misses.push({ id: r.id, label, got: gotValue });
      }
    }
  }
  for (const f of SCORED_FIELDS) {
    const s = out[f];
    s.precision = s.given === 0 ? 1 : s.correct / s.given;
    s.recall = s.labelled === 0 ? 1 : s.correct / s.labelled;
  }
  return out;
}

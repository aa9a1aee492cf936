/**
 * Scores the rule-based extraction of the document type, the document's own date, its own
 * signature, its issuer and its outcome against labelled real texts (records of
 * `real-text/texts.jsonl`): per-field precision and recall, values compared with case, diacritics
 * and whitespace folded, and whether each extracted value's span overlaps the labelled span.
 *
 * An outcome is also right when it is the label's beginning, cut at a word boundary: "uchyla
 * zaskarżoną decyzję" for "uchyla zaskarżoną decyzję oraz poprzedzającą ją decyzję", "stwierdza
 * nieważność uchwały" for "stwierdza nieważność uchwały w części" — a shorter statement of the
 * same result, which the rules give when the text (or the excerpt) shows no more.
 *
 * Parties (named investors, applicants, complainants) are a list: every investor value given for
 * page 1 is right when it equals a labelled party not matched yet.
 */
import type { MetaValue } from '../types.js';
import { fold } from './common.js';
import { extractMetadata } from './index.js';

export interface LabelledText {
  id: string;
  pages: string[];
  labels: {
    docType: string | null;
    date: string | null;
    signature: string | null;
    otherSignatures?: string[];
    issuer?: string | null;
    outcome?: string | null;
    parties?: string[];
  };
  spans: {
    docType: string | null;
    date: string | null;
    signature: string | null;
    issuer?: string | null;
    outcome?: string | null;
    parties?: string[];
  };
}

export type ScoredField = 'docType' | 'date' | 'signature' | 'issuer' | 'outcome';
export const SCORED_FIELDS: readonly ScoredField[] = ['docType', 'date', 'signature', 'issuer', 'outcome'];

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
  if (field === 'issuer' || field === 'outcome') return values.find((v) => v.kind === field) ?? null;
  return values.find((v) => v.kind === 'caseNumber' && v.origin === 'text') ?? null;
}

/** Words of an outcome, folded, for comparing with a label. */
function outcomeWords(s: string): string {
  return fold(s).replace(/\s+/g, ' ').trim();
}

/** The outcome given is the label or the label's beginning, ending at a word boundary. */
export function outcomeMatches(given: string, label: string): boolean {
  const g = outcomeWords(given);
  const l = outcomeWords(label);
  return g !== '' && (g === l || l.startsWith(`${g} `));
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
      const label = r.labels[f] ?? null;
      const got = claimed(values, f);
      const gotValue = got ? (f === 'signature' ? got.raw : got.value) : null;
      if (label !== null) s.labelled++;
      if (got) s.given++;
      const ok =
        got !== null &&
        label !== null &&
        (f === 'outcome'
          ? outcomeMatches(got.value, label)
          : normalised(gotValue ?? '') === normalised(label) || normalised(got.value) === normalised(label));
      if (ok) {
        s.correct++;
        if (spanOverlaps(page, got, r.spans[f] ?? null)) s.spanOk++;
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

/** Precision and recall of the named parties (investor values) over all records. */
export function scoreParties(records: LabelledText[]): FieldScore {
  const s: FieldScore = { labelled: 0, given: 0, correct: 0, spanOk: 0, precision: 1, recall: 1, misses: [] };
  for (const r of records) {
    const page = r.pages[0] ?? '';
    const given = extractMetadata([{ page: 1, text: page }]).filter((v) => v.kind === 'investor');
    const labels = r.labels.parties ?? [];
    const spans = r.spans.parties ?? [];
    s.labelled += labels.length;
    s.given += given.length;
    const open = labels.map((l, i) => ({ key: normalised(l), span: spans[i] ?? null, used: false }));
    for (const v of given) {
      const hit = open.find((o) => !o.used && o.key === normalised(v.value));
      if (hit) {
        hit.used = true;
        s.correct++;
        if (spanOverlaps(page, v, hit.span)) s.spanOk++;
      } else {
        s.misses.push({ id: r.id, label: null, got: v.value });
      }
    }
    for (const o of open) if (!o.used) s.misses.push({ id: r.id, label: labels[open.indexOf(o)] ?? null, got: null });
  }
  s.precision = s.given === 0 ? 1 : s.correct / s.given;
  s.recall = s.labelled === 0 ? 1 : s.correct / s.labelled;
  return s;
}

/**
 * The grounding of model proposals over the real-text development set, with no model: proposals are
 * made from the labels, as a perfect model and as wrong ones would write them.
 * - right: the labelled value with the labelled span as its quote (how often grounding keeps a right
 *   answer; a type outside the taxonomy such as "wyrok NSA" is rejected by design);
 * - another document's value with this page's quote (a confident wrong value): must never be kept;
 * - a date of the page that is not its own, quoted as itself, and a signature the page cites, quoted
 *   as itself (a model choosing the wrong one of the page's own strings): how many the context checks
 *   stop. These pass the quote check by construction, so they measure the checks behind it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { realTextDir } from '../../test/helpers/paths.js';
import { findDates } from './dates.js';
import { groundProposals, wordsSupported, type Proposal, type ProposableKind } from './grounded-proposal.js';
import { normaliseSignature } from './signature.js';

interface Rec {
  id: string;
  pages: string[];
  labels: Record<string, unknown>;
  spans: Record<string, unknown>;
}

const records = fs
  .readFileSync(path.join(realTextDir, 'texts.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Rec);

const FIELDS: [ProposableKind, string][] = [
  ['docType', 'docType'],
  ['date', 'date'],
  ['caseNumber', 'signature'],
  ['issuer', 'issuer'],
  ['outcome', 'outcome'],
];

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const labelValue = (kind: ProposableKind, v: string): string => (kind === 'docType' ? v.toLowerCase() : v);

function kept(r: Rec, p: Omit<Proposal, 'page'>): boolean {
  return groundProposals([{ page: 1, text: r.pages[0] ?? '' }], [], [{ ...p, page: 1 }]).values.length === 1;
}

describe('grounding of proposals on real texts', () => {
  const right = new Map<ProposableKind, { tried: number; kept: number }>();
  const wrong = new Map<ProposableKind, { tried: number; kept: number }>();
  const bump = (m: typeof right, k: ProposableKind, ok: boolean): void => {
    const s = m.get(k) ?? { tried: 0, kept: 0 };
    s.tried++;
    if (ok) s.kept++;
    m.set(k, s);
  };
  for (const [i, r] of records.entries()) {
    for (const [kind, field] of FIELDS) {
      const value = str(r.labels[field]);
      const quote = str(r.spans[field]);
      if (!value || !quote) continue;
      bump(right, kind, kept(r, { kind, value: labelValue(kind, value), quote }));
      // The nearest other record with a different value for the field.
      for (let j = 1; j < records.length; j++) {
        const other = str(records[(i + j) % records.length]!.labels[field]);
        if (!other) continue;
        const same = kind === 'caseNumber' ? normaliseSignature(other) === normaliseSignature(value) : other.toLowerCase() === value.toLowerCase();
        // A value saying less than the right one ("oddala skargę" for "oddala skargę kasacyjną") is not wrong.
        if (same || ((kind === 'issuer' || kind === 'outcome') && wordsSupported(other, value))) continue;
        bump(wrong, kind, kept(r, { kind, value: labelValue(kind, other), quote }));
        break;
      }
    }
  }

  let mentionedDates = 0;
  let mentionedKept = 0;
  let citedSigs = 0;
  let citedKept = 0;
  for (const r of records) {
    const text = r.pages[0] ?? '';
    const own = str(r.labels.date);
    for (const d of findDates(text)) {
      if (own === null || d.value === own) continue;
      mentionedDates++;
      if (kept(r, { kind: 'date', value: d.value, quote: text.slice(d.start, d.end) })) mentionedKept++;
    }
    const others = Array.isArray(r.labels.otherSignatures) ? (r.labels.otherSignatures as unknown[]) : [];
    for (const o of others) {
      const s = str(o);
      if (!s || !text.includes(s) || normaliseSignature(s) === normaliseSignature(str(r.labels.signature) ?? '')) continue;
      citedSigs++;
      if (kept(r, { kind: 'caseNumber', value: s, quote: s })) citedKept++;
    }
  }

  it('prints the figures', () => {
    for (const [kind] of FIELDS) {
      const a = right.get(kind) ?? { tried: 0, kept: 0 };
      const b = wrong.get(kind) ?? { tried: 0, kept: 0 };
      console.log(`${kind.padEnd(10)} right kept ${a.kept}/${a.tried}   wrong value kept ${b.kept}/${b.tried}`);
    }
    console.log(`mentioned dates proposed as the own date: kept ${mentionedKept}/${mentionedDates}`);
    console.log(`cited signatures proposed as the own one: kept ${citedKept}/${citedSigs}`);
    expect(records.length).toBeGreaterThan(100);
  });

  it("never keeps another document's value under this page's quote", () => {
    for (const [kind] of FIELDS) expect(wrong.get(kind)?.kept ?? 0, kind).toBe(0);
  });

  it("keeps no signature the page cites, and at most 1 % of its mentioned dates, as the document's own", () => {
    expect(citedSigs).toBeGreaterThan(30);
    expect(citedKept).toBe(0);
    expect(mentionedDates).toBeGreaterThan(200);
    expect(mentionedKept / mentionedDates).toBeLessThanOrEqual(0.01);
  });

  it('keeps most right signatures, issuers and outcomes, and half of the right dates (the rest stand in shapes that also carry mentioned dates)', () => {
    const rate = (k: ProposableKind) => (right.get(k)?.kept ?? 0) / Math.max(1, right.get(k)?.tried ?? 0);
    expect(rate('caseNumber')).toBeGreaterThanOrEqual(0.8);
    expect(rate('issuer')).toBeGreaterThanOrEqual(0.85);
    expect(rate('outcome')).toBeGreaterThanOrEqual(0.7);
    expect(rate('date')).toBeGreaterThanOrEqual(0.5);
  });
});

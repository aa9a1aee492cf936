import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { GroundTruth } from '../../fixtures/ground-truth.js';
import type { EvalQuestion } from './questions.js';
import { formatReport, runEval, type EvalAnswer, type EvalSearcher } from './runner.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const gt = JSON.parse(fs.readFileSync(path.join(root, 'fixtures', 'sample.ground-truth.json'), 'utf8')) as GroundTruth;
const [A, B, C, N, X, Y] = gt.files;
const page1 = (f: typeof A) => f!.pages[0]!.text;
/** A real passage of the file's first page (what a correct citation quotes). */
const quote = (f: typeof A) => ({ page: 1, quote: page1(f).slice(0, 60) });

const questions: EvalQuestion[] = [
  { id: 'signature-001', kind: 'signature', question: 'q1', relevant: [A!.sha256, B!.sha256], neutral: [N!.sha256] },
  { id: 'paraphrase-001', kind: 'paraphrase', question: 'q2', relevant: [C!.sha256], neutral: [] },
  { id: 'no-answer-001', kind: 'no-answer', question: 'q3', relevant: [], neutral: [],
    expectNotFound: [{ kind: 'parcel', value: '99/9' }] },
  { id: 'no-answer-002', kind: 'no-answer', question: 'q4', relevant: [], neutral: [], nearMiss: true,
    note: 'precinct: …', expectUnmet: [{ kind: 'precinct', value: 'obręb Oporów' }] },
  { id: 'no-answer-003', kind: 'no-answer', question: 'q5', relevant: [], neutral: [], nearMiss: true,
    note: 'period: …', expectUnmet: [{ kind: 'period', value: '2002' }] },
];

const answers = (table: Record<string, EvalAnswer>): EvalSearcher => async (q) => table[q]!;
const hit = (f: typeof A, citations = [quote(f)], confidence?: 'high' | 'medium' | 'low') => ({ sha256: f!.sha256, citations, confidence });

const searchers: Record<string, EvalSearcher> = {
  perfect: answers({
    q1: { results: [hit(N), hit(A), hit(B)] },
    q2: { results: [hit(C)] },
    q3: { results: [hit(X, [], 'high')], notFound: [{ kind: 'parcel', value: '99/9' }] },
    // "Nothing meets every condition; the closest are:" above confident results.
    q4: { results: [hit(X, [], 'high')], partial: { unmet: [{ kind: 'precinct', value: 'Oporów' }] } },
    q5: { results: [] },
  }),
  poor: answers({
    // A at rank 3 (after neutral removal: X, Y, A); one quote from another file's page; one unknown file.
    q1: { results: [hit(X), hit(Y, [{ page: 1, quote: page1(A).slice(0, 60) }]), hit(A), { sha256: 'f'.repeat(64), citations: [{ page: 1, quote: 'x' }] }] },
    q2: { results: [] },
    q3: { results: [hit(X, [quote(X)], 'high'), hit(Y, [quote(Y)], 'low')] },
    q4: { results: [hit(X, [], 'high')] },
    // partial, but naming another condition than the one the closest documents miss.
    q5: { results: [hit(Y, [], 'medium')], partial: { unmet: [{ kind: 'object', value: 'dom' }] } },
  }),
  broken: async () => {
    throw new Error('backend down');
  },
};

describe('runEval', () => {
  it('scores every searcher on every question', async () => {
    const report = await runEval({ questions, gt, searchers, reference: 'perfect' });
    expect(report.searchers).toEqual(['perfect', 'poor', 'broken']);
    expect(report.questionCounts).toEqual({ signature: 1, paraphrase: 1, 'no-answer': 3 });

    const perfect = report.summary.perfect!;
    expect(perfect.overall).toEqual({ n: 2, recall: 1, mrr: 1, ndcg: 1 });
    expect(perfect.noAnswer).toEqual({
      n: 3, success: 3, strict: 2, notFoundExpected: 1, notFoundMatched: 1,
      nearMiss: { n: 2, success: 2, strict: 1, unmetExpected: 2, unmetNamed: 1 },
    });
    expect(perfect.citations).toMatchObject({ total: 4, valid: 4, unverifiable: 0 });

    const poor = report.summary.poor!;
    // q1: recall 1/2, MRR 1/3, nDCG (1/log2 4) / (1 + 1/log2 3); q2: all zero.
    expect(poor.byKind.signature).toEqual({ n: 1, recall: 0.5, mrr: expect.closeTo(1 / 3, 10), ndcg: expect.closeTo(0.5 / 1.6309298, 6) });
    expect(poor.byKind.paraphrase).toEqual({ n: 1, recall: 0, mrr: 0, ndcg: 0 });
    expect(poor.overall.recall).toBe(0.25);
    expect(poor.noAnswer).toEqual({
      n: 3, success: 1, strict: 0, notFoundExpected: 1, notFoundMatched: 0,
      nearMiss: { n: 2, success: 1, strict: 0, unmetExpected: 2, unmetNamed: 0 },
    });
    // 4 + 2 citations: X, Y-with-A's-text (wrong page), A, unknown file, and the two of q3.
    expect(poor.citations).toMatchObject({ total: 6, valid: 4, unverifiable: 1 });

    const broken = report.summary.broken!;
    expect(broken.errors).toBe(5);
    expect(broken.overall.recall).toBe(0);
    expect(broken.noAnswer.success).toBe(0); // an error is not "nothing found"
    expect(broken.noAnswer.strict).toBe(0);
  });

  it('cuts at k before scoring and before checking citations', async () => {
    const many: EvalSearcher = async () => ({ results: gt.files.slice(0, 12).reverse().map((f) => hit(f)) });
    const report = await runEval({ questions: questions.slice(1, 2), gt, searchers: { many }, k: 3 });
    expect(report.summary.many!.citations.total).toBe(3);
    expect(report.outcomes[0]!.ranking).toHaveLength(3);
  });
});

describe('formatReport', () => {
  it('shows tables per kind and overall, the goals against the reference, and the misses', async () => {
    const report = await runEval({ questions, gt, searchers, reference: 'perfect', meta: { archive: 'sample' } });
    const md = formatReport(report);
    expect(md).toContain('- archive: sample');
    // no-answer ok, strict (q4 is honest only by partial), notFound names it (of the one question naming an identifier).
    expect(md).toMatch(/\| perfect \| 2 \| 1\.000 \| 1\.000 \| 1\.000 \| 100\.0 % \| 66\.7 % \| 100\.0 % \| 100\.0 % of 4 \|/);
    expect(md).toMatch(/\| signature \| poor \| 1 \| 0\.500 \| 0\.333 \| 0\.307 \|/);
    expect(md).toMatch(/\| no-answer \| poor \| 3 \| — \| — \| — \| no-answer ok 33\.3 % \(strict 0\.0 %\) \|/);
    expect(md).toMatch(/\| no-answer: near misses \| poor \| 2 \| — \| — \| — \| no-answer ok 50\.0 % \(strict 0\.0 %\) \|/);
    // The no-answer section: all, near misses (with partial naming the unmet condition), the others, notFound.
    expect(md).toContain('| perfect | 3 / 3 | 2 / 3 | 2 / 2 | 1 / 2 | 1 / 2 | 1 / 1 | 1 / 1 | 1 / 1 |');
    expect(md).toContain('| poor | 1 / 3 | 0 / 3 | 1 / 2 | 0 / 2 | 0 / 2 | 0 / 1 | 0 / 1 | 0 / 1 |');
    expect(md).toContain('`no-answer-002` q4 — near miss answered confidently');
    // Goals: the reference has no row; poor misses every goal.
    expect(md).toMatch(/\| poor \| \*\*no\*\* \| \*\*no\*\* \| \*\*no\*\* \| \*\*no\*\* \|/);
    expect(md).not.toMatch(/\| perfect \| (yes|\*\*no\*\*) \|/);
    expect(md).toContain('`paraphrase-001` q2 — R 0.000');
    expect(md).toContain('error: backend down');
  });
});

/**
 * Markdown for an evaluation report: per kind × searcher, overall, the goals of the issue, no-answer
 * questions (honest and strict, near misses on their own), citation distances, latency, and the
 * questions each searcher missed (question text only, never document text).
 */
import { QUESTION_KINDS } from './questions.js';
import type { EvalReport, KindRow, QuestionOutcome, SearcherSummary } from './runner.js';

export const GOALS = { recall: 0.95, citations: 1, noAnswer: 0.9 } as const;

const f3 = (x: number) => (Number.isNaN(x) ? '—' : x.toFixed(3));
const pct = (num: number, den: number) => (den === 0 ? '—' : `${((100 * num) / den).toFixed(1)} %`);
const ms = (x: number) => (Number.isNaN(x) ? '—' : x < 10 ? x.toFixed(1) : Math.round(x).toString());
const cell = (s: string) => s.replace(/\|/g, '\\|');

function table(head: string[], rows: string[][]): string[] {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

function metricCells(r: KindRow | undefined): string[] {
  return r ? [String(r.n), f3(r.recall), f3(r.mrr), f3(r.ndcg)] : ['0', '—', '—', '—'];
}

function goalRows(report: EvalReport): string[][] {
  const ref = report.reference ? report.summary[report.reference] : undefined;
  const mark = (ok: boolean | null) => (ok === null ? '—' : ok ? 'yes' : '**no**');
  return report.searchers.filter((s) => s !== report.reference).map((name) => {
    const s = report.summary[name]!;
    const cited = s.citations.total === 0 ? null : s.citations.valid / s.citations.total >= GOALS.citations;
    const noAnswer = s.noAnswer.n === 0 ? null : s.noAnswer.success / s.noAnswer.n >= GOALS.noAnswer;
    return [
      name,
      mark(Number.isNaN(s.overall.recall) ? null : s.overall.recall >= GOALS.recall),
      mark(ref && !Number.isNaN(s.overall.ndcg) ? s.overall.ndcg > ref.overall.ndcg : null),
      mark(cited),
      mark(noAnswer),
    ];
  });
}

function misses(report: EvalReport, name: string, limit: number): string[] {
  const bad = (o: QuestionOutcome) =>
    o.searcher === name && (o.error !== undefined || (o.scores ? o.scores.recall < 1 : !o.noAnswer?.success));
  const list = report.outcomes.filter(bad);
  if (list.length === 0) return [];
  const lines = [`**${name}** — ${list.length} question(s) with Recall@${report.k} < 1, a failed no-answer, or an error:`, ''];
  for (const o of list.slice(0, limit)) {
    const what = o.error !== undefined ? `error: ${o.error.slice(0, 120)}`
      : o.scores ? `R ${f3(o.scores.recall)}, MRR ${f3(o.scores.mrr)}`
      : o.noAnswer?.nearMiss ? 'near miss answered confidently' : 'answered confidently';
    lines.push(`- \`${o.id}\` ${cell(o.question)} — ${what}`);
  }
  if (list.length > limit) lines.push(`- … and ${list.length - limit} more`);
  lines.push('');
  return lines;
}

/** The report as markdown. */
export function formatReport(report: EvalReport, opts: { missesPerSearcher?: number } = {}): string {
  const k = report.k;
  const out: string[] = ['# Retrieval evaluation', ''];
  const meta = Object.entries(report.meta);
  if (meta.length) out.push(...meta.map(([key, v]) => `- ${key}: ${v}`), '');
  const counts = QUESTION_KINDS.filter((q) => report.questionCounts[q]).map((q) => `${q} ${report.questionCounts[q]}`);
  out.push(`Questions: ${counts.join(', ')}.`);
  out.push(
    `Relevance is binary by file SHA-256; neutral files are removed before cutting at ${k}; Recall@${k} divides by ` +
      `min(|relevant|, ${k}). Citations verify when the folded quote is within an edit-distance ratio of ` +
      `${report.tolerance} of the cited page's ground-truth text.` +
      (report.reference ? ` Reference: \`${report.reference}\` (BM25 over the clean ground-truth text).` : ''),
    '',
  );

  out.push('## Overall', '');
  out.push(...table(
    ['searcher', 'n', `Recall@${k}`, `MRR@${k}`, `nDCG@${k}`, 'no-answer ok', 'strict', 'notFound names it', 'citations valid', 'p50 ms', 'p95 ms', 'errors'],
    report.searchers.map((name) => {
      const s: SearcherSummary = report.summary[name]!;
      return [
        name, ...metricCells(s.overall),
        pct(s.noAnswer.success, s.noAnswer.n), pct(s.noAnswer.strict, s.noAnswer.n),
        pct(s.noAnswer.notFoundMatched, s.noAnswer.notFoundExpected),
        `${pct(s.citations.valid, s.citations.total)} of ${s.citations.total}`,
        ms(s.latencyMs.p50), ms(s.latencyMs.p95), String(s.errors),
      ];
    }),
  ), '');

  out.push('## By kind', '');
  const rows: string[][] = [];
  for (const kind of QUESTION_KINDS) {
    if (!report.questionCounts[kind]) continue;
    for (const name of report.searchers) {
      const s = report.summary[name]!;
      if (kind === 'no-answer') {
        const na = s.noAnswer;
        rows.push([kind, name, String(na.n), '—', '—', '—', `no-answer ok ${pct(na.success, na.n)} (strict ${pct(na.strict, na.n)})`]);
        if (na.nearMiss.n) {
          rows.push([`${kind}: near misses`, name, String(na.nearMiss.n), '—', '—', '—',
            `no-answer ok ${pct(na.nearMiss.success, na.nearMiss.n)} (strict ${pct(na.nearMiss.strict, na.nearMiss.n)})`]);
        }
      } else {
        rows.push([kind, name, ...metricCells(s.byKind[kind]), '']);
      }
    }
  }
  out.push(...table(['kind', 'searcher', 'n', `Recall@${k}`, `MRR@${k}`, `nDCG@${k}`, ''], rows), '');

  const goals = goalRows(report);
  if (goals.length) {
    out.push('## Goals', '');
    out.push(...table(
      ['searcher', `Recall@${k} ≥ ${GOALS.recall}`, `nDCG@${k} > reference`, 'citations 100 % valid', `no-answer ≥ ${GOALS.noAnswer * 100} %`],
      goals,
    ), '');
  }

  if (report.questionCounts['no-answer']) {
    out.push('## No-answer questions', '');
    out.push(
      'Answered honestly: no results, `notFound`, only low-confidence results, or `partial` (nothing shown meets every ' +
        'condition). Strict: the same without `partial`. Near misses: several conditions, documents meeting all but one ' +
        'exist; "partial names it": `partial.unmet` names a condition the closest documents miss.',
      '',
    );
    out.push(...table(
      ['searcher', 'all ok', 'all strict', 'near misses ok', 'near misses strict', 'partial names it', 'other ok', 'other strict', 'notFound names it'],
      report.searchers.map((name) => {
        const na = report.summary[name]!.noAnswer;
        const nm = na.nearMiss;
        const frac = (x: number, n: number) => `${x} / ${n}`;
        return [
          name, frac(na.success, na.n), frac(na.strict, na.n), frac(nm.success, nm.n), frac(nm.strict, nm.n),
          nm.unmetExpected > 0 ? frac(nm.unmetNamed, nm.unmetExpected) : '—', frac(na.success - nm.success, na.n - nm.n), frac(na.strict - nm.strict, na.n - nm.n),
          frac(na.notFoundMatched, na.notFoundExpected),
        ];
      }),
    ), '');
  }

  out.push('## Citations', '');
  out.push(...table(
    ['searcher', 'citations', 'valid', 'unverifiable (no such file/page)', 'distance ratio p50', 'p95', 'max'],
    report.searchers.map((name) => {
      const c = report.summary[name]!.citations;
      return [name, String(c.total), String(c.valid), String(c.unverifiable), f3(c.ratioP50), f3(c.ratioP95), f3(c.ratioMax)];
    }),
  ), '');

  const missLines = report.searchers.flatMap((name) => misses(report, name, opts.missesPerSearcher ?? 25));
  if (missLines.length) out.push('## Misses', '', ...missLines);
  return out.join('\n').trimEnd() + '\n';
}

/**
 * Where the citation tolerance comes from. Product quotes are slices of the *stored* page text
 * (OCR output for scans), while validity is judged against the *ground-truth* text, so a genuine
 * quote differs from its page by OCR noise only. Here, passages of the ingested archive (whole
 * chunks and shorter windows of them) are compared with the ground truth of their own page
 * ("genuine") and of a page of another document type ("wrong page"). A good tolerance accepts
 * (nearly) every genuine passage and (nearly) no wrong-page one.
 */
import type Database from 'better-sqlite3';
import type { GroundTruth, GtFile } from '../../fixtures/ground-truth.js';
import { citationDistanceRatio, percentile } from './metrics.js';

/** Summary of a list of edit-distance ratios. */
export interface Distribution {
  n: number;
  min: number;
  p1: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Genuine vs wrong-page distance ratios, and what each tolerance would accept. */
export interface Calibration {
  genuine: Distribution;
  wrongPage: Distribution;
  /** Share of genuine / wrong-page passages accepted at each tolerance tried. */
  accept: { tolerance: number; genuine: number; wrongPage: number }[];
}

function dist(xs: number[]): Distribution {
  return {
    n: xs.length, min: xs.length ? Math.min(...xs) : Number.NaN, p1: percentile(xs, 1), p50: percentile(xs, 50),
    p95: percentile(xs, 95), p99: percentile(xs, 99), max: xs.length ? Math.max(...xs) : Number.NaN,
  };
}

/** The whole chunk plus a window of about `size` characters from its start and from its middle, cut at spaces. */
export function passages(text: string, size: number): string[] {
  const out = [text];
  for (const from of [0, Math.floor(text.length / 2)]) {
    const start = from === 0 ? 0 : text.indexOf(' ', from) + 1;
    const end = text.lastIndexOf(' ', start + size);
    if (start > 0 && end > start + size / 2) out.push(text.slice(start, end));
    else if (start === 0 && end > size / 2) out.push(text.slice(0, end));
  }
  return out.filter((p) => p.trim().length > 0);
}

/**
 * Reads every chunk of the ready documents that belong to the ground truth (`db` is the archive's
 * kwerenda.db) and measures both distributions; `tolerances` are the cut-offs to report.
 */
export function calibrateTolerance(
  db: Database.Database,
  gt: GroundTruth,
  opts: { windowChars?: number; tolerances?: number[] } = {},
): Calibration {
  const files = new Map(gt.files.map((f) => [f.sha256, f]));
  const rows = db
    .prepare(
      `SELECT d.sha256 AS sha256, c.page AS page, c.text AS text FROM chunks c
       JOIN documents d ON d.id = c.document_id WHERE d.status = 'ready' ORDER BY c.id`,
    )
    .all() as { sha256: string; page: number; text: string }[];
  const genuine: number[] = [];
  const wrong: number[] = [];
  rows.forEach((r, i) => {
    const f = files.get(r.sha256);
    const own = f?.pages.find((p) => p.page === r.page)?.text;
    if (!f || own === undefined) return;
    // Deterministic "wrong page": the i-th file of another document type, its first page.
    const others = gt.files.filter((o: GtFile) => o.docType !== f.docType);
    const other = others[i % Math.max(1, others.length)]?.pages[0]?.text;
    for (const p of passages(r.text, opts.windowChars ?? 120)) {
      genuine.push(citationDistanceRatio(p, own));
      if (other !== undefined) wrong.push(citationDistanceRatio(p, other));
    }
  });
  const share = (xs: number[], t: number) => (xs.length ? xs.filter((x) => x <= t).length / xs.length : Number.NaN);
  return {
    genuine: dist(genuine),
    wrongPage: dist(wrong),
    accept: (opts.tolerances ?? [0.02, 0.05, 0.1, 0.15, 0.2]).map((t) => ({
      tolerance: t, genuine: share(genuine, t), wrongPage: share(wrong, t),
    })),
  };
}

export function formatCalibration(c: Calibration): string {
  const f = (x: number) => (Number.isNaN(x) ? '—' : x.toFixed(3));
  const p = (x: number) => (Number.isNaN(x) ? '—' : `${(100 * x).toFixed(1)} %`);
  const d = (x: Distribution) => `n ${x.n}, min ${f(x.min)}, p1 ${f(x.p1)}, p50 ${f(x.p50)}, p95 ${f(x.p95)}, p99 ${f(x.p99)}, max ${f(x.max)}`;
  return [
    '## Citation tolerance (calibration on this archive)',
    '',
    'Edit-distance ratio of stored passages (whole chunks and ~120-character windows) to the ground truth of',
    'their own page (genuine: OCR noise only) and of a page of another document type (wrong page).',
    '',
    `- genuine: ${d(c.genuine)}`,
    `- wrong page: ${d(c.wrongPage)}`,
    '',
    '| tolerance | genuine accepted | wrong page accepted |',
    '|---|---|---|',
    ...c.accept.map((a) => `| ${a.tolerance} | ${p(a.genuine)} | ${p(a.wrongPage)} |`),
    '',
  ].join('\n');
}

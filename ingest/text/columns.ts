/**
 * Two-column detection. A candidate gutter is a vertical line x = g; words crossing it split the
 * page vertically into free intervals. The most populated free interval is the body: its words
 * fall left or right of g. Crossing words above/below (full-width headers, footers) stay there.
 * The layout is accepted only when the body looks like two real columns.
 */
import type { PreWord } from './words.js';
import { lowerBound, median, upperBound } from './util.js';

export interface ColumnSplit {
  /** Word groups in reading order: [above, left, right, below] (possibly empty) or [all]. */
  sections: PreWord[][];
  /** Gutter x when two columns were found. */
  gutter: number | null;
}

export interface ColumnOptions {
  /** Minimum rows in each column (default 3). */
  minRows?: number;
  /** Number of candidate gutter positions across the middle 60% of the text (default 150). */
  candidates?: number;
}

/**
 * Minimum share of the page's words in the body: a two-column layout must carry most of the
 * text, which rejects two-part fragments (signature blocks, forms) on one-column pages.
 */
const MIN_BODY_WORDS = 0.4;
/** Minimum column width as a share of the body width. */
const MIN_COLUMN_WIDTH = 0.25;
/** Minimum column height as a share of the body height. */
const MIN_COLUMN_HEIGHT = 0.25;
/** Minimum gutter width, in median character widths. */
const MIN_GAP_CHARS = 1.5;

interface Stats {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

function stats(ws: readonly PreWord[]): Stats {
  const s = { x0: Infinity, x1: -Infinity, y0: Infinity, y1: -Infinity };
  for (const w of ws) {
    if (w.box.x0 < s.x0) s.x0 = w.box.x0;
    if (w.box.x1 > s.x1) s.x1 = w.box.x1;
    if (w.box.y0 < s.y0) s.y0 = w.box.y0;
    if (w.box.y1 > s.y1) s.y1 = w.box.y1;
  }
  return s;
}

/** Rows in a list of words already sorted by centre y. */
function countRows(sortedByCy: readonly PreWord[], hMed: number): number {
  let rows = 0;
  let last = -Infinity;
  for (const w of sortedByCy) {
    if (w.cy - last > 0.5 * hMed) rows++;
    last = w.cy;
  }
  return rows;
}

interface Candidate {
  score: number;
  lo: number;
  hi: number;
  gutter: number;
  left: PreWord[];
  right: PreWord[];
}

export function detectColumns(
  words: readonly PreWord[],
  hMed: number,
  opts: ColumnOptions = {},
): ColumnSplit {
  const single: ColumnSplit = { sections: [words.slice()], gutter: null };
  const minRows = opts.minRows ?? 3;
  const nCand = Math.max(2, opts.candidates ?? 150);
  if (words.length < 2 * minRows) return single;
  const all = stats(words);
  const width = all.x1 - all.x0;
  const height = all.y1 - all.y0;
  if (!(width > 0) || !(height > 0)) return single;

  const charW =
    median(words.map((w) => (w.box.x1 - w.box.x0) / Math.max(1, w.text.length))) ?? width / 100;
  const minGap = Math.max(MIN_GAP_CHARS * charW, width * 0.005);
  const byCy = words.slice().sort((a, b) => a.cy - b.cy || a.order - b.order);
  const cys = Float64Array.from(byCy, (w) => w.cy);

  let best: Candidate | undefined;
  for (let k = Math.ceil(nCand * 0.2); k <= Math.floor(nCand * 0.8); k++) {
    const g = all.x0 + (width * k) / nCand;
    // Vertical extents of words crossing the candidate gutter, merged into blocked intervals.
    const crossing: [number, number][] = [];
    for (const w of words) if (w.box.x0 < g && w.box.x1 > g) crossing.push([w.box.y0, w.box.y1]);
    crossing.sort((a, b) => a[0] - b[0]);
    let freeLo = -Infinity;
    let bestCount = -1;
    let lo = 0;
    let hi = 0;
    const consider = (a: number, b: number) => {
      const count = lowerBound(cys, b) - upperBound(cys, a);
      if (count > bestCount) [bestCount, lo, hi] = [count, a, b];
    };
    for (const [a, b] of crossing) {
      if (a > freeLo) consider(freeLo, a);
      freeLo = Math.max(freeLo, b);
    }
    consider(freeLo, Infinity);
    if (bestCount < MIN_BODY_WORDS * words.length) continue;

    const body = byCy.slice(upperBound(cys, lo), lowerBound(cys, hi));
    const left = body.filter((w) => w.box.x1 <= g);
    const right = body.filter((w) => w.box.x1 > g);
    if (left.length < minRows || right.length < minRows) continue;
    const ls = stats(left);
    const rs = stats(right);
    const gap = rs.x0 - ls.x1;
    if (gap < minGap) continue;
    const bodyW = rs.x1 - ls.x0;
    const bodyH = Math.max(ls.y1, rs.y1) - Math.min(ls.y0, rs.y0);
    if (ls.x1 - ls.x0 < MIN_COLUMN_WIDTH * bodyW || rs.x1 - rs.x0 < MIN_COLUMN_WIDTH * bodyW) continue;
    if (ls.y1 - ls.y0 < MIN_COLUMN_HEIGHT * bodyH || rs.y1 - rs.y0 < MIN_COLUMN_HEIGHT * bodyH) continue;
    if (countRows(left, hMed) < minRows || countRows(right, hMed) < minRows) continue;
    // Words narrowing the gutter (e.g. a centred page number) make a candidate worse.
    const score = body.length * gap;
    if (!best || score > best.score) {
      best = { score, lo, hi, gutter: (ls.x1 + rs.x0) / 2, left, right };
    }
  }
  if (!best) return single;

  const above = byCy.slice(0, upperBound(cys, best.lo));
  const below = byCy.slice(lowerBound(cys, best.hi));
  return { sections: [above, best.left, best.right, below], gutter: best.gutter };
}

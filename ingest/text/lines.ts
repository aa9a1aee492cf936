/**
 * Group words into visual lines. Engine line ids are used when they are vertically coherent;
 * otherwise (or for single-word ids, as a text layer gives) words are grouped by vertical
 * overlap. Groups lying on the same visual line are merged.
 */
import { effectiveBand, type PreWord } from './words.js';
import { median } from './util.js';

export interface Line {
  /** Left to right. */
  words: PreWord[];
  /** Reference vertical band (mean of the member units' bands). */
  y0: number;
  y1: number;
  block: number | undefined;
}

interface Unit {
  words: PreWord[];
  y0: number;
  y1: number;
  cy: number;
  x0: number;
}

interface OpenLine {
  units: Unit[];
  sumY0: number;
  sumY1: number;
  y0: number;
  y1: number;
}

/** Min vertical overlap, as a fraction of the smaller height, for two units to share a line. */
const MERGE_OVERLAP = 0.5;
/** Max spread of word centres within one engine line, in median word heights. */
const COHERENT_SPREAD = 0.7;

function makeUnit(words: PreWord[], hMed: number): Unit {
  const bands = words.map((w) => effectiveBand(w, hMed));
  const y0 = median(bands.map((b) => b[0]))!;
  const y1 = median(bands.map((b) => b[1]))!;
  let x0 = Infinity;
  for (const w of words) x0 = Math.min(x0, w.box.x0);
  return { words, y0, y1, cy: (y0 + y1) / 2, x0 };
}

function buildUnits(words: readonly PreWord[], hMed: number): Unit[] {
  const groups = new Map<string, PreWord[]>();
  const units: Unit[] = [];
  for (const w of words) {
    if (w.lineKey === null) {
      units.push(makeUnit([w], hMed));
      continue;
    }
    const g = groups.get(w.lineKey);
    if (g) g.push(w);
    else groups.set(w.lineKey, [w]);
  }
  for (const g of groups.values()) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const w of g) {
      lo = Math.min(lo, w.cy);
      hi = Math.max(hi, w.cy);
    }
    if (hi - lo <= COHERENT_SPREAD * hMed) units.push(makeUnit(g, hMed));
    else for (const w of g) units.push(makeUnit([w], hMed));
  }
  return units;
}

function overlapRatio(a0: number, a1: number, b0: number, b1: number): number {
  const inter = Math.min(a1, b1) - Math.max(a0, b0);
  if (inter <= 0) return 0;
  const minH = Math.min(a1 - a0, b1 - b0);
  return minH > 0 ? inter / minH : 1;
}

function boxIoU(a: PreWord, b: PreWord): number {
  const ix = Math.min(a.box.x1, b.box.x1) - Math.max(a.box.x0, b.box.x0);
  const iy = Math.min(a.box.y1, b.box.y1) - Math.max(a.box.y0, b.box.y0);
  if (ix <= 0 || iy <= 0) return 0;
  const inter = ix * iy;
  const area = (w: PreWord) => (w.box.x1 - w.box.x0) * (w.box.y1 - w.box.y0);
  return inter / (area(a) + area(b) - inter);
}

function byX(a: PreWord, b: PreWord): number {
  return a.box.x0 - b.box.x0 || a.box.x1 - b.box.x1 || a.cy - b.cy || a.order - b.order;
}

/** Drop exact duplicates drawn on top of each other (PDF "fake bold" draws text twice). */
function dedupe(sorted: PreWord[]): PreWord[] {
  const out: PreWord[] = [];
  for (const w of sorted) {
    const prev = out[out.length - 1];
    if (prev && prev.text === w.text && boxIoU(prev, w) > 0.6) continue;
    out.push(w);
  }
  return out;
}

/** Group `words` (one column or region) into lines sorted top to bottom. */
export function groupLines(words: readonly PreWord[], hMed: number): Line[] {
  if (words.length === 0) return [];
  const units = buildUnits(words, hMed).sort((a, b) => a.cy - b.cy || a.x0 - b.x0);
  let maxH = 0;
  for (const u of units) maxH = Math.max(maxH, u.y1 - u.y0);

  const done: OpenLine[] = [];
  let active: OpenLine[] = [];
  for (const u of units) {
    // Lines ending well above this unit can no longer reach the merge threshold.
    if (active.length > 8) {
      const keep: OpenLine[] = [];
      for (const l of active) (l.y1 < u.cy - maxH ? done : keep).push(l);
      active = keep;
    }
    let best: OpenLine | undefined;
    let bestRatio = MERGE_OVERLAP;
    for (const l of active) {
      const r = overlapRatio(u.y0, u.y1, l.y0, l.y1);
      if (r >= bestRatio) {
        best = l;
        bestRatio = r;
      }
    }
    if (best) {
      best.units.push(u);
      best.sumY0 += u.y0;
      best.sumY1 += u.y1;
      best.y0 = best.sumY0 / best.units.length;
      best.y1 = best.sumY1 / best.units.length;
    } else {
      active.push({ units: [u], sumY0: u.y0, sumY1: u.y1, y0: u.y0, y1: u.y1 });
    }
  }
  done.push(...active);

  const lines: Line[] = done.map((l) => {
    const ws = dedupe(l.units.flatMap((u) => u.words).sort(byX));
    return { words: ws, y0: l.y0, y1: l.y1, block: ws.find((w) => w.block !== undefined)?.block };
  });
  return lines.sort(
    (a, b) => a.y0 + a.y1 - (b.y0 + b.y1) || a.words[0]!.box.x0 - b.words[0]!.box.x0,
  );
}

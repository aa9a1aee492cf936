/** Test helpers for the text modules: a seeded PRNG and synthetic page builders. */
import type { RawWord, Word } from '../types.js';

/** mulberry32: small, fast, deterministic PRNG returning [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(xs: readonly T[], rnd: () => number): T[] {
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

export interface LineSpec {
  text: string;
  x0: number;
  y0: number;
  /** Line id; defaults to a running counter. */
  line?: number;
  block?: number;
}

export interface BuildOptions {
  /** Character width (default 0.008) and line height (default 0.015). */
  charW?: number;
  h?: number;
  /**
   * 'line': one id per line (OCR); 'word': one id per word (text layer runs);
   * 'run': the whole line is one RawWord with spaces in it (text layer item).
   */
  ids?: 'line' | 'word' | 'run';
}

let counter = 0;

/** Build RawWords for lines of monospaced synthetic text. */
export function buildWords(lines: readonly LineSpec[], opts: BuildOptions = {}): RawWord[] {
  const charW = opts.charW ?? 0.008;
  const h = opts.h ?? 0.015;
  const ids = opts.ids ?? 'line';
  const out: RawWord[] = [];
  for (const l of lines) {
    const lineId = l.line ?? counter++;
    const base = { confidence: 90, ...(l.block !== undefined ? { block: l.block } : {}) };
    if (ids === 'run') {
      const box = { x0: l.x0, y0: l.y0, x1: l.x0 + charW * l.text.length, y1: l.y0 + h };
      out.push({ text: l.text, box, line: lineId, ...base });
      continue;
    }
    const re = /\S+/g;
    for (let m = re.exec(l.text); m; m = re.exec(l.text)) {
      const x0 = l.x0 + charW * m.index;
      const box = { x0, y0: l.y0, x1: x0 + charW * m[0].length, y1: l.y0 + h };
      out.push({ text: m[0], box, line: ids === 'word' ? counter++ : lineId, ...base });
    }
  }
  return out;
}

/** Greedy word wrap to lines of at most `width` characters. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const w of text.split(/\s+/).filter(Boolean)) {
    if (cur && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines;
}

/** Lines stacked top to bottom at a fixed pitch. */
export function stack(texts: readonly string[], x0: number, y0: number, pitch = 0.02): LineSpec[] {
  return texts.map((text, i) => ({ text, x0, y0: y0 + i * pitch }));
}

/** Check the offset invariants; returns a list of problems (empty when all hold). */
export function offsetProblems(text: string, words: readonly Word[], expected?: string[]): string[] {
  const problems: string[] = [];
  let prevEnd = -1;
  words.forEach((w, i) => {
    if (!(w.start < w.end)) problems.push(`word ${i}: empty span ${w.start}..${w.end}`);
    if (w.start < prevEnd) problems.push(`word ${i}: overlaps previous`);
    if (w.end > text.length) problems.push(`word ${i}: beyond text`);
    const s = text.slice(w.start, w.end);
    if (/\s/u.test(s)) problems.push(`word ${i}: contains whitespace ${JSON.stringify(s)}`);
    if (expected && s !== expected[i]) problems.push(`word ${i}: ${JSON.stringify(s)} != ${JSON.stringify(expected[i])}`);
    for (const k of ['x0', 'y0', 'x1', 'y1'] as const) {
      if (!Number.isFinite(w.box[k])) problems.push(`word ${i}: box.${k} not finite`);
    }
    prevEnd = w.end;
  });
  return problems;
}

/** Polish administrative vocabulary for random pages. */
export const VOCAB = (
  'Na podstawie art. 28 ustawy z dnia 7 lipca 1994 r. – Prawo budowlane (Dz. U. z 2019 r. ' +
  'poz. 1186 ze zm.) po rozpatrzeniu wniosku inwestora Jana Kowalskiego zatwierdzam projekt ' +
  'budowlany i udzielam pozwolenia na budowę budynku mieszkalnego jednorodzinnego na działce ' +
  'nr 45/7 obręb Krzyki ul. Ślężna 12 we Wrocławiu decyzja WUA-ZRB.6740.1.123.2019 ' +
  'Skłodowskiej-Curie 54-123 żółć źdźbło gęślą jaźń'
).split(' ');

/**
 * Page layout: turn engine words (text layer or OCR) into a page text with exact offsets.
 *
 * Pipeline: normalise words (NFC, split runs on whitespace) -> detect a two-column body ->
 * group each section into lines -> join words with " ", lines with "\n", paragraphs and
 * sections with "\n\n", joining line-end hyphenation ("budow-" + "lanego" -> "budowlanego").
 *
 * Invariant: for every output word, `text.slice(w.start, w.end)` is that word's text, and
 * offsets are strictly increasing.
 */
import type { RawWord, Word } from '../types.js';
import { detectColumns } from './columns.js';
import { groupLines, type Line } from './lines.js';
import { median } from './util.js';
import { medianHeight, normaliseWords, SOFT_HYPHEN, type PreWord } from './words.js';

export interface LayoutOptions {
  /** 'auto' detects a two-column body (default); 'single' keeps one column. */
  columns?: 'auto' | 'single';
  /** Join line-end hyphenation (default true). */
  joinHyphens?: boolean;
  /**
   * A line starts a new paragraph when its gap to the previous line exceeds the typical gap by
   * this many typical line heights (default 0.5).
   */
  paragraphGap?: number;
}

export interface LayoutResult {
  text: string;
  words: Word[];
}

/** A word ending in a hyphen after a letter: a possible line-end hyphenation. */
const HYPHENATED = /\p{L}[-\u00AD\u00AC\u2010]$/u;
const STARTS_LOWER = /^\p{Ll}/u;

type Sep = '' | ' ' | '\n' | '\n\n';

interface Placed {
  word: PreWord;
  /** Separator emitted before the word. */
  sep: Sep;
}

/** Decide separators between lines of all sections, in reading order. */
function placeWords(sections: Line[][], paragraphGap: number, joinHyphens: boolean): Placed[] {
  const gaps: number[] = [];
  const heights: number[] = [];
  for (const lines of sections) {
    lines.forEach((l, i) => {
      heights.push(l.y1 - l.y0);
      if (i > 0) gaps.push(l.y0 - lines[i - 1]!.y1);
    });
  }
  const typicalGap = median(gaps) ?? 0;
  const typicalH = median(heights) ?? 0;
  const threshold = typicalGap + paragraphGap * typicalH;

  const placed: Placed[] = [];
  let pending: Sep | null = null;
  for (const lines of sections) {
    if (lines.length === 0) continue;
    if (pending !== null) pending = '\n\n';
    lines.forEach((line, i) => {
      if (i > 0) {
        const prev = lines[i - 1]!;
        const blockChange =
          prev.block !== undefined && line.block !== undefined && prev.block !== line.block;
        const paragraph = blockChange || line.y0 - prev.y1 > threshold;
        const last = placed[placed.length - 1];
        const first = line.words[0]!;
        if (
          !paragraph &&
          joinHyphens &&
          last &&
          HYPHENATED.test(last.word.text) &&
          STARTS_LOWER.test(first.text)
        ) {
          pending = '';
        } else {
          pending = paragraph ? '\n\n' : '\n';
        }
      }
      line.words.forEach((word, j) => {
        placed.push({ word, sep: j === 0 ? (pending ?? '') : ' ' });
      });
      pending = '\n';
    });
  }
  return placed;
}

/** Final text of a word given what follows it. */
function finalText(p: Placed, next: Placed | undefined): string {
  const t = p.word.text;
  if (next && next.sep === '') return t.slice(0, -1); // joined hyphenation: drop the hyphen
  if (t.endsWith(SOFT_HYPHEN)) {
    // A soft hyphen is only visible at a line end; there it renders as a hyphen.
    const atLineEnd = !next || next.sep === '\n' || next.sep === '\n\n';
    return atLineEnd ? t.slice(0, -1) + '-' : t.slice(0, -1);
  }
  return t;
}

export function layoutPage(raw: readonly RawWord[], opts: LayoutOptions = {}): LayoutResult {
  const words = normaliseWords(raw ?? []);
  if (words.length === 0) return { text: '', words: [] };
  const hMed = medianHeight(words);
  const split =
    opts.columns === 'single' ? [words] : detectColumns(words, hMed).sections;
  const sections = split.filter((s) => s.length > 0).map((s) => groupLines(s, hMed));
  const placed = placeWords(sections, opts.paragraphGap ?? 0.5, opts.joinHyphens ?? true);

  const parts: string[] = [];
  const out: Word[] = [];
  let pos = 0;
  placed.forEach((p, i) => {
    const t = finalText(p, placed[i + 1]);
    if (out.length > 0) {
      parts.push(p.sep);
      pos += p.sep.length;
    }
    const b = p.word.box;
    out.push({
      start: pos,
      end: pos + t.length,
      box: { x0: b.x0, y0: b.y0, x1: b.x1, y1: b.y1 },
      confidence: p.word.confidence,
      ...(p.word.run ? { run: { ...p.word.run } } : {}),
    });
    parts.push(t);
    pos += t.length;
  });
  return { text: parts.join(''), words: out };
}

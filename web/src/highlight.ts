/**
 * Which words of a citation to mark: the words and identifiers the plan searched for (the response's
 * plan, nothing else). Matching folds case and Polish diacritics (ł too) and accepts inflected
 * endings (decyzja ~ decyzji), like the index does.
 */
import { h } from './dom.js';
import type { PlanStepView } from './types.js';

const FOLD: Record<string, string> = { ą: 'a', ć: 'c', ę: 'e', ł: 'l', ń: 'n', ó: 'o', ś: 's', ź: 'z', ż: 'z' };

/** Lower case, diacritics removed, one character for one (offsets stay valid). */
export function fold(s: string): string {
  let out = '';
  for (const ch of s) {
    const lower = ch.toLowerCase();
    const one = lower.length === ch.length ? lower : ch;
    out += FOLD[one] ?? (one.length === 1 ? one : ch);
  }
  return out;
}

/** Search terms of a plan: the words of its keyword queries and its identifier values. */
export function termsOf(plan: PlanStepView[]): string[] {
  const out = new Set<string>();
  for (const s of plan) {
    for (const src of [s.query, s.value]) {
      if (!src) continue;
      for (const raw of src.split(/\s+/)) {
        const t = fold(raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''));
        if (t.length >= 3 || /\d/.test(t)) out.add(t);
      }
    }
  }
  return [...out];
}

/** Character ranges of `text` that match any term, merged and sorted. */
export function matchRanges(text: string, terms: string[]): [number, number][] {
  const folded = fold(text);
  const ranges: [number, number][] = [];
  const words = terms.filter((t) => /^\p{L}+$/u.test(t));
  const idents = terms.filter((t) => !/^\p{L}+$/u.test(t));
  for (const t of idents) {
    for (let i = folded.indexOf(t); i >= 0; i = folded.indexOf(t, i + t.length)) ranges.push([i, i + t.length]);
  }
  for (const m of folded.matchAll(/\p{L}+/gu)) {
    const w = m[0];
    if (words.some((t) => w === t || (t.length >= 5 && w.length >= 4 && w.startsWith(t.slice(0, Math.max(4, t.length - 2)))))) {
      ranges.push([m.index, m.index + w.length]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** `text` as nodes with the given ranges wrapped in <mark>. */
export function marked(text: string, ranges: [number, number][], markAttrs: Record<string, string> = {}): Node[] {
  const out: Node[] = [];
  let at = 0;
  for (const [s, e] of ranges) {
    if (s > at) out.push(document.createTextNode(text.slice(at, s)));
    out.push(h('mark', markAttrs, text.slice(s, e)));
    at = e;
  }
  if (at < text.length) out.push(document.createTextNode(text.slice(at)));
  return out;
}

import { describe, expect, it } from 'vitest';
import type { Chunk } from '../types.js';
import { chunkPages } from './chunk.js';
import { prng, VOCAB } from './testkit.js';

const SENTENCE =
  'Na podstawie art. 28 ustawy z dnia 7 lipca 1994 r. – Prawo budowlane (Dz. U. z 2019 r. ' +
  'poz. 1186 ze zm.) po rozpatrzeniu wniosku inwestora z dnia 14 marca 2019 r. zatwierdzam ' +
  'projekt budowlany dla działki nr 45/7 przy ul. Ślężnej 12 we Wrocławiu.';

function checkChunks(pages: { page: number; text: string }[], chunks: Chunk[], max: number) {
  const byPage = new Map(pages.map((p) => [p.page, p.text]));
  let prev: Chunk | undefined;
  for (const c of chunks) {
    const text = byPage.get(c.page)!;
    expect(c.text).toBe(text.slice(c.start, c.end));
    expect(c.text.length).toBeGreaterThan(0);
    expect(c.text).toBe(c.text.trim());
    expect(c.end - c.start).toBeLessThanOrEqual(max);
    // Never cut inside a word: the chunk is bounded by whitespace or the page edges.
    expect(c.start === 0 || /\s/.test(text[c.start - 1]!)).toBe(true);
    expect(c.end === text.length || /\s/.test(text[c.end]!)).toBe(true);
    if (prev && prev.page === c.page) {
      expect(c.start).toBeGreaterThan(prev.start);
      expect(c.start).toBeLessThanOrEqual(prev.end + (text.slice(prev.end).match(/^\s*/)![0].length));
    }
    prev = c;
  }
  // Every non-whitespace character of every page is covered by some chunk.
  for (const p of pages) {
    const covered = new Uint8Array(p.text.length);
    for (const c of chunks) if (c.page === p.page) covered.fill(1, c.start, c.end);
    const missed: number[] = [];
    for (let i = 0; i < p.text.length; i++) if (!covered[i] && !/\s/.test(p.text[i]!)) missed.push(i);
    expect(missed).toEqual([]);
  }
}

describe('chunkPages', () => {
  it('keeps a short page as one trimmed chunk and skips blank pages', () => {
    const pages = [
      { page: 1, text: '\n  DECYZJA nr 123/2019\n\nZatwierdzam projekt.  \n' },
      { page: 2, text: ' \n\t ' },
      { page: 3, text: '' },
    ];
    const chunks = chunkPages(pages);
    const text = 'DECYZJA nr 123/2019\n\nZatwierdzam projekt.';
    expect(chunks).toEqual([{ page: 1, start: 3, end: 3 + text.length, text }]);
  });

  it('never crosses pages and keeps text === pageText.slice(start, end)', () => {
    const pages = [1, 2, 3].map((page) => ({ page, text: Array(8).fill(SENTENCE).join(' ') }));
    const chunks = chunkPages(pages);
    expect(new Set(chunks.map((c) => c.page))).toEqual(new Set([1, 2, 3]));
    checkChunks(pages, chunks, 1000);
  });

  it('prefers the paragraph boundary closest to the target size', () => {
    const paragraphs = Array(8).fill(SENTENCE) as string[]; // 246 chars each
    const text = paragraphs.join('\n\n');
    const chunks = chunkPages([{ page: 1, text }], { overlapChars: 0 });
    expect(chunks.map((c) => c.text)).toEqual([
      paragraphs.slice(0, 3).join('\n\n'),
      paragraphs.slice(3, 6).join('\n\n'),
      paragraphs.slice(6).join('\n\n'),
    ]);
  });

  it('falls back to sentence ends, ignoring abbreviations', () => {
    const text = Array(6).fill(SENTENCE).join(' ');
    const chunks = chunkPages([{ page: 1, text }], { overlapChars: 0 });
    for (const c of chunks.slice(0, -1)) expect(c.text.endsWith('we Wrocławiu.')).toBe(true);
    for (const c of chunks) expect(c.text.startsWith('Na podstawie art.')).toBe(true);
  });

  it('falls back to whitespace inside one endless sentence', () => {
    const text = Array(400).fill('budynku').join(' ');
    const chunks = chunkPages([{ page: 7, text }]);
    expect(chunks.length).toBeGreaterThan(3);
    checkChunks([{ page: 7, text }], chunks, 1000);
    for (const c of chunks) expect(c.text).toMatch(/^budynku( budynku)*$/);
  });

  it('overlaps consecutive chunks by about overlapChars, starting at a word', () => {
    const text = Array(10).fill(SENTENCE).join(' ');
    const chunks = chunkPages([{ page: 1, text }], { overlapChars: 100 });
    for (let i = 1; i < chunks.length; i++) {
      const overlap = chunks[i - 1]!.end - chunks[i]!.start;
      expect(overlap).toBeGreaterThan(0);
      expect(overlap).toBeLessThanOrEqual(100);
      expect(/\s/.test(text[chunks[i]!.start - 1]!)).toBe(true);
    }
  });

  it('cuts an oversized token without splitting a surrogate pair', () => {
    const text = 'a ' + '😀'.repeat(800);
    const chunks = chunkPages([{ page: 1, text }], { targetChars: 100, maxChars: 151 });
    expect(chunks.map((c) => c.text).join('')).toBe('a' + '😀'.repeat(800));
    for (const c of chunks) {
      expect(c.end - c.start).toBeLessThanOrEqual(151);
      expect(c.text).toBe(c.text.normalize('NFC'));
      expect(c.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });

  it('holds its invariants on random pages and options', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rnd = prng(seed);
      const pages = Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, i) => {
        const n = Math.floor(rnd() * 600);
        let text = '';
        for (let k = 0; k < n; k++) {
          const r = rnd();
          const sep = r < 0.03 ? '\n\n' : r < 0.1 ? '\n' : r < 0.12 ? '  ' : ' ';
          text += (k ? sep : rnd() < 0.5 ? ' \n' : '') + VOCAB[Math.floor(rnd() * VOCAB.length)]!;
          if (rnd() < 0.05) text += '.';
        }
        return { page: i + 1, text };
      });
      const target = 50 + Math.floor(rnd() * 900);
      const max = target + Math.floor(rnd() * 500);
      const overlap = Math.floor(rnd() * 200);
      const chunks = chunkPages(pages, { targetChars: target, maxChars: max, overlapChars: overlap });
      checkChunks(pages, chunks, max);
    }
  });
});

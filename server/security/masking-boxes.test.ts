/**
 * Which parts of a page image are covered to hide identifiers: a word's own box when it is exact,
 * its whole run when its box is an estimate, whole lines when nothing tells estimates apart.
 */
import { describe, expect, it } from 'vitest';
import { IdentifierCovers } from '../services/identifier-covers.js';
import { layoutPage } from '../../ingest/text/layout.js';
import { identifierBoxes, identifierLineBoxes } from './masking.js';

const TEXT = 'Wniosek o pozwolenie\nInwestor: Jan Kowalski, PESEL 85010112345, Wrocław\nDziałka 45/7';
/** Words of TEXT with made-up boxes: line i at y = 0.1 * (i + 1), each word 0.1 wide. */
function words(text: string) {
  const out: { start: number; end: number; box: { x0: number; y0: number; x1: number; y1: number } }[] = [];
  let line = 0;
  let col = 0;
  for (const m of text.matchAll(/\S+|\n/g)) {
    if (m[0] === '\n') {
      line++;
      col = 0;
      continue;
    }
    const y0 = 0.1 * (line + 1);
    out.push({ start: m.index, end: m.index + m[0].length, box: { x0: 0.1 * col, y0, x1: 0.1 * col + 0.09, y1: y0 + 0.02 } });
    col++;
  }
  return out;
}

type B = { x0: number; y0: number; x1: number; y1: number };
const round = (bs: B[]) => bs.map((b) => ({ x0: +b.x0.toFixed(4), y0: +b.y0.toFixed(4), x1: +b.x1.toFixed(4), y1: +b.y1.toFixed(4) }));
const WORD = { x0: 0.4, y0: 0.2, x1: 0.49, y1: 0.22 };
const LINE = { x0: 0, y0: 0.2, x1: 0.59, y1: 0.22 };

describe('covering identifiers on a page image', () => {
  it('covers an exact word by its own box, an estimated one by its run', () => {
    expect(round(identifierBoxes({ text: TEXT, words: words(TEXT) }))).toEqual([WORD]);
    const laid = layoutPage([{ text: 'Inwestor: Jan Kowalski, PESEL 85010112345, Wrocław', box: { x0: 0.1, y0: 0.2, x1: 0.8, y1: 0.22 }, confidence: 100, line: 0 }]);
    expect(identifierBoxes(laid)).toEqual([{ x0: 0.1, y0: 0.2, x1: 0.8, y1: 0.22 }]);
  });

  it('covers the whole line holding an identifier when the boxes cannot be trusted', () => {
    expect(round(identifierLineBoxes({ text: TEXT, words: words(TEXT) }))).toEqual([LINE]);
    expect(identifierLineBoxes({ text: 'Wrocław 12', words: words('Wrocław 12') })).toEqual([]);
  });

  it('a text-layer page whose layer cannot be read afresh gets whole lines; an OCR page its words', async () => {
    const covers = new IdentifierCovers({ textLayer: async () => null });
    expect(round(await covers.boxes(1, 1, { text: TEXT, words: words(TEXT), source: 'text-layer' }))).toEqual([LINE]);
    expect(round(await covers.boxes(1, 1, { text: TEXT, words: words(TEXT), source: 'ocr' }))).toEqual([WORD]);
    expect(await covers.boxes(1, 1, { text: 'Działka 45/7', words: words('Działka 45/7'), source: 'text-layer' })).toEqual([]);
  });
});

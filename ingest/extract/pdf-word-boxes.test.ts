/**
 * Word boxes of a born-digital PDF come from the glyphs' own advances (pdf.js, patched to report
 * them: patches/), not from cutting a text run in proportion to its characters. In a proportional
 * font the proportional cut lands beside the word — a PESEL's cover then shows its first digits.
 * A run whose advances are unknown is still cut in proportion, but its words say so and carry the
 * box of the whole run.
 */
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fontBytes, textWidth } from '../../fixtures/fonts.js';
import { layoutPage } from '../text/layout.js';
import type { Word } from '../types.js';
import { PdfSession } from './pdf-session.js';

const SIZE = 11;
const X = 50;
const LINES = [
  'Wnioskodawca: Jan Kowalski, PESEL: 85010112345, zamieszkały we Wrocławiu',
  'legitymujący się dowodem osobistym ABA 300000 wydanym przez Prezydenta Miasta',
];
/** Width of `s` as pdf-lib lays it out: glyph advances one by one, no kerning. */
const advance = (s: string) => [...s].reduce((w, ch) => w + textWidth(ch, 'sans-r', SIZE), 0);

describe('word boxes of a born-digital PDF', () => {
  let session: PdfSession;
  let text: string;
  let words: Word[];

  beforeAll(async () => {
    const pdf = await PDFDocument.create();
    pdf.registerFontkit(fontkit);
    const font = await pdf.embedFont(fontBytes('sans-r'), { subset: true });
    const page = pdf.addPage([595, 842]);
    LINES.forEach((line, i) => page.drawText(line, { x: X, y: 780 - i * 22, size: SIZE, font, color: rgb(0, 0, 0) }));
    session = await PdfSession.open(await pdf.save(), { timeoutMs: 30_000, memoryMb: 256, passwords: [], maxImagePixels: 100_000_000 });
    const layer = await session.text(1);
    ({ text, words } = layoutPage(layer.words));
  });
  afterAll(async () => {
    await session?.close();
  });

  /** The word of the page text starting with `prefix`, its box in points from the left edge. */
  const span = (prefix: string) => {
    const at = text.indexOf(prefix);
    const w = words.find((x) => x.start === at)!;
    expect(w, prefix).toBeDefined();
    return { x0: w.box.x0 * 595, x1: w.box.x1 * 595, word: w };
  };

  it('puts each word where its glyphs are, to a fraction of a point', () => {
    for (const [line, word] of [
      [LINES[0]!, '85010112345,'],
      [LINES[0]!, 'PESEL:'],
      [LINES[1]!, 'ABA'],
      [LINES[1]!, '300000'],
      [LINES[1]!, 'wydanym'],
    ] as const) {
      const before = line.slice(0, line.indexOf(word));
      const got = span(word);
      expect(got.x0, word).toBeCloseTo(X + advance(before), 0);
      expect(got.x1, word).toBeCloseTo(X + advance(before + word), 0);
      expect(got.word.run, word).toBeUndefined();
    }
  });

  it('a run without glyph advances is cut in proportion, and its words carry the run\'s box', () => {
    const run = { x0: 0.1, y0: 0.2, x1: 0.7, y1: 0.22 };
    const laid = layoutPage([
      { text: 'PESEL: 85010112345', box: run, confidence: 100, line: 0 },
      { text: 'Wrocław', box: { x0: 0.1, y0: 0.3, x1: 0.3, y1: 0.32 }, confidence: 100, line: 1 },
    ]);
    expect(laid.text).toBe('PESEL: 85010112345\nWrocław');
    expect(laid.words.map((w) => w.run)).toEqual([run, run, undefined]);
  });
});

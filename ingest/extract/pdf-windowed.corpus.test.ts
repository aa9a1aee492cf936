/** PDFs of the real corpus read a window of pages at a time end as they do read whole. */
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { corpusDir as CORPUS } from '../../test/helpers/paths.js';
import { PdfSession, type PdfSessionOptions } from './pdf-session.js';
import { pixelMad, uprightPixels } from './pdf-image-testkit.js';

const BASE: PdfSessionOptions = { timeoutMs: 60_000, memoryMb: 512, passwords: [], maxImagePixels: 100_000_000 };
const WINDOWED: PdfSessionOptions = { ...BASE, windowBytes: 0, windowPages: 2 };

describe('real corpus PDFs read a window of pages at a time', () => {
  it('a CCITT (1-bit) scan: pdf.js\'s packed bits are the very pixels of the whole-file mode\'s TIFF', async () => {
    const file = path.join(CORPUS, 'ocrmypdf_ccitt.pdf');
    const [whole, windowed] = [await PdfSession.openFile(file, BASE), await PdfSession.openFile(file, WINDOWED)];
    try {
      const [ia, ib] = [await whole.image(1, 300, BASE.maxImagePixels), await windowed.image(1, 300, BASE.maxImagePixels)];
      expect(ia.kind === 'encoded' && ia.format).toBe('tiff');
      expect(ib.kind === 'raw' && ib.channels).toBe(1);
      const [pa, pb] = [await uprightPixels(ia), await uprightPixels(ib)];
      expect([pb.width, pb.height]).toEqual([pa.width, pa.height]);
      expect(pixelMad(pa.data, pb.data)).toBe(0);
    } finally {
      await whole.close();
      await windowed.close();
    }
  });

  // Hostile and odd files end the same way in both modes: same pages, or the same failure code.
  const files = ['ocrmypdf_ccitt.pdf', 'ocrmypdf_rotated_skew.pdf', 'qpdf_deep-pages.pdf', 'qpdf_fuzz_69977a.pdf', 'qpdf_empty.pdf', 'ocrmypdf_invalid.pdf', 'qpdf_encrypted-with-images.pdf', 'qpdf_bad-xref.pdf'];
  for (const name of files) {
    it(`corpus ${name}: same outcome as the whole-file mode`, async () => {
      const file = path.join(CORPUS, name);
      const outcome = async (opts: PdfSessionOptions) => {
        try {
          const s = await PdfSession.openFile(file, { ...opts, timeoutMs: 20_000 });
          try {
            const kinds: string[] = [];
            for (let p = 1; p <= Math.min(s.pageCount, 3); p++) {
              const t = await s.text(p);
              if (t.chars === 0) kinds.push((await s.image(p, 150, BASE.maxImagePixels)).kind === 'rejected' ? 'rejected' : 'image');
              else kinds.push('text');
            }
            return { pages: s.pageCount, kinds };
          } finally {
            await s.close();
          }
        } catch (err) {
          return { error: (err as { code?: string }).code };
        }
      };
      const [a, b] = [await outcome(BASE), await outcome(WINDOWED)];
      expect(b).toEqual(a);
    }, 90_000);
  }
});

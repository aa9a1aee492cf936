/**
 * The fast path must give the same picture pdf.js renders: same orientation (/Rotate, quarter-turn
 * matrices), same content (polarity of the corpus's CCITT scans: pdf-image-render.corpus.test.ts). Both are squeezed
 * to 100 px wide grayscale and compared by mean absolute difference (0..255).
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { madAgainstPdfjs, makePdf, meanAbsDiff, renderWithPdfjs, testPicture } from './pdf-image-testkit.js';
const MAX_MAD = 6; // observed 0.0–3.6 on the corpus; an inverted or turned page gives 40–200

describe('fast path vs pdf.js rendering: orientation', () => {
  const picture = () => sharp(testPicture(400, 200)).jpeg().toBuffer();
  const dict = { Width: 400, Height: 200, BitsPerComponent: 8, ColorSpace: 'DeviceRGB', Filter: 'DCTDecode' };
  const cases: [string, [number, number], string, number | undefined, number][] = [
    ['upright', [200, 100], '200 0 0 100 0 0', undefined, 0],
    ['/Rotate 90', [200, 100], '200 0 0 100 0 0', 90, 90],
    ['/Rotate 180', [200, 100], '200 0 0 100 0 0', 180, 180],
    ['matrix turned 90', [100, 200], '0 -200 100 0 0 200', undefined, 90],
    ['matrix turned 180', [200, 100], '-200 0 0 -100 200 100', undefined, 180],
    ['matrix turned 270', [100, 200], '0 200 -100 0 100 0', undefined, 270],
    ['matrix 270 + /Rotate 270', [100, 200], '0 200 -100 0 100 0', 270, 180],
  ];
  for (const [label, size, cm, rotate, want] of cases) {
    it(`JPEG orientation: ${label}`, async () => {
      const bytes = await makePdf({ size, images: { Im0: { data: await picture(), dict } }, content: `q ${cm} cm /Im0 Do Q`, rotate });
      const { mad, img } = await madAgainstPdfjs(bytes);
      expect(img.rotate).toBe(want);
      expect(mad).toBeLessThan(MAX_MAD);
      // The comparison is sensitive: the wrong turn is far off.
      const wrong = await meanAbsDiff(await renderWithPdfjs(bytes, 0, 400), sharp(img.data), (img.rotate + 180) % 360);
      expect(wrong).toBeGreaterThan(20);
    });
  }
});

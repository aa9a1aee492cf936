/**
 * A PDF made of page images: what a role without `documents.original` downloads instead of the
 * original file. It holds nothing but the images (no text layer, no metadata of the original), so
 * what the images cover stays covered.
 */
import { PDFDocument } from 'pdf-lib';

export interface RenditionPage {
  /** JPEG bytes of the page image. */
  jpeg: Buffer;
  /** The page's size in points. */
  width: number;
  height: number;
}

/** A PDF with one page per image, each image filling its page. Pages are asked for one at a time. */
export async function imagesToPdf(pageCount: number, page: (n: number) => Promise<RenditionPage>): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setProducer('kwerenda');
  pdf.setCreator('kwerenda');
  for (let n = 1; n <= pageCount; n++) {
    const p = await page(n);
    const image = await pdf.embedJpg(p.jpeg);
    const width = p.width > 0 ? p.width : image.width;
    const height = p.height > 0 ? p.height : image.height;
    pdf.addPage([width, height]).drawImage(image, { x: 0, y: 0, width, height });
  }
  return pdf.save();
}

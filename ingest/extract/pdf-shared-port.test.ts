import { PDFDocument, StandardFonts } from 'pdf-lib';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { openPdfForImages } from './pdf-image.js';
import { makePdf, testPicture } from './pdf-image-testkit.js';
import { cloneMessage, createSharedPdfWorker } from './pdf-shared-port.js';
import { pdfjsOptions } from './pdfjs-options.js';

async function textPdf(line: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText(line, { x: 50, y: 750, size: 14, font: await doc.embedFont(StandardFonts.Helvetica) });
  return doc.save();
}

async function pageText(doc: pdfjs.PDFDocumentProxy): Promise<string> {
  const content = await (await doc.getPage(1)).getTextContent();
  return content.items.map((i) => ('str' in i ? i.str : '')).join('');
}

describe('the shared pdf.js worker (the PDF worker holds a file once)', () => {
  it('parses from the caller’s bytes, leaving them whole and unchanged for the image reader', async () => {
    const bytes = await textPdf('Decision WUA-ZRB.6740.1.123.2019');
    const before = Buffer.from(bytes);
    const worker = await createSharedPdfWorker();
    try {
      const doc = await pdfjs.getDocument({ data: bytes, worker, ...pdfjsOptions() }).promise;
      expect(await pageText(doc)).toContain('WUA-ZRB.6740.1.123.2019');
      await doc.destroy();
      // The stock pdf.js port detaches the buffer it is given (hence the copy this replaces).
      expect(bytes.byteLength).toBe(before.length);
      expect(Buffer.compare(Buffer.from(bytes), before)).toBe(0);
      // The same worker opens the next document (password retries reuse it).
      const next = await pdfjs.getDocument({ data: await textPdf('second file'), worker, ...pdfjsOptions() }).promise;
      expect(await pageText(next)).toContain('second file');
      await next.destroy();
    } finally {
      worker.destroy();
    }
  });

  it('still reports a damaged file as an error rather than hanging', async () => {
    const worker = await createSharedPdfWorker();
    try {
      const junk = new TextEncoder().encode('%PDF-1.7\nnot really a pdf\n%%EOF\n');
      await expect(pdfjs.getDocument({ data: junk, worker, ...pdfjsOptions() }).promise).rejects.toThrow();
    } finally {
      worker.destroy();
    }
  });

  it('reads long pages (text streamed in many chunks) and operator lists exactly as pdf.js’s own port', async () => {
    const made = await PDFDocument.create();
    const font = await made.embedFont(StandardFonts.Helvetica);
    const bold = await made.embedFont(StandardFonts.HelveticaBold);
    for (let p = 0; p < 3; p++) {
      const page = made.addPage([595, 842]);
      // Alternating fonts make every run its own text item: well over one 10-item chunk a page.
      for (let i = 0; i < 60; i++) {
        page.drawText(`Strona ${p + 1}, wiersz ${i}: dzialka nr ${100 + i}/${p + 1}`, { x: 40 + (i % 2) * 250, y: 800 - Math.floor(i / 2) * 26, size: 9, font: i % 2 ? bold : font });
      }
    }
    const bytes = await made.save();
    const read = async (doc: pdfjs.PDFDocumentProxy) => {
      const out: unknown[] = [];
      for (let n = 1; n <= doc.numPages; n++) {
        const page = await doc.getPage(n);
        const text = await page.getTextContent();
        const ops = await page.getOperatorList();
        // Font names carry the document's id (g_d3_f1 / g_d4_f1): compare them by page-local order.
        const fonts = Object.keys(text.styles);
        const items = text.items.map((i) => ('fontName' in i ? { ...i, fontName: fonts.indexOf(i.fontName) } : i));
        out.push({ items, styles: Object.values(text.styles), fns: Array.from(ops.fnArray) });
      }
      await doc.destroy();
      return out;
    };
    const worker = await createSharedPdfWorker();
    try {
      const shared = await read(await pdfjs.getDocument({ data: bytes, worker, ...pdfjsOptions() }).promise);
      const stock = await read(await pdfjs.getDocument({ data: bytes.slice(), ...pdfjsOptions() }).promise);
      expect(shared).toEqual(stock);
      const first = shared[0] as { items: Array<{ str?: string }>; fns: number[] };
      expect(first.items.filter((i) => i.str?.startsWith('Strona 1,')).length).toBe(60);
      expect(first.fns.length).toBeGreaterThan(100);
    } finally {
      worker.destroy();
    }
  });

  it('shares only the document bytes of an open request; every other message is a copy', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const open = { action: 'GetDocRequest', data: { docId: 'd0', data: bytes, evaluatorOptions: { maxImageSize: 5 } } };
    const sent = cloneMessage(open, [bytes.buffer]) as typeof open;
    expect(sent.data.data).toBe(bytes);
    expect(bytes.byteLength).toBe(3); // not detached by the transfer list
    expect(sent.data.evaluatorOptions).not.toBe(open.data.evaluatorOptions);
    expect(sent.data.evaluatorOptions).toEqual({ maxImageSize: 5 });

    const image = new Uint8Array([9, 9]);
    const other = { action: 'obj', data: { image } };
    const moved = cloneMessage(other, [image.buffer]) as typeof other;
    expect(Array.from(moved.data.image)).toEqual([9, 9]);
    expect(image.byteLength).toBe(0); // transferred, as pdf.js's own port does
    const plain = { action: 'GetPage', data: { pageIndex: 1 } };
    expect(cloneMessage(plain)).not.toBe(plain);

    // A text chunk: the items pass by reference, the chunk object (which pdf.js reuses) is new.
    const items = [{ str: 'Decyzja', transform: [1, 0, 0, 1, 0, 0] }];
    const text = { sourceName: 'worker', targetName: 'main', stream: 4, streamId: 1, chunk: { items, styles: {}, lang: null } };
    const passed = cloneMessage(text) as typeof text;
    expect(passed.chunk.items).toBe(items);
    expect(passed.chunk).not.toBe(text.chunk);
    // An operator-list chunk (its arrays are emptied after sending) is still copied.
    const fnArray = [1, 2, 3];
    const ops = { stream: 4, streamId: 2, chunk: { fnArray, argsArray: [null, null, null], lastChunk: true } };
    expect((cloneMessage(ops) as typeof ops).chunk.fnArray).not.toBe(fnArray);
  });
});

describe('the embedded-image reader over the document bytes', () => {
  it('hands out its own copy of the JPEG: moving it to another thread leaves the document readable', async () => {
    const jpeg = await sharp(testPicture(400, 200)).flatten().toColourspace('b-w').jpeg().toBuffer();
    const bytes = await makePdf({
      size: [200, 100],
      images: { Im0: { data: jpeg, dict: { Width: 400, Height: 200, ColorSpace: 'DeviceGray', BitsPerComponent: 8, Filter: 'DCTDecode' } } },
      content: 'q 200 0 0 100 0 0 cm /Im0 Do Q',
    });
    const src = await openPdfForImages(bytes);
    const first = await src.inspect(0, { maxPixels: 1e6 });
    if (!('data' in first)) throw new Error(`expected the embedded JPEG: ${JSON.stringify(first)}`);
    expect(Buffer.compare(first.data, jpeg)).toBe(0);
    expect(first.data.buffer).not.toBe(bytes.buffer);
    structuredClone(first.data.buffer, { transfer: [first.data.buffer as ArrayBuffer] });
    expect(bytes.byteLength).toBeGreaterThan(jpeg.length);
    const again = await src.pageImage(0, { maxPixels: 1e6 });
    expect(again && 'data' in again && Buffer.compare(again.data, jpeg)).toBe(0);
  });
});

/**
 * Viewer page images on an archive ingested from fixtures/sample (born-digital and scanned PDFs)
 * plus a generated born-digital PDF with /Rotate pages and a drawing-sized strip: rendered pages
 * must be upright, have the page's shape and put every stored word box on the word's ink.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument, StandardFonts, degrees, rgb } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HashingEmbedder } from '../../ingest/embed.js';
import { PdfSession } from '../../ingest/extract/pdf-session.js';
import { TesseractPool } from '../../ingest/extract/tesseract-pool.js';
import { ingestFile } from '../../ingest/pipeline.js';
import { sampleDir, tempDir } from '../../test/helpers/paths.js';
import { loadConfig } from '../config.js';
import { DomainError } from '../errors.js';
import { Archive, originalPath } from '../store/archive.js';
import { ensureVectorTable, openDb, type Db } from '../store/db.js';
import { Ledger } from '../store/ledger.js';
import { PageImageService, type PageImageLimits } from './page-image.service.js';

type Word = [number, number, number, number, number, number, number];
const ROTATIONS = [0, 90, 180, 270] as const;
const A4 = { w: 595.28, h: 841.89 };
const STRIP = { w: 14_400, h: 400 };
const LINE = 'STRONA OBROCONA 90';

/** Pages 1–4: A4 with /Rotate 0/90/180/270, text drawn to read upright; 5: a long strip; 6–7: plain. */
async function rotatedPdf(file: string): Promise<void> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.HelveticaBold);
  for (const r of ROTATIONS) {
    const page = pdf.addPage([A4.w, A4.h]);
    page.setRotation(degrees(r));
    // Where the line starts on the upright page (top-left origin), in the page's own coordinates.
    const X = 120;
    const Y = 150;
    const [x, y] = { 0: [X, A4.h - Y], 90: [Y, X], 180: [A4.w - X, Y], 270: [A4.w - Y, A4.h - X] }[r];
    // One text item per word, spaced widely so pdf.js does not join them: ingest divides a
    // multi-word item's box by character count, which would blur this test's check of the ink.
    const dir = [Math.cos((r * Math.PI) / 180), Math.sin((r * Math.PI) / 180)] as const;
    let advance = 0;
    for (const word of LINE.split(' ')) {
      const at = { x: x! + dir[0] * advance, y: y! + dir[1] * advance };
      page.drawText(word, { ...at, size: 28, font, color: rgb(0, 0, 0), rotate: degrees(r) });
      advance += font.widthOfTextAtSize(word, 28) + 56;
    }
  }
  const strip = pdf.addPage([STRIP.w, STRIP.h]);
  strip.drawText(LINE, { x: 300, y: 200, size: 40, font });
  for (let i = 0; i < 2; i++) pdf.addPage([A4.w, A4.h]).drawText(`${LINE} ${i}`, { x: 80, y: 700, size: 20, font });
  fs.writeFileSync(file, await pdf.save());
}

interface Grey {
  data: Buffer;
  width: number;
  height: number;
}

async function grey(file: string): Promise<Grey> {
  const { data, info } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

const DARK = 128;

/** Share of dark pixels inside a normalised box. */
function darkShare(img: Grey, w: Word): number {
  const [x0, x1] = [Math.floor(w[2] * img.width), Math.ceil(w[4] * img.width)];
  const [y0, y1] = [Math.floor(w[3] * img.height), Math.ceil(w[5] * img.height)];
  let dark = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (img.data[y * img.width + x]! < DARK) dark++;
  return dark / Math.max(1, (x1 - x0) * (y1 - y0));
}

/** Share of the page's dark pixels that lie inside some word box (grown by `pad`, normalised). */
function inkInBoxes(img: Grey, words: Word[], pad = 0.005): number {
  let dark = 0;
  let inside = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (img.data[y * img.width + x]! >= DARK) continue;
      dark++;
      const nx = (x + 0.5) / img.width;
      const ny = (y + 0.5) / img.height;
      if (words.some((w) => nx >= w[2] - pad && nx <= w[4] + pad && ny >= w[3] - pad && ny <= w[5] + pad)) inside++;
    }
  }
  return dark ? inside / dark : 0;
}

/** The ingest pipeline as `kwerenda ingest` runs it, one file after another. */
async function ingest(db: Db, dataDir: string, limits: ReturnType<typeof loadConfig>['ingest'], files: string[]): Promise<void> {
  const embedder = new HashingEmbedder();
  ensureVectorTable(db, embedder.id, embedder.dimensions);
  const ledger = new Ledger(db);
  const pool = new TesseractPool(1);
  const ctx = {
    archive: new Archive(db, dataDir),
    ledger,
    pool,
    embedder,
    caseOverride: null,
    pageWindow: 2,
    ocr: { timeoutMs: limits.pageTimeoutMs, maxPixels: limits.maxImagePixels, osd: limits.osd, viewerDpi: limits.pageImageDpi },
    pdf: {
      timeoutMs: limits.pageTimeoutMs,
      memoryMb: limits.pdfWorkerMemoryMb,
      passwords: limits.pdfPasswords,
      maxImagePixels: limits.maxImagePixels,
    },
  };
  try {
    const batch = ledger.createBatch(files, null);
    for (const file of files) await ingestFile(ctx, ledger.addFile(batch, file, fs.statSync(file).size));
    ledger.finishBatch(batch);
  } finally {
    await pool.close();
  }
}

async function failure(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}

describe('PageImageService', () => {
  const dataDir = tempDir('page-image');
  const generated = tempDir('page-image-src');
  let db: Db;
  let svc: PageImageService;
  let limits: PageImageLimits;
  const ids = new Map<string, number>();
  const service = (extra: Partial<PageImageLimits> = {}, opts = {}) => new PageImageService(db, dataDir, { ...limits, ...extra }, opts);
  const pageRow = (doc: number, page: number) =>
    db.prepare('SELECT text, words, width, height, image_path FROM pages WHERE document_id = ? AND page = ?').get(doc, page) as {
      text: string;
      words: string;
      width: number;
      height: number;
      image_path: string | null;
    };
  const wordAt = (doc: number, page: number, needle: string): Word => {
    const row = pageRow(doc, page);
    const start = row.text.indexOf(needle);
    const word = (JSON.parse(row.words) as Word[]).find((w) => w[0] === start);
    expect(word, `${needle} on ${doc}/${page}`).toBeDefined();
    return word!;
  };

  beforeAll(async () => {
    const rotated = path.join(generated, 'obrocone.pdf');
    await rotatedPdf(rotated);
    const files = [
      'UA-AB_7351_650_2010/decyzja_odmowa.pdf',
      'WUA-ZWZ.6730.2.531.2022/decyzja_WZ.pdf',
      'WUA-ZWZ.6730.2.531.2022/skan_pelnomocnictwo.pdf',
      'nieprzypisane/pelnomocnictwo_bez_znaku.pdf',
    ].map((f) => path.join(sampleDir, f));
    const config = loadConfig({ KWERENDA_DATA_DIR: dataDir, KWERENDA_PAGE_TIMEOUT_S: '90' });
    limits = config.ingest;
    db = openDb(dataDir);
    await ingest(db, dataDir, config.ingest, [...files, rotated]);
    for (const d of db.prepare('SELECT id, filename FROM documents').all() as { id: number; filename: string }[]) {
      ids.set(d.filename, d.id);
    }
    svc = service();
  }, 600_000);

  afterAll(async () => {
    await svc?.close();
    db?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(generated, { recursive: true, force: true });
  });

  it('renders a born-digital page once, with its shape, and its word boxes on the words', async () => {
    const doc = ids.get('decyzja_odmowa.pdf')!;
    expect(pageRow(doc, 1).image_path).toBeNull();
    const img = (await svc.image(doc, 1))!;
    expect(img.contentType).toBe('image/webp');
    expect(img.path.startsWith(path.join(dataDir, 'pages'))).toBe(true);
    expect(Math.abs(img.width - (A4.w / 72) * limits.pageImageDpi)).toBeLessThanOrEqual(1);
    expect(img.width / img.height).toBeCloseTo(A4.w / A4.h, 2);
    expect(fs.statSync(img.path).size).toBeLessThan(200_000);
    expect(path.resolve(dataDir, pageRow(doc, 1).image_path!)).toBe(img.path);

    const pixels = await grey(img.path);
    expect(darkShare(pixels, wordAt(doc, 1, 'DECYZJA'))).toBeGreaterThan(0.15);
    expect(darkShare(pixels, wordAt(doc, 1, 'UZASADNIENIE'))).toBeGreaterThan(0.15);
    expect(inkInBoxes(pixels, JSON.parse(pageRow(doc, 1).words) as Word[])).toBeGreaterThan(0.95);

    const renders = svc.renders;
    expect(await svc.image(doc, 1)).toEqual(img);
    expect(svc.renders).toBe(renders);
  });

  it('serves a page rendered earlier after a restart without its original; an unrendered one then fails', async () => {
    const doc = ids.get('decyzja_odmowa.pdf')!;
    await svc.image(doc, 1);
    const sha = (db.prepare('SELECT sha256 FROM documents WHERE id = ?').get(doc) as { sha256: string }).sha256;
    const original = originalPath(dataDir, sha);
    fs.renameSync(original, `${original}.away`);
    const fresh = service();
    try {
      expect((await fresh.image(doc, 1))!.contentType).toBe('image/webp');
      expect(fresh.renders).toBe(0);
      const err = await failure(fresh.image(doc, 2));
      expect([err.code, err.status]).toEqual(['page_image_missing', 500]);
    } finally {
      fs.renameSync(`${original}.away`, original);
      await fresh.close();
    }
  });

  it('renders a page requested several times at once only once', async () => {
    const doc = ids.get('decyzja_WZ.pdf')!;
    const before = svc.renders;
    const all = await Promise.all([svc.image(doc, 2), svc.image(doc, 2), svc.image(doc, 2)]);
    expect(svc.renders).toBe(before + 1);
    expect(new Set(all.map((i) => i!.path)).size).toBe(1);
  });

  it('returns the stored scan image of an OCR page without rendering', async () => {
    const doc = ids.get('skan_pelnomocnictwo.pdf')!;
    const stored = pageRow(doc, 1).image_path;
    expect(stored).not.toBeNull();
    const fresh = service();
    const img = (await fresh.image(doc, 1))!;
    expect(img.path).toBe(path.resolve(dataDir, stored!));
    expect(fresh.renders).toBe(0);
    const meta = await sharp(img.path).metadata();
    expect([img.width, img.height, img.contentType]).toEqual([meta.width, meta.height, 'image/webp']);
    expect(img.width / img.height).toBeCloseTo(A4.w / A4.h, 1);
    await fresh.close();
  });

  it.each(ROTATIONS.map((r, i) => ({ r, page: i + 1 })))('renders a /Rotate $r page upright, matching its boxes', async ({ r, page }) => {
    const doc = ids.get('obrocone.pdf')!;
    const img = (await svc.image(doc, page))!;
    const landscape = r % 180 !== 0;
    expect(img.width / img.height).toBeCloseTo(landscape ? A4.h / A4.w : A4.w / A4.h, 2);
    const word = wordAt(doc, page, 'OBROCONA');
    // Upright: the word is a wide, low box near the top-left, where it was placed.
    expect(word[4] - word[2]).toBeGreaterThan(2 * (word[5] - word[3]) * (img.height / img.width));
    expect(word[2]).toBeLessThan(0.5);
    expect(word[5]).toBeLessThan(0.3);
    const pixels = await grey(img.path);
    expect(darkShare(pixels, word)).toBeGreaterThan(0.15);
    expect(inkInBoxes(pixels, JSON.parse(pageRow(doc, page).words) as Word[])).toBeGreaterThan(0.95);
  });

  it('renders a page of a large original read a window of pages at a time, as from the whole file', async () => {
    const doc = ids.get('obrocone.pdf')!;
    const whole = (await svc.image(doc, 2))!; // /Rotate 90
    const before = await grey(whole.path);
    // Forget the stored image so that the next service renders the page again.
    db.prepare('UPDATE pages SET image_path = NULL WHERE document_id = ? AND page = 2').run(doc);
    fs.rmSync(whole.path);
    const opened = vi.spyOn(PdfSession, 'openFile');
    const windowed = service({ pdfWindowMb: 0 });
    try {
      const img = (await windowed.image(doc, 2))!;
      expect(windowed.renders).toBe(1);
      expect((await opened.mock.results[0]!.value as PdfSession).mode).toBe('windowed');
      expect([img.width, img.height]).toEqual([whole.width, whole.height]);
      const after = await grey(img.path);
      let diff = 0;
      for (let i = 0; i < after.data.length; i++) diff += Math.abs(after.data[i]! - before.data[i]!);
      expect(diff / after.data.length).toBeLessThan(1);
      expect(inkInBoxes(after, JSON.parse(pageRow(doc, 2).words) as Word[])).toBeGreaterThan(0.95);
    } finally {
      opened.mockRestore();
      await windowed.close();
    }
  });

  it('renders a drawing-sized strip within WebP and pixel limits, keeping its shape', async () => {
    const doc = ids.get('obrocone.pdf')!;
    const img = (await svc.image(doc, 5))!;
    expect(img.width).toBeLessThanOrEqual(16_383);
    expect(img.width * img.height).toBeLessThanOrEqual(16_000_000);
    expect(img.width / img.height).toBeCloseTo(STRIP.w / STRIP.h, 0);
    const pixels = await grey(img.path);
    expect(darkShare(pixels, wordAt(doc, 5, 'OBROCONA'))).toBeGreaterThan(0.15);
  });

  it('answers null for unknown documents and pages and for a document that is not ready', async () => {
    const doc = ids.get('decyzja_odmowa.pdf')!;
    expect(await svc.image(999_999, 1)).toBeNull();
    expect(await svc.image(doc, 0)).toBeNull();
    expect(await svc.image(doc, 3)).toBeNull();
    expect(await svc.image(doc, 1.5)).toBeNull();
    const other = ids.get('decyzja_WZ.pdf')!;
    db.prepare("UPDATE documents SET status = 'staging' WHERE id = ?").run(other);
    try {
      expect(await svc.image(other, 1)).toBeNull();
    } finally {
      db.prepare("UPDATE documents SET status = 'ready' WHERE id = ?").run(other);
    }
  });

  it('reports a corrupt original as 422 and a render over the time limit as 503', async () => {
    const doc = ids.get('pelnomocnictwo_bez_znaku.pdf')!;
    const sha = (db.prepare('SELECT sha256 FROM documents WHERE id = ?').get(doc) as { sha256: string }).sha256;
    fs.writeFileSync(originalPath(dataDir, sha), Buffer.from('%PDF-1.7\nto nie jest PDF\n'));
    const broken = await failure(svc.image(doc, 1));
    expect([broken.code, broken.status]).toEqual(['page_image_failed', 422]);
    expect(pageRow(doc, 1).image_path).toBeNull();

    const hurried = service({ pageTimeoutMs: 1 });
    try {
      const slow = await failure(hurried.image(ids.get('decyzja_WZ.pdf')!, 1));
      expect([slow.code, slow.status]).toEqual(['page_image_unavailable', 503]);
    } finally {
      await hurried.close();
    }
  });

  it('refuses with 503 instead of queueing without bound', async () => {
    const doc = ids.get('obrocone.pdf')!;
    const single = service({}, { maxRenders: 1, maxWaiting: 0 });
    try {
      const [first, second] = await Promise.allSettled([single.image(doc, 6), single.image(doc, 7)]);
      expect(first.status).toBe('fulfilled');
      expect(second.status).toBe('rejected');
      const err = (second as PromiseRejectedResult).reason as DomainError;
      expect([err.code, err.status]).toEqual(['page_image_unavailable', 503]);
    } finally {
      await single.close();
    }
  });
});

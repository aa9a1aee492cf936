/**
 * Page images for the document viewer. OCR'd pages have one stored at ingest; a born-digital
 * (text-layer) PDF page gets one on first request: rendered from the original with pdf.js in the
 * PDF worker thread (under the ingest time and memory limits), encoded as WebP, written into the
 * same `pages/` layout and recorded on the page row, so every later request is a file read.
 *
 * The image is the page as pdf.js shows it (after /Rotate) — the same viewport the text layer's
 * word boxes were normalised to at ingest, so the boxes highlight the right words.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import type { PdfTextPage } from '../../ingest/extract/pdf-protocol.js';
import { PdfSession } from '../../ingest/extract/pdf-session.js';
import type { Config } from '../config.js';
import { DomainError, IngestError } from '../errors.js';
import { toDomainError } from './page-image-errors.js';
import { originalPath, pageImagePath, writeFileAtomic } from '../store/archive.js';
import { write, type Db } from '../store/db.js';

/** A page image ready to send: an absolute file path and what it is. */
export interface PageImage {
  path: string;
  contentType: string;
  width: number;
  height: number;
  /** The page's size in points (1/72 in): a PDF page's own, an image's at the viewer DPI. */
  points: { width: number; height: number };
}

/** The limits of `config.ingest` that rendering runs under. */
export type PageImageLimits = Pick<
  Config['ingest'],
  'pageTimeoutMs' | 'pdfWorkerMemoryMb' | 'pdfPasswords' | 'maxImagePixels' | 'pageImageDpi' | 'pdfWindowMb'
>;

/** Tuning for the on-demand renderer; the defaults suit a small on-premise server. */
export interface PageImageOptions {
  /** Renders running at once (each is CPU-bound in its own worker thread). Default 2. */
  maxRenders?: number;
  /** Requests allowed to wait for a render slot before new ones get 503. Default 64. */
  maxWaiting?: number;
  /** How long an idle PDF worker stays open for the next page of the same file. Default 30 s. */
  sessionIdleMs?: number;
}

/** Largest viewer image in pixels; a drawing sheet is rendered at a lower DPI rather than huge. */
const MAX_VIEWER_PIXELS = 16_000_000;
/** WebP cannot store a side longer than 16383 px. */
const MAX_WEBP_SIDE = 16_000;
const WEBP = { quality: 60, effort: 2 } as const;

const CONTENT_TYPES: Record<string, string> = {
  '.webp': 'image/webp',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
};

interface PageRow {
  sha256: string;
  status: string;
  kind: string;
  source: string;
  width: number;
  height: number;
  image_path: string | null;
}

interface CachedSession {
  session: Promise<PdfSession>;
  users: number;
  timer: NodeJS.Timeout | null;
}

export class PageImageService {
  private readonly inFlight = new Map<string, Promise<PageImage>>();
  private readonly sessions = new Map<string, CachedSession>();
  private readonly waiting: Array<() => void> = [];
  private running = 0;
  private readonly maxRenders: number;
  private readonly maxWaiting: number;
  private readonly sessionIdleMs: number;
  /** Pages rendered by this instance (for health output and tests). */
  renders = 0;

  constructor(
    private readonly db: Db,
    private readonly dataDir: string,
    private readonly limits: PageImageLimits,
    opts: PageImageOptions = {},
  ) {
    this.maxRenders = Math.max(1, opts.maxRenders ?? 2);
    this.maxWaiting = Math.max(0, opts.maxWaiting ?? 64);
    this.sessionIdleMs = Math.max(0, opts.sessionIdleMs ?? 30_000);
  }

  /**
   * The image of page `page` (1-based) of a ready document, or null when there is no such page.
   * Throws DomainError: `page_image_failed` 422 (the original cannot be rendered: corrupt,
   * encrypted, too large), `page_image_unavailable` 503 (time or memory limit, too many requests
   * waiting: retrying later may help), `page_image_missing` 500 (a file of the archive is gone).
   */
  async image(documentId: number, page: number): Promise<PageImage | null> {
    const row = this.row(documentId, page);
    if (!row) return null;

    if (row.image_path) {
      const stored = path.resolve(this.dataDir, row.image_path);
      if (fs.existsSync(stored)) return this.describe(stored, row);
    }
    // Only text-layer (and blank) PDF pages are rendered: an OCR page's boxes belong to its scan as
    // corrected at ingest (orientation, scale), which a fresh rendering would not match.
    if (!rendered(row)) {
      throw new DomainError('page_image_missing', 'brak obrazu strony w archiwum', 500);
    }
    const key = `${documentId}:${page}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.renderOnce(documentId, page, row).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /**
   * The text layer of a page this service renders (a text-layer PDF page), as pdf.js reads it from
   * the original now — word boxes from the glyphs' advances, the same pdf.js that draws the image —
   * or null for any other page. Same limits and errors as `image`.
   */
  async textLayer(documentId: number, page: number): Promise<PdfTextPage | null> {
    const row = this.row(documentId, page);
    if (!row || !rendered(row)) return null;
    return this.slot(async () => {
      const session = this.acquireSession(row.sha256);
      try {
        const text = await (await session.session).text(page);
        this.releaseSession(row.sha256, session, false);
        return text;
      } catch (err) {
        this.releaseSession(row.sha256, session, true);
        throw toDomainError(err);
      }
    });
  }

  /** Closes the PDF worker threads kept open for further pages. */
  async close(): Promise<void> {
    const open = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(
      open.map(async (c) => {
        if (c.timer) clearTimeout(c.timer);
        await (await c.session.catch(() => null))?.close();
      }),
    );
  }

  private row(documentId: number, page: number): PageRow | null {
    if (!Number.isSafeInteger(documentId) || !Number.isSafeInteger(page) || page < 1) return null;
    const row = this.db
      .prepare(
        `SELECT d.sha256, d.status, d.kind, p.source, p.width, p.height, p.image_path
         FROM documents d JOIN pages p ON p.document_id = d.id WHERE d.id = ? AND p.page = ?`,
      )
      .get(documentId, page) as PageRow | undefined;
    return row && row.status === 'ready' ? row : null;
  }

  private async describe(file: string, row: PageRow): Promise<PageImage> {
    const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    let meta: Metadata;
    try {
      meta = await sharp(file).metadata();
    } catch {
      throw new DomainError('page_image_missing', 'obraz strony w archiwum jest nieczytelny', 500);
    }
    const [width, height] = [meta.width ?? 0, meta.height ?? 0];
    const points = rendered(row) && row.width > 0 && row.height > 0
      ? { width: row.width, height: row.height }
      : { width: (width * 72) / this.limits.pageImageDpi, height: (height * 72) / this.limits.pageImageDpi };
    return { path: file, contentType, width, height, points };
  }

  private async renderOnce(documentId: number, page: number, row: PageRow): Promise<PageImage> {
    const target = pageImagePath(this.dataDir, row.sha256, page);
    // Rendered earlier by a process that stopped before recording it: the file is complete
    // (written atomically), so only the record is missing.
    if (!fs.existsSync(target)) {
      await this.slot(async () => {
        const webp = await this.render(row, page);
        writeFileAtomic(target, webp);
        this.renders++;
      });
    }
    const relative = path.relative(this.dataDir, target);
    write(this.db, () => {
      this.db.prepare('UPDATE pages SET image_path = ? WHERE document_id = ? AND page = ?').run(relative, documentId, page);
    });
    return this.describe(target, row);
  }

  private async render(row: PageRow, page: number): Promise<Buffer> {
    const dpi = viewerDpi(row.width, row.height, this.limits.pageImageDpi, Math.min(MAX_VIEWER_PIXELS, this.limits.maxImagePixels));
    const session = this.acquireSession(row.sha256);
    try {
      const img = await (await session.session).image(page, dpi, this.limits.maxImagePixels, true);
      if (img.kind === 'rejected') throw new DomainError('page_image_failed', `nie można wyświetlić strony: ${img.reason}`, 422);
      if (img.kind !== 'raw') throw new DomainError('page_image_failed', 'nieoczekiwany format obrazu strony', 500);
      const encoder = sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), {
        raw: { width: img.width, height: img.height, channels: 4 },
        limitInputPixels: this.limits.maxImagePixels,
      }).removeAlpha();
      // pdf.js caps its canvas in pixels, not per side: a long strip may still be too wide for WebP.
      if (Math.max(img.width, img.height) > MAX_WEBP_SIDE) {
        encoder.resize({ width: MAX_WEBP_SIDE, height: MAX_WEBP_SIDE, fit: 'inside' });
      }
      const webp = await encoder.webp(WEBP).toBuffer();
      this.releaseSession(row.sha256, session, false);
      return webp;
    } catch (err) {
      // A session that failed once (time limit, crash) is not trusted with the next page.
      this.releaseSession(row.sha256, session, true);
      throw toDomainError(err);
    }
  }

  /** An open PDF worker for this original, shared by concurrent renders of its pages. */
  private acquireSession(sha256: string): CachedSession {
    let cached = this.sessions.get(sha256);
    if (!cached) {
      const file = originalPath(this.dataDir, sha256);
      // A large original is not read whole to show one page: the PDF worker reads it a window of
      // pages at a time, as ingest does (KWERENDA_PDF_WINDOW_MB).
      const session = PdfSession.openFile(file, {
        timeoutMs: this.limits.pageTimeoutMs,
        memoryMb: this.limits.pdfWorkerMemoryMb,
        passwords: this.limits.pdfPasswords,
        maxImagePixels: this.limits.maxImagePixels,
        windowBytes: this.limits.pdfWindowMb * 1024 * 1024,
      }).catch((err: unknown) => {
        if (err instanceof IngestError) throw err; // the PDF itself: reported by the render
        throw new DomainError('page_image_missing', 'brak pliku źródłowego w archiwum', 500);
      });
      session.catch(() => undefined); // handled by the render awaiting it
      cached = { session, users: 0, timer: null };
      this.sessions.set(sha256, cached);
      this.evictIdle(sha256);
    }
    if (cached.timer) clearTimeout(cached.timer);
    cached.timer = null;
    cached.users++;
    return cached;
  }

  private releaseSession(sha256: string, cached: CachedSession, broken: boolean): void {
    cached.users--;
    if (broken && this.sessions.get(sha256) === cached) this.sessions.delete(sha256);
    const current = this.sessions.get(sha256) === cached;
    if (cached.users > 0) return;
    if (!current) {
      void cached.session.then((s) => s.close(), () => undefined);
      return;
    }
    cached.timer = setTimeout(() => {
      if (this.sessions.get(sha256) === cached && cached.users === 0) {
        this.sessions.delete(sha256);
        void cached.session.then((s) => s.close(), () => undefined);
      }
    }, this.sessionIdleMs);
    cached.timer.unref();
  }

  /** Keeps at most `maxRenders` workers open: closes idle ones of other files. */
  private evictIdle(keep: string): void {
    for (const [sha, c] of this.sessions) {
      if (this.sessions.size <= this.maxRenders) return;
      if (sha === keep || c.users > 0) continue;
      if (c.timer) clearTimeout(c.timer);
      this.sessions.delete(sha);
      void c.session.then((s) => s.close(), () => undefined);
    }
  }

  /** Runs `fn` when a render slot is free; refuses when too many are already waiting. */
  private async slot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxRenders) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new DomainError('page_image_unavailable', 'zbyt wiele stron jest teraz przygotowywanych; spróbuj ponownie za chwilę', 503);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/**
 * The DPI to render a page of `widthPt` × `heightPt` points at: the configured one, lowered so that
 * the image stays within `maxPixels` and within WebP's side limit.
 */
export function viewerDpi(widthPt: number, heightPt: number, dpi: number, maxPixels: number): number {
  if (!(widthPt > 0 && heightPt > 0)) return dpi;
  const byArea = 72 * Math.sqrt(maxPixels / (widthPt * heightPt));
  const bySide = (72 * MAX_WEBP_SIDE) / Math.max(widthPt, heightPt);
  return Math.max(1, Math.min(dpi, byArea, bySide));
}

/** A page whose image is rendered from the original by pdf.js: a text-layer (or blank) PDF page. */
function rendered(row: PageRow): boolean {
  return row.kind === 'pdf' && row.source !== 'ocr';
}

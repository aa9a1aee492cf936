/**
 * Reading documents for clerks: the document with its metadata (each value with the span it was
 * read from), a page's text with word boxes, the page image (identifiers covered when asked), the
 * original file, and a PDF of the page images in its place — each only when the viewer may read the
 * document. A restricted document answers exactly like a missing one (404 document_not_found), and
 * nothing else (page image cache, original file) is touched before that check.
 */
import fs from 'node:fs';
import sharp from 'sharp';
import type { DocumentRecord, Viewer } from '../domain/types.js';
import { DomainError } from '../errors.js';
import type { DocTypeCount, SearchBackend } from '../search/backend.js';
import { coverBoxes } from '../security/masking.js';
import { originalPath } from '../store/archive.js';
import type { Db } from '../store/db.js';
import { IdentifierCovers, type TextLayers } from './identifier-covers.js';
import { imagesToPdf } from './rendition.js';

export interface PageImages extends TextLayers {
  /** Called only with a document the viewer was checked to be allowed to read. */
  image(documentId: number, page: number): Promise<{ path: string; contentType: string; width: number; height: number; points: { width: number; height: number } } | null>;
}

/** A page image to send: the stored file as it is, or the image with identifiers covered. */
export type PageImageOut = { contentType: string; covered: false; path: string } | { contentType: string; covered: true; data: Buffer };

export interface PageView {
  documentId: string;
  page: number;
  pageCount: number;
  text: string;
  words: { start: number; end: number; box: { x0: number; y0: number; x1: number; y1: number }; confidence: number }[];
  source: string;
  confidence: number | null;
  width: number;
  height: number;
  corrections: Record<string, unknown>;
}

const notFound = () => new DomainError('document_not_found', 'nie ma takiego dokumentu w archiwum', 404);
const pageNotFound = () => new DomainError('page_not_found', 'dokument nie ma takiej strony', 404);

export class DocumentService {
  private readonly covers: IdentifierCovers;

  constructor(
    private readonly backend: SearchBackend,
    private readonly db: Db,
    private readonly dataDir: string,
    private readonly images: PageImages,
  ) {
    this.covers = new IdentifierCovers(images);
  }

  async document(id: string, viewer: Viewer): Promise<DocumentRecord> {
    const doc = await this.backend.document(id, viewer);
    if (!doc) throw notFound();
    return doc;
  }

  /**
   * The documents made from the original file with this SHA-256 that `viewer` may read, in id
   * order; none when the file is not in the archive or every document of it is restricted from them
   * (the answer does not tell the two apart).
   */
  async bySha256(sha256: string, viewer: Viewer): Promise<DocumentRecord[]> {
    const ids = this.db.prepare("SELECT id FROM documents WHERE sha256 = ? AND status = 'ready' ORDER BY id").pluck().all(sha256) as number[];
    const docs = await Promise.all(ids.map((id) => this.backend.document(String(id), viewer)));
    return docs.filter((d): d is DocumentRecord => d !== null);
  }

  /**
   * The document types of the documents `viewer` may read, with how many carry each (most first):
   * what the search form offers for its type filter. A restricted document is not counted.
   */
  async docTypes(viewer: Viewer): Promise<DocTypeCount[]> {
    return this.backend.docTypes(viewer);
  }

  async page(id: string, n: number, viewer: Viewer): Promise<PageView> {
    const doc = await this.document(id, viewer);
    if (!Number.isSafeInteger(n) || n < 1 || n > doc.pageCount) throw pageNotFound();
    const p = await this.backend.page(id, n, viewer);
    if (!p) throw pageNotFound();
    return {
      documentId: doc.id,
      page: p.page,
      pageCount: doc.pageCount,
      text: p.text,
      words: p.words.map(([start, end, x0, y0, x1, y1, confidence]) => ({ start, end, box: { x0, y0, x1, y1 }, confidence })),
      source: p.source,
      confidence: p.confidence,
      width: p.width,
      height: p.height,
      corrections: p.corrections,
    };
  }

  /** The page image; with `hideIdentifiers`, every PESEL and identity-card number on it covered. */
  async image(id: string, n: number, viewer: Viewer, hideIdentifiers: boolean): Promise<PageImageOut> {
    const doc = await this.document(id, viewer);
    const { img, boxes } = await this.pageImage(doc, n, viewer, hideIdentifiers);
    if (boxes.length === 0) return { contentType: img.contentType, covered: false, path: img.path };
    return { contentType: img.contentType, covered: true, data: await coverBoxes(img.path, boxes) };
  }

  /** The original file as ingested, with the type detected from its content at ingest. */
  async original(id: string, viewer: Viewer): Promise<{ path: string; filename: string; contentType: string; size: number }> {
    const doc = await this.document(id, viewer);
    const row = this.db.prepare('SELECT mime, size FROM files WHERE sha256 = ?').get(doc.source.sha256) as
      | { mime: string | null; size: number }
      | undefined;
    const file = originalPath(this.dataDir, doc.source.sha256);
    if (!row || !fs.existsSync(file)) throw new DomainError('file_missing', 'plik oryginalny nie jest dostępny', 404);
    return { path: file, filename: doc.source.filename, contentType: row.mime ?? 'application/octet-stream', size: row.size };
  }

  /**
   * In place of the original: a PDF of the document's page images, made on request, identifiers
   * covered with `hideIdentifiers` — no text layer, nothing of the original file but what its
   * pages show.
   */
  async rendition(id: string, viewer: Viewer, hideIdentifiers: boolean): Promise<{ data: Uint8Array; filename: string }> {
    const doc = await this.document(id, viewer);
    const data = await imagesToPdf(doc.pageCount, async (n) => {
      const { img, boxes } = await this.pageImage(doc, n, viewer, hideIdentifiers);
      const jpeg = boxes.length > 0 ? await coverBoxes(img.path, boxes, 'jpeg') : await sharp(img.path).jpeg({ quality: 80 }).toBuffer();
      return { jpeg, width: img.points.width, height: img.points.height };
    });
    return { data, filename: doc.source.filename };
  }

  private async pageImage(doc: DocumentRecord, n: number, viewer: Viewer, hideIdentifiers: boolean) {
    if (!Number.isSafeInteger(n) || n < 1 || n > doc.pageCount) throw pageNotFound();
    const img = await this.images.image(Number(doc.id), n);
    if (!img) throw new DomainError('page_image_missing', 'brak obrazu tej strony', 404);
    if (!hideIdentifiers) return { img, boxes: [] };
    const p = await this.backend.page(doc.id, n, viewer);
    if (!p) throw pageNotFound();
    const words = p.words.map(([start, end, x0, y0, x1, y1]) => ({ start, end, box: { x0, y0, x1, y1 } }));
    return { img, boxes: await this.covers.boxes(Number(doc.id), n, { text: p.text, words, source: p.source }) };
  }
}

/**
 * Reading documents for clerks: the document with its metadata (each value with the span it was
 * read from), a page's text with word boxes, the page image, and the original file — each only
 * when the viewer may read the document. A restricted document answers exactly like a missing one
 * (404 document_not_found), and nothing else (page image cache, original file) is touched before
 * that check.
 */
import fs from 'node:fs';
import type { DocumentRecord, Viewer } from '../domain/types.js';
import { DomainError } from '../errors.js';
import type { SearchBackend } from '../search/backend.js';
import { originalPath } from '../store/archive.js';
import type { Db } from '../store/db.js';

export interface PageImages {
  /** Called only with a document the viewer was checked to be allowed to read. */
  image(documentId: number, page: number): Promise<{ path: string; contentType: string; width: number; height: number } | null>;
}

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
  constructor(
    private readonly backend: SearchBackend,
    private readonly db: Db,
    private readonly dataDir: string,
    private readonly images: PageImages,
  ) {}

  async document(id: string, viewer: Viewer): Promise<DocumentRecord> {
    const doc = await this.backend.document(id, viewer);
    if (!doc) throw notFound();
    return doc;
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

  async image(id: string, n: number, viewer: Viewer): Promise<{ path: string; contentType: string }> {
    const doc = await this.document(id, viewer);
    if (!Number.isSafeInteger(n) || n < 1 || n > doc.pageCount) throw pageNotFound();
    const img = await this.images.image(Number(doc.id), n);
    if (!img) throw new DomainError('page_image_missing', 'brak obrazu tej strony', 404);
    return img;
  }

  async original(id: string, viewer: Viewer): Promise<{ path: string; filename: string; contentType: string; size: number }> {
    const doc = await this.document(id, viewer);
    const row = this.db.prepare('SELECT mime, size FROM files WHERE sha256 = ?').get(doc.source.sha256) as
      | { mime: string | null; size: number }
      | undefined;
    const file = originalPath(this.dataDir, doc.source.sha256);
    if (!row || !fs.existsSync(file)) throw new DomainError('file_missing', 'plik oryginalny nie jest dostępny', 404);
    return { path: file, filename: doc.source.filename, contentType: row.mime ?? 'application/octet-stream', size: row.size };
  }
}

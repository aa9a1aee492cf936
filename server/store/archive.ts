/**
 * Writes to the embedded archive. Pages are stored as they are produced while the document is
 * 'staging' (so a crash loses at most the page in flight); chunks, indexes, vectors and metadata
 * are written in one transaction that also flips the document to 'ready' — the moment it becomes
 * searchable.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Chunk, MetaValue, PageResult } from '../../ingest/types.js';
import { foldForIndex } from '../../ingest/text/fold.js';
import { queueSearchSync, vectorTable, write, type Db } from './db.js';
import { assertLiveEmbedder, reembedTarget } from './vector-generations.js';
import { applyRestrictionsTo } from './restrictions.js';

export interface DocumentRow {
  id: number;
  sha256: string;
  status: 'staging' | 'ready';
  filename: string;
  source_path: string;
  kind: string;
  title: string | null;
  case_number: string | null;
  doc_type: string | null;
  doc_date: string | null;
  page_count: number;
}

export interface StoredPage {
  page: number;
  text: string;
  source: string;
  confidence: number | null;
}

/** Content-addressed path of an original file inside the data dir. */
export function originalPath(dataDir: string, sha256: string): string {
  return path.join(dataDir, 'files', sha256.slice(0, 2), sha256);
}

export function pageImagePath(dataDir: string, sha256: string, page: number): string {
  return path.join(dataDir, 'pages', sha256.slice(0, 2), sha256, `${page}.webp`);
}

/** Writes bytes to `target` atomically (temporary file + rename); skips when it already exists. */
export function writeFileAtomic(target: string, data: Buffer | Uint8Array): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, target);
}

export function copyFileAtomic(source: string, target: string): void {
  if (fs.existsSync(target)) return;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.tmp`;
  fs.copyFileSync(source, tmp);
  // copyFileSync keeps the source's mode; the archive's copy is private like the rest of the data dir.
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, target);
}

export class Archive {
  constructor(
    readonly db: Db,
    readonly dataDir: string,
  ) {}

  readyDocumentBySha(sha256: string): DocumentRow | undefined {
    return this.db.prepare("SELECT * FROM documents WHERE sha256 = ? AND status = 'ready'").get(sha256) as
      | DocumentRow
      | undefined;
  }

  /** Stores the original (content-addressed) and returns the staging document for these bytes. */
  beginDocument(args: {
    sha256: string;
    size: number;
    mime: string | null;
    sourcePath: string;
    kind: string;
    pageCount: number;
  }): DocumentRow {
    const stored = originalPath(this.dataDir, args.sha256);
    copyFileAtomic(args.sourcePath, stored);
    return write(this.db, () => {
      this.db
        .prepare('INSERT OR IGNORE INTO files(sha256, size, mime, stored_path) VALUES (?, ?, ?, ?)')
        .run(args.sha256, args.size, args.mime, path.relative(this.dataDir, stored));
      const existing = this.db.prepare('SELECT * FROM documents WHERE sha256 = ?').get(args.sha256) as
        | DocumentRow
        | undefined;
      if (existing) return existing;
      const info = this.db
        .prepare(
          `INSERT INTO documents(sha256, status, filename, source_path, kind, page_count)
           VALUES (?, 'staging', ?, ?, ?, ?)`,
        )
        .run(args.sha256, path.basename(args.sourcePath), args.sourcePath, args.kind, args.pageCount);
      return this.db.prepare('SELECT * FROM documents WHERE id = ?').get(info.lastInsertRowid) as DocumentRow;
    });
  }

  storedPageNumbers(documentId: number): Set<number> {
    const rows = this.db.prepare('SELECT page FROM pages WHERE document_id = ?').all(documentId) as { page: number }[];
    return new Set(rows.map((r) => r.page));
  }

  savePage(documentId: number, p: PageResult, imagePath: string | null): void {
    const words = JSON.stringify(
      p.words.map((w) => [w.start, w.end, r4(w.box.x0), r4(w.box.y0), r4(w.box.x1), r4(w.box.y1), Math.round(w.confidence)]),
    );
    write(this.db, () => {
      this.db
        .prepare(
          `INSERT OR REPLACE INTO pages(document_id, page, text, words, source, confidence, corrections, width, height, image_path, seconds)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          documentId,
          p.page,
          p.text,
          words,
          p.source,
          p.confidence,
          JSON.stringify(p.corrections),
          p.width,
          p.height,
          imagePath ? path.relative(this.dataDir, imagePath) : null,
          p.seconds ?? null,
        );
    });
  }

  pages(documentId: number): StoredPage[] {
    return this.db
      .prepare('SELECT page, text, source, confidence FROM pages WHERE document_id = ? ORDER BY page')
      .all(documentId) as StoredPage[];
  }

  /** The one transaction that makes a document searchable. */
  finishDocument(
    documentId: number,
    args: {
      title: string | null;
      caseNumber: string | null;
      docType: string | null;
      docDate: string | null;
      metadata: MetaValue[];
      chunks: Chunk[];
      vectors: Float32Array[];
      /** The document's id (and link) in the document management system, from its sidecar. */
      external?: { id: string; url: string | null } | null;
    },
  ): void {
    const db = this.db;
    write(db, () => {
      // Vectors of a model the archive has just moved away from (`kwerenda reembed`) are refused.
      assertLiveEmbedder(db, args.vectors);
      this.removeIndexed(documentId);
      const insChunk = db.prepare('INSERT INTO chunks(document_id, page, start, end, text) VALUES (?, ?, ?, ?, ?)');
      const insFts = db.prepare('INSERT INTO chunks_fts(rowid, text) VALUES (?, ?)');
      const insTri = db.prepare('INSERT INTO chunks_trigram(rowid, text) VALUES (?, ?)');
      const insVec = db.prepare(`INSERT INTO ${vectorTable(db)}(rowid, embedding) VALUES (?, ?)`);
      args.chunks.forEach((c, i) => {
        const id = insChunk.run(documentId, c.page, c.start, c.end, c.text).lastInsertRowid;
        const folded = foldForIndex(c.text);
        insFts.run(id, folded);
        insTri.run(id, folded);
        const v = args.vectors[i]!;
        insVec.run(BigInt(id), Buffer.from(v.buffer, v.byteOffset, v.byteLength));
      });
      const insMeta = db.prepare(
        'INSERT INTO metadata(document_id, kind, value, raw, page, start, end, origin, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      for (const m of args.metadata) {
        insMeta.run(documentId, m.kind, m.value, m.raw, m.page, m.start, m.end, m.origin, m.extra ? JSON.stringify(m.extra) : null);
      }
      const stats = db
        .prepare(
          `SELECT SUM(source = 'ocr') AS ocr, AVG(CASE WHEN source = 'ocr' THEN confidence END) AS conf
           FROM pages WHERE document_id = ?`,
        )
        .get(documentId) as { ocr: number | null; conf: number | null };
      db.prepare(
        `UPDATE documents SET status = 'ready', title = ?, case_number = ?, doc_type = ?, doc_date = ?,
           ocr_pages = ?, mean_confidence = ?, ready_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`,
      ).run(args.title, args.caseNumber, args.docType, args.docDate, stats.ocr ?? 0, stats.conf, documentId);
      db.prepare('UPDATE documents SET external_id = ?, external_url = ? WHERE id = ?').run(
        args.external?.id ?? null,
        args.external?.url ?? null,
        documentId,
      );
      applyRestrictionsTo(db, documentId); // in the same transaction: never visible without its rules
      queueSearchSync(db, [documentId], 'index'); // and, scaled out, queued for Elasticsearch with them
    });
  }

  /**
   * Removes a document's chunks, index entries and metadata (inside the caller's transaction), and
   * their vectors from the table a running reembed fills too (a chunk id may be reused).
   */
  private removeIndexed(documentId: number): void {
    const ids = this.db.prepare('SELECT id FROM chunks WHERE document_id = ?').all(documentId) as { id: number }[];
    const delFts = this.db.prepare('DELETE FROM chunks_fts WHERE rowid = ?');
    const delTri = this.db.prepare('DELETE FROM chunks_trigram WHERE rowid = ?');
    const delVec = [vectorTable(this.db), reembedTarget(this.db)?.table]
      .filter((t): t is string => t !== undefined)
      .map((t) => this.db.prepare(`DELETE FROM ${t} WHERE rowid = ?`));
    for (const { id } of ids) {
      delFts.run(id);
      delTri.run(id);
      for (const d of delVec) d.run(BigInt(id));
    }
    this.db.prepare('DELETE FROM chunks WHERE document_id = ?').run(documentId);
    this.db.prepare('DELETE FROM metadata WHERE document_id = ?').run(documentId);
  }
}

function r4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/**
 * The archive at a glance for records staff: documents, pages (scanned vs born-digital), files that
 * failed and are still failed (the last outcome per path), and when the last batch ran. Documents
 * and pages are counted as the viewer may see them: a restricted case does not show in the totals
 * of someone it is closed to.
 */
import type { Viewer } from '../domain/types.js';
import { accessSql } from '../search/sqlite/access.js';
import type { Db } from '../store/db.js';

export interface ArchiveOverview {
  documents: number;
  pages: number;
  /** Pages read by OCR. */
  scannedPages: number;
  /** Pages taken from a PDF text layer. */
  bornDigitalPages: number;
  /** Pages with no text at all (blank, or unreadable). */
  emptyPages: number;
  /** Files whose latest attempt failed. */
  failedFiles: number;
  batches: number;
  lastBatchAt: string | null;
  /**
   * Scaled out: documents whose change (ready, access rules) is not in Elasticsearch yet, and how
   * many of those failed at least once (the server retries every few seconds). Absent when embedded.
   */
  searchIndex?: { backend: 'elasticsearch'; waiting: number; failing: number };
}

export class OverviewService {
  /** `externalIndex`: the archive is indexed in Elasticsearch (its outbox is `search_sync`). */
  constructor(
    private readonly db: Db,
    private readonly externalIndex = false,
  ) {}

  overview(viewer: Viewer): ArchiveOverview {
    const a = accessSql(viewer);
    const docs = this.db
      .prepare(`SELECT count(*) AS documents FROM documents d WHERE d.status = 'ready'${a.sql}`)
      .get(...a.params) as { documents: number };
    const pages = this.db
      .prepare(
        `SELECT count(*) AS pages,
                coalesce(sum(p.source = 'ocr'), 0) AS scanned,
                coalesce(sum(p.source = 'text-layer'), 0) AS digital,
                coalesce(sum(p.source = 'empty'), 0) AS empty
         FROM pages p JOIN documents d ON d.id = p.document_id WHERE d.status = 'ready'${a.sql}`,
      )
      .get(...a.params) as { pages: number; scanned: number; digital: number; empty: number };
    // A file is its bytes (uploads land in a new staging folder each time): only the newest row for
    // the same content counts, so a file retried with success, or uploaded twice, is counted once.
    const failed = this.db
      .prepare(
        `SELECT count(*) AS n FROM (
           SELECT f.status FROM ingest_files f
           WHERE f.id IN (SELECT max(id) FROM ingest_files GROUP BY coalesce(sha256, path))
         ) WHERE status = 'failed'`,
      )
      .get() as { n: number };
    const batches = this.db.prepare('SELECT count(*) AS n, max(started_at) AS last FROM batches').get() as {
      n: number;
      last: string | null;
    };
    const sync = this.externalIndex
      ? (this.db.prepare('SELECT count(*) AS waiting, coalesce(sum(attempts > 0), 0) AS failing FROM search_sync').get() as { waiting: number; failing: number })
      : null;
    return {
      ...(sync ? { searchIndex: { backend: 'elasticsearch' as const, ...sync } } : {}),
      documents: docs.documents,
      pages: pages.pages,
      scannedPages: pages.scanned,
      bornDigitalPages: pages.digital,
      emptyPages: pages.empty,
      failedFiles: failed.n,
      batches: batches.n,
      lastBatchAt: batches.last,
    };
  }
}

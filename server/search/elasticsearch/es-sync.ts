/**
 * Keeps Elasticsearch in step with the archive record when the archive is scaled out.
 *
 * Where things live in scaled-out mode, and why:
 * - The archive record (documents, pages with word boxes, chunks, vectors, metadata, the original
 *   files and page images), the ingest ledger, users, sessions, the audit trail, stored searches,
 *   verdicts, restrictions and webhooks stay in the one SQLite database of the data volume
 *   (`KWERENDA_DATA_DIR`) that the app and its workers share. Every one of them needs what
 *   Elasticsearch and Redis do not give: the audit trail is a hash chain whose appends must be
 *   serialized and written in the same transaction as the stored response they seal; a ledger
 *   row, a document's pages and its 'ready' flip move together or not at all; a restriction and
 *   the documents it covers change in one transaction. SQLite gives that across processes on one
 *   host (WAL + `BEGIN IMMEDIATE`, busy timeout), which is how docker-compose.yml runs the app and
 *   `--scale worker=N`. It must not sit on a network filesystem (SQLite's locking is not safe
 *   there): workers on other hosts are the next step (see docs/OPERATIONS.md).
 * - Elasticsearch holds the search index: a derived copy of each ready document, written from the
 *   record. Losing it loses nothing (`kwerenda reindex` rebuilds it), and it is what scales the
 *   searching of hundreds of thousands of pages by a department.
 * - Redis holds the queue (BullMQ): jobs and their locks, nothing that is not also in the ledger.
 *
 * The record and the index are kept in step by an outbox: every change that Elasticsearch must
 * see (a document became ready, its access rules changed) adds a row to `search_sync` in the same
 * SQLite transaction (server/store/db.ts `queueSearchSync`). `drain()` writes the queued documents
 * (idempotently: ids derive from the record) and deletes a row only if it was not queued again
 * meanwhile; a failure leaves the row, with its error, for the next drain. Ingest drains a
 * document before reporting it ingested; the server drains after each restriction change and
 * every few seconds, so nothing queued is lost to a crash.
 */
import type { Chunk, MetaValue } from '../../../ingest/types.js';
import type { StoredWord } from '../../domain/types.js';
import type { Logger } from '../../log.js';
import { getSetting, vectorTable, type Db } from '../../store/db.js';
import type { DocumentDbRow } from '../sqlite/rows.js';
import { esReason } from './es-errors.js';
import { ElasticsearchIndexer, type EsDocumentInput } from './es-indexer.js';
import type { RecordKind } from './mappings.js';

type DocRow = DocumentDbRow & { status: string };

interface PageRow {
  page: number;
  text: string;
  words: string;
  source: 'text-layer' | 'ocr' | 'empty';
  confidence: number | null;
  corrections: string;
  width: number;
  height: number;
}

/** A ready document's record as the indexer takes it, or null when it is not (or no longer) ready. */
export function recordInput(db: Db, documentId: number): EsDocumentInput | null {
  const d = db.prepare("SELECT * FROM documents WHERE id = ? AND status = 'ready'").get(documentId) as DocRow | undefined;
  if (!d) return null;
  const pages = (db.prepare('SELECT * FROM pages WHERE document_id = ? ORDER BY page').all(documentId) as PageRow[]).map((p) => ({
    page: p.page,
    text: p.text,
    words: (JSON.parse(p.words) as StoredWord[]).map(([start, end, x0, y0, x1, y1, confidence]) => ({ start, end, box: { x0, y0, x1, y1 }, confidence })),
    source: p.source,
    confidence: p.confidence,
    corrections: JSON.parse(p.corrections) as EsDocumentInput['pages'][number]['corrections'],
    width: p.width,
    height: p.height,
  }));
  const rows = db
    .prepare(
      `SELECT c.page, c.start, c.end, c.text, v.embedding FROM chunks c JOIN ${vectorTable(db)} v ON v.rowid = c.id
       WHERE c.document_id = ? ORDER BY c.id`,
    )
    .all(documentId) as (Chunk & { embedding: Buffer })[];
  const metadata = (
    db.prepare('SELECT kind, value, raw, page, start, end, origin, extra FROM metadata WHERE document_id = ? ORDER BY id').all(documentId) as (Omit<MetaValue, 'extra'> & {
      extra: string | null;
    })[]
  ).map(({ extra, ...m }) => ({ ...m, ...(extra ? { extra: JSON.parse(extra) as Record<string, string> } : {}) }));
  return {
    id: String(d.id),
    sha256: d.sha256,
    filename: d.filename,
    kind: d.kind,
    title: d.title,
    caseNumber: d.case_number,
    docType: d.doc_type,
    docDate: d.doc_date,
    pages,
    metadata,
    chunks: rows.map(({ page, start, end, text }) => ({ page, start, end, text })),
    vectors: rows.map((r) => new Float32Array(r.embedding.buffer.slice(r.embedding.byteOffset, r.embedding.byteOffset + r.embedding.byteLength))),
    restrictions: accessRules(db, documentId),
    external: d.external_id ? { id: d.external_id, url: d.external_url ?? null } : null,
  };
}

/** The active rules covering a document, each as the principals it admits (`user:NAME`, `role:ROLE`). */
export function accessRules(db: Db, documentId: number): string[][] {
  const rows = db
    .prepare('SELECT restriction_id AS rule, kind, principal FROM document_access WHERE document_id = ? ORDER BY restriction_id, kind, principal')
    .all(documentId) as { rule: number; kind: string; principal: string }[];
  const rules = new Map<number, string[]>();
  for (const r of rows) rules.set(r.rule, [...(rules.get(r.rule) ?? []), `${r.kind}:${r.principal}`]);
  return [...rules.values()];
}

/** The archive setting in which a running `kwerenda reindex` announces its new generation (./es-reindex.ts). */
export const REINDEX_SETTING = 'search_index_reindex';
const STALE_MS = 10 * 60_000;

export interface ReindexAnnouncement {
  indices: Record<RecordKind, string>;
  /** ms since the epoch, renewed as the copy goes on. */
  heartbeat: number;
}

/** The generation a running reindex is filling, or null (none, or its process died). */
export function activeReindexTarget(db: Db, now = Date.now()): Record<RecordKind, string> | null {
  const raw = getSetting(db, REINDEX_SETTING);
  if (!raw) return null;
  try {
    const a = JSON.parse(raw) as ReindexAnnouncement;
    return now - a.heartbeat < STALE_MS ? a.indices : null;
  } catch {
    return null;
  }
}

export interface SyncOutcome {
  synced: number;
  failed: number;
  /** The first error of this drain (ids and reasons, never document text). */
  error?: string;
}

export class SearchIndexSync {
  private running: Promise<SyncOutcome> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reindexTarget: { key: string; indexer: ElasticsearchIndexer } | null = null;

  constructor(
    private readonly db: Db,
    private readonly indexer: ElasticsearchIndexer,
    private readonly logger?: Pick<Logger, 'warn'>,
  ) {}

  /** Rows waiting (the CLI and the overview show it). */
  pending(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM search_sync').get() as { n: number }).n;
  }

  /**
   * Writes what is queued: all of it, or only `documentIds`. One drain at a time per process
   * (a caller arriving meanwhile waits for the running one, then drains again).
   */
  async drain(documentIds?: number[]): Promise<SyncOutcome> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.drainNow(documentIds);
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  /** Drains every `intervalMs` (retrying failures) until stop(). */
  start(intervalMs = 5000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.drain().then((o) => {
        if (o.failed > 0) this.logger?.warn('search_index.sync_failed', { failed: o.failed, error: o.error });
      });
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private async drainNow(only?: number[]): Promise<SyncOutcome> {
    const out: SyncOutcome = { synced: 0, failed: 0 };
    const upTo = (this.db.prepare('SELECT coalesce(max(seq), 0) AS s FROM search_sync').get() as { s: number }).s;
    const failed = new Set<number>();
    const select = only
      ? this.db.prepare(
          `SELECT document_id AS id, what, seq FROM search_sync WHERE seq <= ? AND document_id IN (SELECT value FROM json_each(?))
           ORDER BY seq LIMIT 500`,
        )
      : this.db.prepare('SELECT document_id AS id, what, seq FROM search_sync WHERE seq <= ? ORDER BY seq LIMIT 500');
    for (;;) {
      const rows = (only ? select.all(upTo, JSON.stringify(only)) : select.all(upTo)) as Row[];
      const todo = rows.filter((r) => !failed.has(r.id));
      if (todo.length === 0) return out;
      const done = (r: Row) => {
        this.db.prepare('DELETE FROM search_sync WHERE document_id = ? AND seq = ?').run(r.id, r.seq);
        out.synced++;
      };
      const fail = (r: Row, err: unknown) => {
        const reason = `dokument ${r.id}: ${esReason(err)}`.slice(0, 500);
        this.db.prepare('UPDATE search_sync SET attempts = attempts + 1, last_error = ? WHERE document_id = ? AND seq = ?').run(reason, r.id, r.seq);
        failed.add(r.id);
        out.failed++;
        out.error ??= reason;
      };
      // Rules only: one update per distinct set of rules (a rule on a case covers all its documents).
      const groups = new Map<string, Row[]>();
      for (const r of todo.filter((t) => t.what === 'access')) {
        const key = JSON.stringify(accessRules(this.db, r.id));
        groups.set(key, [...(groups.get(key) ?? []), r]);
      }
      const targets = this.targets();
      for (const [key, group] of groups) {
        try {
          for (const t of targets) await t.setRestrictions(group.map((r) => String(r.id)), JSON.parse(key) as string[][]);
          group.forEach(done);
        } catch (err) {
          group.forEach((r) => fail(r, err));
        }
      }
      const index = todo.filter((t) => t.what === 'index');
      for (let i = 0; i < index.length; i += INDEX_BATCH) {
        const batch = index.slice(i, i + INDEX_BATCH);
        try {
          for (const t of targets) await this.indexMany(t, batch.map((r) => r.id));
          batch.forEach(done);
        } catch (err) {
          batch.forEach((r) => fail(r, err));
        }
      }
    }
  }

  private async indexMany(target: ElasticsearchIndexer, documentIds: number[]): Promise<void> {
    // Documents no longer ready in the record have nothing to show.
    const inputs = documentIds.map((id) => recordInput(this.db, id)).filter((d): d is EsDocumentInput => d !== null);
    const { skipped } = await target.indexDocuments(inputs);
    // Already there (a drain that stopped before deleting its row): their rules may have changed since.
    for (const d of inputs.filter((x) => skipped.includes(x.id))) await target.setRestrictions([d.id], d.restrictions ?? []);
  }

  /** The aliases, and the new generation while `kwerenda reindex` fills it (./es-reindex.ts). */
  private targets(): ElasticsearchIndexer[] {
    const next = activeReindexTarget(this.db);
    if (!next) return [this.indexer];
    const key = JSON.stringify(next);
    if (this.reindexTarget?.key !== key) this.reindexTarget = { key, indexer: this.indexer.withIndices(next) };
    return [this.indexer, this.reindexTarget.indexer];
  }
}

/** Documents written per round of requests (a document with its vectors is ~5 kB a chunk). */
const INDEX_BATCH = 20;

interface Row {
  id: number;
  what: 'index' | 'access';
  seq: number;
}

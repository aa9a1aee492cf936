/**
 * Writes one document into the Elasticsearch indices, atomically as far as a search can tell:
 * every page, chunk (with its vector) and metadata record is bulk-written with `status: pending`
 * (no query ever matches it), and only when all are acknowledged are they flipped to `ready` — the
 * parts first, the document record last, each with `refresh: wait_for`. A crash in between leaves
 * a pending, invisible document that the next attempt overwrites (ids derive from the SHA-256, so
 * writes are idempotent); a document already ready is skipped.
 *
 * Back-pressure: batches are sent one at a time and capped in operations and bytes; items the
 * cluster refuses for load (429, 5xx) are retried alone with exponential backoff, as is a whole
 * request answered 429/502/503/504. Any other item failure (a mapping error) fails the document,
 * which stays pending and invisible. Error messages name record ids and reasons, never text.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import type { Chunk, MetaValue, PageResult } from '../../../ingest/types.js';
import type { StoredWord } from '../../domain/types.js';
import { aliasName, FIRST_GENERATION, hasStempel, indexTemplate, RECORD_KINDS, type RecordKind } from './mappings.js';
import {
  chunkId, metadataRecordId, pageRecordId,
  type ChunkSource, type CommonSource, type DocumentSource, type MetadataSource, type PageSource,
} from './es-records.js';

/** One ingested document as the pipeline hands it over (the same parts Archive.finishDocument takes). */
export interface EsDocumentInput {
  /** The archive record's id: every record of the document derives its id from it. */
  id: string;
  sha256: string;
  filename: string;
  kind: string;
  title: string | null;
  caseNumber: string | null;
  docType: string | null;
  docDate: string | null;
  pages: Pick<PageResult, 'page' | 'text' | 'words' | 'source' | 'confidence' | 'corrections' | 'width' | 'height'>[];
  metadata: MetaValue[];
  chunks: Chunk[];
  vectors: Float32Array[];
  /** Restriction rules already covering the document, each a list of `user:NAME` / `role:ROLE`. */
  restrictions?: string[][];
  /** The document's id (and link) in the document management system, from its sidecar. */
  external?: { id: string; url: string | null } | null;
}

export interface EsIndexerOptions {
  client: Client;
  prefix?: string;
  dimensions: number;
  /**
   * Write into these concrete indices instead of the aliases (`kwerenda reindex` fills a new
   * generation before switching the aliases to it).
   */
  indices?: Record<RecordKind, string>;
  /** Operations (an action and its source count as one) per bulk request. */
  batchOperations?: number;
  /** Approximate bytes per bulk request (vectors make chunk records ~5 kB each). */
  batchBytes?: number;
  /** Attempts per request or item before giving up. */
  attempts?: number;
  /** First backoff delay; doubles per attempt. */
  backoffMs?: number;
  /** Injected in tests so backoff needs no real time. */
  sleep?: (ms: number) => Promise<void>;
}

type Op = { action: estypes.BulkOperationContainer; body?: unknown; id: string };
const RETRYABLE = new Set([429, 502, 503, 504]);

const statusOf = (err: unknown): number | undefined =>
  typeof (err as { meta?: { statusCode?: unknown } })?.meta?.statusCode === 'number'
    ? ((err as { meta: { statusCode: number } }).meta.statusCode)
    : undefined;

export class ElasticsearchIndexer {
  private readonly client: Client;
  private readonly prefix: string;
  private readonly indices: Record<RecordKind, string> | undefined;
  private readonly opts: Required<Omit<EsIndexerOptions, 'client' | 'prefix' | 'indices'>>;

  constructor(opts: EsIndexerOptions) {
    this.client = opts.client;
    this.prefix = opts.prefix ?? 'kwerenda';
    this.indices = opts.indices;
    this.opts = {
      dimensions: opts.dimensions,
      batchOperations: opts.batchOperations ?? 500,
      batchBytes: opts.batchBytes ?? 5_000_000,
      attempts: opts.attempts ?? 6,
      backoffMs: opts.backoffMs ?? 500,
      sleep: opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    };
  }

  /** The same indexer writing into concrete indices (a reindex target) instead of the aliases. */
  withIndices(indices: Record<RecordKind, string>): ElasticsearchIndexer {
    return new ElasticsearchIndexer({ client: this.client, prefix: this.prefix, ...this.opts, indices });
  }

  private alias(kind: RecordKind): string {
    return this.indices?.[kind] ?? aliasName(this.prefix, kind);
  }

  /** True when every node has the analysis-stempel plugin (`GET _nodes/plugins`). */
  async detectStempel(): Promise<boolean> {
    return hasStempel(await this.client.nodes.info({ metric: 'plugins' }));
  }

  /**
   * Puts the index templates (Polish analyzer chosen by plugin detection unless given) and creates
   * the first index behind each alias that does not exist yet. Safe to call at every start.
   */
  async ensureIndices(stempel?: boolean): Promise<{ stempel: boolean; created: boolean }> {
    const withStempel = stempel ?? (await this.detectStempel());
    let created = false;
    for (const kind of RECORD_KINDS) {
      await this.retrying(() =>
        this.client.indices.putIndexTemplate(indexTemplate(this.prefix, kind, { dimensions: this.opts.dimensions, stempel: withStempel })),
      );
      const alias = this.alias(kind);
      if (!(await this.client.indices.exists({ index: alias }))) {
        try {
          await this.client.indices.create({ index: `${alias}-${FIRST_GENERATION}`, aliases: { [alias]: { is_write_index: true } } });
          created = true;
        } catch (err) {
          // The app and the workers start together: another process made it between our check and now.
          const type = (err as { meta?: { body?: { error?: { type?: string } } } }).meta?.body?.error?.type;
          if (type !== 'resource_already_exists_exception') throw err;
        }
      }
    }
    return { stempel: withStempel, created };
  }

  /** Indexes one document; 'skipped' when a ready document with this SHA-256 is already there. */
  async indexDocument(doc: EsDocumentInput): Promise<'indexed' | 'skipped'> {
    if (doc.chunks.length !== doc.vectors.length) throw new Error(`chunks (${doc.chunks.length}) and vectors (${doc.vectors.length}) differ`);
    const existing = await this.retrying(() =>
      this.client.get<Pick<DocumentSource, 'status'>>({ index: this.alias('documents'), id: doc.id, _source_includes: ['status'] }, { ignore: [404] }),
    );
    if (existing.found && existing._source?.status === 'ready') return 'skipped';
    const { documentOp, partOps } = this.writeOps(doc);
    await this.bulk([...partOps, documentOp], false);
    // Parts first, the document last: listing finds the document only once all of it is searchable.
    await this.bulk(partOps.map((o) => readyOp(o)), 'wait_for');
    await this.bulk([readyOp(documentOp)], 'wait_for');
    return 'indexed';
  }

  /**
   * Indexes several documents with the same guarantee as `indexDocument` — each becomes visible
   * only when all its parts are written, its document record flipped last — in five requests
   * whatever their number (one `_mget`, three bulks, two of them waiting for a refresh), instead
   * of four per document. Returns the ids written and those already ready (left alone).
   */
  async indexDocuments(docs: EsDocumentInput[]): Promise<{ indexed: string[]; skipped: string[] }> {
    if (docs.length === 0) return { indexed: [], skipped: [] };
    for (const d of docs) if (d.chunks.length !== d.vectors.length) throw new Error(`document ${d.id}: chunks and vectors differ`);
    const found = await this.retrying(() =>
      this.client.mget<Pick<DocumentSource, 'status'>>({ index: this.alias('documents'), ids: docs.map((d) => d.id), _source_includes: ['status'] }),
    );
    const ready = new Set(found.docs.filter((d) => 'found' in d && d.found && d._source?.status === 'ready').map((d) => d._id));
    const todo = docs.filter((d) => !ready.has(d.id));
    const ops = todo.map((d) => this.writeOps(d));
    if (ops.length > 0) {
      await this.bulk(ops.flatMap((o) => [...o.partOps, o.documentOp]), false);
      await this.bulk(ops.flatMap((o) => o.partOps.map((p) => readyOp(p))), 'wait_for');
      await this.bulk(ops.map((o) => readyOp(o.documentOp)), 'wait_for');
    }
    return { indexed: todo.map((d) => d.id), skipped: docs.filter((d) => ready.has(d.id)).map((d) => d.id) };
  }

  /**
   * Writes whole documents straight as ready, many per bulk request, without waiting for a
   * refresh: only for indices no search reads yet (`kwerenda reindex` fills a new generation, then
   * refreshes it once and switches the aliases).
   */
  async writeReady(docs: EsDocumentInput[]): Promise<void> {
    const ops = docs.flatMap((d) => {
      const { documentOp, partOps } = this.writeOps(d);
      return [...partOps, documentOp].map((o) => ({ ...o, body: { ...(o.body as object), status: 'ready' } }));
    });
    await this.bulk(ops, false);
  }

  /** Replaces the restriction rules of documents on every record of them (an admin changed a rule). */
  async setRestrictions(documentIds: string[], rules: string[][]): Promise<void> {
    if (documentIds.length === 0) return;
    await this.retrying(() =>
      this.client.updateByQuery({
        index: RECORD_KINDS.map((k) => this.alias(k)),
        query: { terms: { doc_id: documentIds } },
        script: {
          lang: 'painless',
          source: 'ctx._source.restrictions = params.rules; ctx._source.restriction_count = params.count',
          params: { rules: rules.map((principals) => ({ principals })), count: rules.length },
        },
        refresh: true,
        conflicts: 'abort',
      }),
    );
  }

  /** The pending records of one document (document record separate: it is flipped last). */
  writeOps(doc: EsDocumentInput): { documentOp: Op; partOps: Op[] } {
    const rules = doc.restrictions ?? [];
    const common: CommonSource = {
      doc_id: doc.id,
      status: 'pending',
      restriction_count: rules.length,
      restrictions: rules.map((principals) => ({ principals })),
      case_number: doc.caseNumber,
      doc_type: doc.docType,
      doc_date: doc.docDate,
      parcels: doc.metadata.filter((m) => m.kind === 'parcel').map((m) => ({ number: m.value, precinct: m.extra?.obreb ?? null })),
    };
    const op = (kind: RecordKind, id: string, body: unknown): Op => ({ action: { index: { _index: this.alias(kind), _id: id } }, body, id });
    const ocr = doc.pages.filter((p) => p.source === 'ocr');
    const conf = ocr.filter((p) => p.confidence !== null);
    const documentOp = op('documents', doc.id, {
      ...common, sha256: doc.sha256, filename: doc.filename, kind: doc.kind, title: doc.title,
      external_id: doc.external?.id ?? null, external_url: doc.external?.url ?? null,
      page_count: doc.pages.length, ocr_pages: ocr.length,
      mean_confidence: conf.length > 0 ? conf.reduce((s, p) => s + p.confidence!, 0) / conf.length : null,
      metadata: doc.metadata.map((m) => ({ ...m })), indexed_at: new Date().toISOString(),
    } satisfies DocumentSource);
    const pages = doc.pages.map((p) => op('pages', pageRecordId(doc.id, p.page), {
      ...common, page: p.page, text: p.text, source: p.source, confidence: p.confidence,
      width: p.width, height: p.height, corrections: { ...p.corrections },
      words: p.words.map((w): StoredWord => [w.start, w.end, r4(w.box.x0), r4(w.box.y0), r4(w.box.x1), r4(w.box.y1), Math.round(w.confidence)]),
    } satisfies PageSource));
    const chunks = doc.chunks.map((c, seq) => {
      const id = chunkId(doc.id, seq);
      return op('chunks', id, { ...common, chunk_key: id, seq, page: c.page, start: c.start, end: c.end, text: c.text, embedding: Array.from(doc.vectors[seq]!) } satisfies ChunkSource);
    });
    const metadata = doc.metadata.map((m, seq) => op('metadata', metadataRecordId(doc.id, seq), {
      ...common, seq, kind: m.kind, value: m.value, raw: m.raw, page: m.page, start: m.start, end: m.end,
      origin: m.origin, precinct: m.extra?.obreb ?? null, extra: m.extra ?? null,
    } satisfies MetadataSource));
    return { documentOp, partOps: [...pages, ...chunks, ...metadata] };
  }

  /** Sends `ops` in bounded batches, one at a time; retries refused items; throws on any other failure. */
  async bulk(ops: Op[], refresh: estypes.Refresh): Promise<void> {
    for (const batch of batches(ops, this.opts.batchOperations, this.opts.batchBytes)) {
      let pending = batch;
      for (let attempt = 1; pending.length > 0; attempt++) {
        const operations = pending.flatMap((o) => (o.body === undefined ? [o.action] : [o.action, o.body]));
        const res = await this.retrying(() => this.client.bulk({ operations, refresh }));
        if (!res.errors) break;
        const retry: Op[] = [];
        const fatal: string[] = [];
        res.items.forEach((item, i) => {
          const r = Object.values(item)[0] as estypes.BulkResponseItem | undefined;
          if (!r?.error) return;
          if (RETRYABLE.has(r.status) || r.status >= 500) retry.push(pending[i]!);
          else fatal.push(`${pending[i]!.id}: ${r.status} ${r.error.type}`);
        });
        if (fatal.length > 0) throw new Error(`Elasticsearch refused ${fatal.length} record(s): ${fatal.slice(0, 5).join('; ')}`);
        if (attempt >= this.opts.attempts) throw new Error(`Elasticsearch still refusing ${retry.length} record(s) after ${attempt} attempts`);
        await this.opts.sleep(this.opts.backoffMs * 2 ** (attempt - 1));
        pending = retry;
      }
    }
  }

  /** Runs a request again after 429/502/503/504 or a lost connection, backing off exponentially. */
  private async retrying<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const status = statusOf(err);
        const transient = status === undefined ? (err as Error)?.name === 'ConnectionError' : RETRYABLE.has(status);
        if (!transient || attempt >= this.opts.attempts) throw err;
        await this.opts.sleep(this.opts.backoffMs * 2 ** (attempt - 1));
      }
    }
  }
}

const r4 = (n: number) => Math.round(n * 10_000) / 10_000;

/** The partial update that makes a written record ready. */
function readyOp(o: Op): Op {
  const index = (o.action.index ?? o.action.update)!;
  return { action: { update: { _index: index._index!, _id: index._id! } }, body: { doc: { status: 'ready' } }, id: o.id };
}

/** Splits ops into batches of at most `maxOps` operations and about `maxBytes` bytes. */
function* batches(ops: Op[], maxOps: number, maxBytes: number): Generator<Op[]> {
  let batch: Op[] = [];
  let bytes = 0;
  for (const o of ops) {
    const size = JSON.stringify(o.body ?? '').length + 100;
    if (batch.length > 0 && (batch.length >= maxOps || bytes + size > maxBytes)) {
      yield batch;
      [batch, bytes] = [[], 0];
    }
    batch.push(o);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

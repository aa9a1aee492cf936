/**
 * Composition root: the one place where implementations are chosen (by configuration) and wired.
 */
import { HashingEmbedder, HttpEmbedder, type Embedder } from '../ingest/embed.js';
import { TesseractPool } from '../ingest/extract/tesseract-pool.js';
import type { Config } from './config.js';
import { SqliteQueue } from './queue/sqlite-queue.js';
import type { JobQueue } from './queue/queue.js';
import { IngestService } from './services/ingest.service.js';
import { Archive } from './store/archive.js';
import { ensureVectorTable, openDb, type Db } from './store/db.js';
import { Ledger } from './store/ledger.js';

export interface Runtime {
  config: Readonly<Config>;
  db: Db;
  archive: Archive;
  ledger: Ledger;
  embedder: Embedder;
  close(): Promise<void>;
}

export interface IngestRuntime extends Runtime {
  pool: TesseractPool;
  queue: JobQueue;
  ingest: IngestService;
}

export async function createEmbedder(config: Readonly<Config>): Promise<Embedder> {
  const e = config.embeddings;
  if (!e.baseUrl) return new HashingEmbedder();
  const http = new HttpEmbedder({
    baseUrl: e.baseUrl,
    model: e.model,
    apiKey: e.apiKey,
    dimensions: e.dimensions,
    timeoutMs: e.timeoutMs,
    queryPrefix: e.queryPrefix,
    passagePrefix: e.passagePrefix,
  });
  if (e.dimensions === undefined) await http.probe();
  return http;
}

export async function createRuntime(config: Readonly<Config>): Promise<Runtime> {
  if (config.backend !== 'sqlite') {
    throw new Error(`search backend "${config.backend}" is not available yet; available: sqlite`);
  }
  const db = openDb(config.dataDir);
  const embedder = await createEmbedder(config);
  ensureVectorTable(db, embedder.id, embedder.dimensions);
  return {
    config,
    db,
    archive: new Archive(db, config.dataDir),
    ledger: new Ledger(db),
    embedder,
    close: async () => {
      db.close();
    },
  };
}

export async function createIngestRuntime(config: Readonly<Config>, workers?: number): Promise<IngestRuntime> {
  const base = await createRuntime(config);
  const size = workers ?? config.ingest.workers;
  const pool = new TesseractPool(size);
  const queue = new SqliteQueue(base.db);
  const ingest = new IngestService(
    base.ledger,
    queue,
    {
      archive: base.archive,
      ledger: base.ledger,
      pool,
      embedder: base.embedder,
      pageWindow: size + 1,
      ocr: {
        timeoutMs: config.ingest.pageTimeoutMs,
        maxPixels: config.ingest.maxImagePixels,
        osd: config.ingest.osd,
        viewerDpi: config.ingest.pageImageDpi,
      },
      pdf: {
        timeoutMs: config.ingest.pageTimeoutMs,
        memoryMb: config.ingest.pdfWorkerMemoryMb,
        passwords: config.ingest.pdfPasswords,
        maxImagePixels: config.ingest.maxImagePixels,
      },
    },
    config.ingest.attempts,
    // Files in flight: enough to keep every OCR worker fed across file boundaries.
    Math.max(2, size),
  );
  return {
    ...base,
    pool,
    queue,
    ingest,
    close: async () => {
      await queue.close();
      await pool.close();
      base.db.close();
    },
  };
}

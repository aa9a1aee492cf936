/**
 * Metadata extraction off the main thread, under a time limit: the rules read page text that anyone
 * who can upload a file controls, so a page that makes a step run too long must not stall the
 * server or the batch. One worker thread is reused for every document (a thread per document would
 * cost born-digital ingest its speed); a step past its limit ends the thread, its kind is left
 * unknown with the reason, and the remaining steps run on a fresh thread.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { MetaKind, MetaValue } from '../types.js';
import type { Found } from './common.js';
import { METADATA_KINDS, overrideCaseNumber, type ExtractContext, type PageText } from './index.js';
import type { MetadataJob, MetadataStepReply } from './worker-protocol.js';

export interface MetadataOutcome {
  /** The values read, in the order of `extractMetadata`. */
  values: MetaValue[];
  /** Kinds whose step ran past its limit or failed: those fields of the document stay unknown. */
  unread: MetaKind[];
  /** Why some kinds were not read, for the ingest records (Polish); null when all were. */
  reason: string | null;
}

export interface MetadataRunnerOptions {
  /** How long one step may run on a one-page document, ms; a longer document gets `perPageMs` more a page. */
  stepTimeoutMs: number;
  perPageMs?: number;
  /** The worker script; default the compiled `worker.js` beside this module in dist/. */
  workerFile?: string;
}

export const DEFAULT_STEP_TIMEOUT_MS = 10_000;
const DEFAULT_PER_PAGE_MS = 20;

const KIND_NAMES: Record<MetaKind, string> = {
  caseNumber: 'znak sprawy',
  references: 'sygnatury cytowane',
  docType: 'typ dokumentu',
  date: 'daty',
  parcel: 'działki',
  address: 'adresy',
  investor: 'inwestorzy',
  issuer: 'organ wydający',
  outcome: 'rozstrzygnięcie',
};

/** The compiled worker: tests run this module from source, the worker always runs from dist/. */
function defaultWorkerFile(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return path.join(path.dirname(here), 'worker.js');
  return path.join(path.resolve(path.dirname(here), '..', '..'), 'dist', 'ingest', 'metadata', 'worker.js');
}

type Stop = { kind: MetaKind; why: 'timeout' | 'error' };

interface ActiveJob {
  reply(r: MetadataStepReply): void;
  fail(): void;
}

export class MetadataRunner {
  private worker: Worker | null = null;
  private active: ActiveJob | null = null;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: MetadataRunnerOptions) {}

  /** All metadata of one document, as `extractMetadata` reads it, with what could not be read. Never rejects. */
  extract(pages: PageText[], ctx: ExtractContext = {}): Promise<MetadataOutcome> {
    const run = this.queue.then(() => this.run(pages, ctx));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.queue;
    this.kill();
  }

  private async run(pages: PageText[], ctx: ExtractContext): Promise<MetadataOutcome> {
    const read = new Map<MetaKind, MetaValue[]>();
    const unread: MetaKind[] = [];
    let why: Stop['why'] | null = null;
    let spans: [number, Found[]][] = [];
    const limitMs = this.opts.stepTimeoutMs + (this.opts.perPageMs ?? DEFAULT_PER_PAGE_MS) * pages.length;
    let todo = [...METADATA_KINDS];
    while (todo.length > 0) {
      const stop = await this.runJob({ pages, ctx, kinds: todo, spans }, limitMs, (r) => {
        read.set(r.kind, r.values);
        if (r.spans) spans = r.spans;
      });
      if (!stop) break;
      unread.push(stop.kind);
      why ??= stop.why;
      todo = todo.filter((k) => k !== stop.kind && !read.has(k));
    }
    // The command line's case number does not depend on the text: it is kept whatever happened.
    if (unread.includes('caseNumber')) read.set('caseNumber', overrideCaseNumber(ctx));
    const reason =
      unread.length === 0
        ? null
        : `nie odczytano metadanych: ${unread.map((k) => KIND_NAMES[k]).join(', ')} (${
            why === 'timeout' ? `analiza tekstu przekroczyła ${Math.round(limitMs / 1000)} s` : 'błąd analizy tekstu'
          })`;
    return { values: METADATA_KINDS.flatMap((k) => read.get(k) ?? []), unread, reason };
  }

  /** Runs one job on the worker; resolves with the step that was stopped, or null when all finished. */
  private runJob(job: Omit<MetadataJob, 'id'>, limitMs: number, onStep: (r: MetadataStepReply) => void): Promise<Stop | null> {
    return new Promise((resolve) => {
      const id = this.nextId++;
      let left = [...job.kinds];
      let timer: NodeJS.Timeout | undefined;
      let done = false;
      const finish = (stop: Stop | null): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.active = null;
        if (stop) this.kill();
        resolve(stop);
      };
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => finish({ kind: left[0]!, why: 'timeout' }), limitMs);
      };
      this.active = {
        reply: (r) => {
          if (r.id !== id || done) return;
          onStep(r);
          left = left.filter((k) => k !== r.kind);
          if (left.length === 0) finish(null);
          else arm();
        },
        fail: () => finish({ kind: left[0]!, why: 'error' }),
      };
      arm();
      try {
        this.ensureWorker().postMessage({ id, ...job } satisfies MetadataJob);
      } catch {
        finish({ kind: left[0]!, why: 'error' });
      }
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.opts.workerFile ?? defaultWorkerFile());
    w.on('message', (r: MetadataStepReply) => {
      if (w === this.worker) this.active?.reply(r);
    });
    w.on('error', () => {
      if (w === this.worker) this.active?.fail();
    });
    w.on('exit', () => {
      if (w !== this.worker) return;
      this.worker = null;
      this.active?.fail();
    });
    // Idle, the thread does not keep the process alive; a running job's timer does. (After the
    // listeners: adding a 'message' listener refs the thread again.)
    w.unref();
    this.worker = w;
    return w;
  }

  private kill(): void {
    const w = this.worker;
    this.worker = null;
    void w?.terminate();
  }
}

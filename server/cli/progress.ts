/**
 * Ingest progress for people: a bar on a terminal (files, pages, pages/min, ETA), one plain line
 * per finished file otherwise (logs, CI, cron). Never prints document text.
 */
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { BatchSummary, Ledger, LedgerFile } from '../store/ledger.js';

export interface ProgressReporter {
  update(batchId: number): void;
  stop(): void;
}

export function createReporter(mode: 'bar' | 'lines' | 'none', ledger: Ledger, out: NodeJS.WriteStream): ProgressReporter {
  if (mode === 'none') return { update: () => undefined, stop: () => undefined };
  return mode === 'bar' ? new BarReporter(ledger, out) : new LineReporter(ledger, out);
}

class Rate {
  private readonly started = Date.now();
  private firstPages: number | null = null;
  perMinute(pagesDone: number): number {
    this.firstPages ??= pagesDone;
    const minutes = (Date.now() - this.started) / 60_000;
    return minutes > 0.001 ? (pagesDone - this.firstPages) / minutes : 0;
  }
}

function eta(s: BatchSummary, perMin: number): string {
  const left = Math.max(0, s.pagesTotal - s.pagesDone);
  if (perMin <= 0 || left === 0) return '–';
  const secs = Math.round((left / perMin) * 60);
  const m = Math.floor(secs / 60);
  return m > 0 ? `${m} min ${secs % 60} s` : `${secs} s`;
}

class BarReporter implements ProgressReporter {
  private readonly bar: cliProgress.SingleBar;
  private readonly rate = new Rate();
  private started = false;

  constructor(
    private readonly ledger: Ledger,
    out: NodeJS.WriteStream,
  ) {
    this.bar = new cliProgress.SingleBar(
      {
        stream: out,
        format: 'Pliki {bar} {done}/{files} | strony {pagesDone}/{pagesTotal} | {rate} str./min | pozostało {left} | błędy {failed}',
        hideCursor: true,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  update(batchId: number): void {
    const s = this.ledger.summary(batchId);
    const perMin = this.rate.perMinute(s.pagesDone);
    const payload = {
      done: s.ingested + s.present + s.failed,
      files: s.files,
      pagesDone: s.pagesDone,
      pagesTotal: s.pagesTotal,
      rate: perMin.toFixed(1),
      left: eta(s, perMin),
      failed: s.failed,
    };
    if (!this.started) {
      this.bar.start(Math.max(1, s.files), payload.done, payload);
      this.started = true;
    }
    this.bar.setTotal(Math.max(1, s.files));
    this.bar.update(payload.done, payload);
  }

  stop(): void {
    if (this.started) this.bar.stop();
  }
}

class LineReporter implements ProgressReporter {
  private readonly reported = new Set<number>();
  private readonly rate = new Rate();

  constructor(
    private readonly ledger: Ledger,
    private readonly out: NodeJS.WriteStream,
  ) {}

  update(batchId: number): void {
    const s = this.ledger.summary(batchId);
    const perMin = this.rate.perMinute(s.pagesDone);
    for (const f of this.ledger.files(batchId)) {
      if (this.reported.has(f.id) || !['ingested', 'present', 'failed'].includes(f.status)) continue;
      this.reported.add(f.id);
      const done = this.reported.size;
      this.out.write(
        `[${done}/${s.files}] ${statusWord(f)} ${path.basename(f.path)}${detail(f)} | ` +
          `strony ${s.pagesDone}/${s.pagesTotal}, ${perMin.toFixed(1)} str./min\n`,
      );
    }
  }

  stop(): void {}
}

export function statusWord(f: LedgerFile): string {
  switch (f.status) {
    case 'ingested':
      return 'dodano';
    case 'present':
      return 'już w archiwum';
    case 'failed':
      return 'BŁĄD';
    default:
      return f.status;
  }
}

function detail(f: LedgerFile): string {
  if (f.status === 'failed') return ` — ${f.error ?? f.error_code ?? 'nieznany błąd'}`;
  return f.pages_total ? ` (${f.pages_total} str.)` : '';
}

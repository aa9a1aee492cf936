/**
 * Batches handed over to the queue: `kwerenda ingest --no-wait` (scaled-out mode) enqueues the
 * files and exits, and the `kwerenda worker` processes finish the batch. Such a batch keeps the
 * pid of the process that started it, with the queue as its host: a ledger on any machine then
 * treats its owner as alive elsewhere (`processAlive` cannot judge another host), so the batch is
 * neither closed as interrupted nor skipped by the workers' liveness check. The worker that
 * finishes its last file closes it, exactly once.
 */
import { write, type Db } from '../store/db.js';
import type { Ledger } from '../store/ledger.js';

/** The owner host of a batch handed over to the queue. */
export const QUEUE_OWNER_HOST = 'kolejka-redis';

/** Hands a batch over to the queue; call before its first job is added. */
export function detachBatch(db: Db, batchId: number): void {
  write(db, () => db.prepare('UPDATE batches SET owner_host = ? WHERE id = ?').run(QUEUE_OWNER_HOST, batchId));
}

/** Closes a handed-over batch once none of its files is queued or running; true if this call closed it. */
export function finishDetachedIfDone(ledger: Ledger, batchId: number): boolean {
  const db = ledger.db;
  const claimed = write(db, () => {
    const s = ledger.summary(batchId);
    if (s.queued > 0 || s.running > 0) return false;
    return (
      db
        .prepare("UPDATE batches SET owner_host = ? WHERE id = ? AND owner_host = ? AND status = 'running'")
        .run(`${QUEUE_OWNER_HOST}:done`, batchId, QUEUE_OWNER_HOST).changes === 1
    );
  });
  if (claimed) ledger.finishBatch(batchId);
  return claimed;
}

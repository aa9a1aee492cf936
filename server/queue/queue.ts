/**
 * The job queue behind which ingest work runs. The embedded implementation keeps jobs in the
 * archive's SQLite database and runs them in-process; a BullMQ implementation (scaled-out mode)
 * comes behind the same interface, with the same handlers.
 */
import { z } from 'zod';

export const zIngestFileJob = z.object({ fileId: z.number().int().positive() });
export type IngestFileJob = z.infer<typeof zIngestFileJob>;

/** Every job name and the schema its payload must satisfy; the runner checks it before handling. */
export const jobSchemas = {
  'ingest-file': zIngestFileJob,
} as const;

export type JobName = keyof typeof jobSchemas;
export type JobPayload<N extends JobName> = z.infer<(typeof jobSchemas)[N]>;

export interface JobInfo<N extends JobName = JobName> {
  id: string;
  name: N;
  payload: JobPayload<N>;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
}

export interface JobHandler<N extends JobName> {
  run(job: JobInfo<N>): Promise<void>;
  /** Called once when the job has failed for good (last attempt, or a permanent error). */
  onFailed(job: JobInfo<N>, err: unknown): Promise<void> | void;
}

export interface JobQueue {
  /** Adds a job unless one with the same id is already waiting or active. */
  add<N extends JobName>(name: N, payload: JobPayload<N>, opts: { jobId: string; attempts: number }): Promise<void>;
  /** Starts running jobs of this name with the given concurrency. */
  process<N extends JobName>(name: N, handler: JobHandler<N>, opts: { concurrency: number }): void;
  /** Resolves when none of these jobs is waiting or active any more. */
  settled(jobIds: string[]): Promise<void>;
  close(): Promise<void>;
}

/** An error a retry cannot fix (unsupported file, wrong password, corrupt data). */
export function isPermanent(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { permanent?: unknown }).permanent === true;
}

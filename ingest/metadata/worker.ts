/**
 * The metadata worker thread: reads the kinds of metadata a job asks for, one step at a time,
 * replying after each, so that the runner keeps every step that finished when it has to end a
 * step that runs too long (runner.ts).
 */
import { parentPort } from 'node:worker_threads';
import { extractMetadataKind, type SignatureSpans } from './index.js';
import type { MetadataJob, MetadataStepReply } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('metadata/worker.ts runs as a worker thread');

port.on('message', (job: MetadataJob) => {
  const spans: SignatureSpans = new Map(job.spans);
  for (const kind of job.kinds) {
    const values = extractMetadataKind(kind, job.pages, job.ctx, spans);
    const reply: MetadataStepReply = { id: job.id, kind, values };
    if (kind === 'caseNumber') reply.spans = [...spans];
    port.postMessage(reply);
  }
});

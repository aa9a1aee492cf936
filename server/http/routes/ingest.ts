/**
 * Upload and ingest progress for records staff. `POST /api/ingest` streams a multipart body (busboy)
 * file by file to a staging folder — never the whole body in memory — and answers 202 `{batchId}`
 * as soon as the batch is queued; progress is polled from `GET /api/ingest/batches/:id`.
 */
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { Router, type Request, type Response } from 'express';
import { isIgnored } from '../../../ingest/walk.js';
import { DomainError } from '../../errors.js';
import type { OverviewService } from '../../services/overview.service.js';
import type { UploadService } from '../../services/upload.service.js';
import { actorOf } from '../auth.js';
import { invalidRequest, parseParams, zBatchesQuery, zIngestIdParams } from '../params.js';
import { route } from '../route.js';

function idParam(req: Request): number {
  return parseParams(zIngestIdParams, req.params, () => new DomainError('invalid_request', 'nieprawidłowy identyfikator', 400)).id;
}

const tooLarge = (what: string) => new DomainError('payload_too_large', what, 413);

/** Streams every file part to the staging folder; resolves with the staged paths. */
function receive(req: Request, uploads: UploadService): Promise<{ staging: ReturnType<UploadService['createStaging']>; files: string[] }> {
  const { maxFileBytes, maxRequestBytes, maxFiles } = uploads.limits;
  const mb = (n: number) => `${Math.floor(n / 1024 ** 2)} MB`;
  const declared = Number(req.get('content-length') ?? NaN);
  if (declared > maxRequestBytes) throw tooLarge(`przesyłka jest za duża (limit ${mb(maxRequestBytes)})`);
  if (!/^multipart\/form-data/i.test(req.get('content-type') ?? '')) {
    throw new DomainError('invalid_request', 'oczekiwano formularza multipart/form-data z plikami', 415);
  }
  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: req.headers,
      preservePath: true, // folder uploads send "folder/sub/file.pdf"
      defParamCharset: 'utf8', // browsers send file names as raw UTF-8 (busboy assumes latin1)
      limits: { fileSize: maxFileBytes, files: maxFiles, fields: 20, fieldSize: 1024, parts: maxFiles + 20 },
    });
  } catch {
    throw new DomainError('invalid_request', 'nieprawidłowy formularz multipart', 400);
  }
  const staging = uploads.createStaging();
  const files: string[] = [];
  const writes: Promise<void>[] = [];
  let total = 0;
  let failure: DomainError | null = null;
  const fail = (e: DomainError) => {
    failure ??= e;
  };

  return new Promise((resolve, reject) => {
    bb.on('file', (_field, stream, info) => {
      const name = info.filename ?? '';
      const base = name.split(/[/\\]/).pop() ?? '';
      if (failure || !name || isIgnored(base)) {
        stream.resume(); // system clutter of a folder upload (Thumbs.db, .DS_Store) is not staged
        return;
      }
      const target = staging.pathFor(name);
      files.push(target);
      stream.on('limit', () => fail(tooLarge(`plik „${base}” jest za duży (limit ${mb(maxFileBytes)})`)));
      const count = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          total += chunk.length;
          if (total > maxRequestBytes) {
            fail(tooLarge(`przesyłka jest za duża (limit ${mb(maxRequestBytes)})`));
            cb(); // keep reading (and dropping) the body so the answer reaches the browser
            return;
          }
          cb(null, failure ? undefined : chunk);
        },
      });
      writes.push(pipeline(stream, count, fs.createWriteStream(target)));
    });
    bb.on('filesLimit', () => fail(tooLarge(`za dużo plików w jednej przesyłce (limit ${maxFiles})`)));
    bb.on('partsLimit', () => fail(tooLarge('za dużo części formularza')));
    let finished = false;
    const finish = (err: DomainError | null) => {
      if (finished) return;
      finished = true;
      Promise.allSettled(writes).then((results) => {
        const bad = results.find((r) => r.status === 'rejected');
        const e = err ?? failure ?? (bad ? new DomainError('upload_failed', 'nie udało się zapisać przesłanego pliku', 500) : null);
        if (e) {
          staging.discard();
          reject(e);
        } else resolve({ staging, files });
      }, reject);
    };
    bb.on('close', () => finish(null));
    bb.on('error', () => {
      req.unpipe(bb);
      req.resume();
      finish(new DomainError('invalid_request', 'nieprawidłowy lub przerwany formularz multipart', 400));
    });
    req.on('aborted', () => finish(new DomainError('request_aborted', 'przesyłanie przerwane', 400)));
    req.pipe(bb);
  });
}

export function ingestRoutes(uploads: UploadService): Router {
  const r = Router();

  route(r, 'POST', '/ingest', async (req, res) => {
    let received: Awaited<ReturnType<typeof receive>>;
    try {
      received = await receive(req, uploads);
    } catch (err) {
      // The body may be unread: close the connection after answering rather than read gigabytes.
      if (err instanceof DomainError && err.status === 413) res.set('Connection', 'close');
      throw err;
    }
    const batchId = await uploads.startBatch(received.staging, received.files, actorOf(res));
    res.status(202).json({ batchId });
  });

  route(r, 'GET', '/ingest/batches', (req, res) => {
    const { limit } = parseParams(zBatchesQuery, req.query, invalidRequest);
    res.json({ batches: uploads.batches(limit) });
  });

  route(r, 'GET', '/ingest/batches/:id', (req, res) => {
    res.json(uploads.batch(idParam(req)));
  });

  route(r, 'POST', '/ingest/files/:id/retry', async (req, res) => {
    res.status(202).json(await uploads.retry(idParam(req), actorOf(res)));
  });

  return r;
}

/** `GET /api/archive/overview`: counts for the records staff's screen (records, supervisor, admin). */
export function overviewRoutes(overview: OverviewService): Router {
  const r = Router();
  route(r, 'GET', '/archive/overview', (_req, res) => {
    res.json(overview.overview(actorOf(res)));
  });
  return r;
}

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
import { DEFAULT_PESEL_POLICY, type PeselPolicy } from '../../security/masking.js';
import type { OverviewService } from '../../services/overview.service.js';
import type { Staging, UploadService } from '../../services/upload.service.js';
import { actorOf } from '../auth.js';
import { invalidRequest, parseParams, zBatchesQuery, zIngestIdParams } from '../params.js';
import { route } from '../route.js';

function idParam(req: Request): number {
  return parseParams(zIngestIdParams, req.params, () => new DomainError('invalid_request', 'nieprawidłowy identyfikator', 400)).id;
}

const tooLarge = (what: string) => new DomainError('payload_too_large', what, 413);

/** Errors of the filesystem that a file's name caused (the caller can fix them by renaming). */
const NAME_ERRORS = new Set(['ENAMETOOLONG', 'EEXIST', 'ENOTDIR', 'EISDIR', 'EINVAL', 'EILSEQ']);

/** A file that could not be staged, as the caller should hear it. */
function stagingError(err: unknown, base: string): DomainError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (NAME_ERRORS.has(code)) return new DomainError('invalid_file_name', `nie można zapisać pliku pod nazwą „${base.slice(0, 120)}”; zmień nazwę pliku lub folderu`, 400);
  if (code === 'ENOSPC' || code === 'EDQUOT') return new DomainError('insufficient_storage', 'brak miejsca na dysku serwera; zawiadom administratora', 507);
  return new DomainError('upload_failed', 'nie udało się zapisać przesłanego pliku', 500);
}

/**
 * Streams every file part to the staging folder; resolves with the staged paths. Nothing thrown
 * here may escape a busboy handler (it would end the process): every failure settles the request,
 * and a failed or cut-off upload leaves nothing staged.
 */
function receive(req: Request, uploads: UploadService): Promise<{ staging: Staging; files: string[] }> {
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
  let staging: Staging;
  try {
    staging = uploads.createStaging();
  } catch (err) {
    throw stagingError(err, '');
  }
  const files: string[] = [];
  const writes: Promise<void>[] = [];
  let total = 0;
  let failure: DomainError | null = null;
  const fail = (e: DomainError) => {
    failure ??= e;
  };

  return new Promise((resolve, reject) => {
    let finished = false;
    const finish = (err: DomainError | null) => {
      if (finished) return;
      finished = true;
      if (err || failure) {
        // Stop parsing: the file being written ends (its write settles) and the rest of the body
        // is not read (the answer closes the connection).
        req.unpipe(bb);
        bb.destroy();
      }
      void Promise.allSettled(writes).then((results) => {
        const bad = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        const e = err ?? failure ?? (bad ? stagingError(bad.reason, '') : null);
        if (e) {
          staging.discard();
          reject(e);
        } else resolve({ staging, files });
      });
    };

    bb.on('file', (_field, stream, info) => {
      const name = info.filename ?? '';
      const base = name.split(/[/\\]/).pop() ?? '';
      try {
        if (finished || failure || !name || isIgnored(base)) {
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
        const write = pipeline(stream, count, fs.createWriteStream(target, { flags: 'wx' })).catch((err: unknown) => {
          if (!finished) {
            fail(stagingError(err, base)); // the disk refused it: the upload cannot succeed
            finish(null);
          }
          throw err;
        });
        write.catch(() => undefined); // observed by finish(); never an unhandled rejection
        writes.push(write);
      } catch (err) {
        stream.resume();
        fail(stagingError(err, base));
      }
    });
    bb.on('filesLimit', () => fail(tooLarge(`za dużo plików w jednej przesyłce (limit ${maxFiles})`)));
    bb.on('partsLimit', () => fail(tooLarge('za dużo części formularza')));
    bb.on('close', () => finish(null));
    bb.on('error', () => finish(new DomainError('invalid_request', 'nieprawidłowy lub przerwany formularz multipart', 400)));
    const aborted = () => finish(new DomainError('request_aborted', 'przesyłanie przerwane', 400));
    req.on('aborted', aborted);
    req.on('error', aborted);
    req.pipe(bb);
  });
}

export function ingestRoutes(uploads: UploadService, pesel: PeselPolicy = DEFAULT_PESEL_POLICY): Router {
  const r = Router();

  route(r, 'POST', '/ingest', async (req, res) => {
    let received: Awaited<ReturnType<typeof receive>>;
    try {
      received = await receive(req, uploads);
    } catch (err) {
      // The body may be unread: close the connection after answering rather than read gigabytes.
      if (!req.complete) res.set('Connection', 'close');
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
    // File names often carry a person's name or identifier: PESEL / identity-card numbers masked as everywhere else.
    const actor = actorOf(res);
    res.json(pesel.view(uploads.batch(idParam(req), actor), actor.role));
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

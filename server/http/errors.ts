/**
 * One place that turns anything thrown into `{error: {code, message}}` with the right status.
 * Body-parser and router errors (bad JSON, too large, bad encoding, bad URL escapes) are the
 * caller's fault: 4xx. Anything else is ours: 500, logged without request content.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DomainError } from '../errors.js';
import type { Logger } from '../log.js';

const BODY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  'entity.too.large': { status: 413, code: 'payload_too_large', message: 'treść żądania jest za duża' },
  'entity.parse.failed': { status: 400, code: 'invalid_json', message: 'treść żądania nie jest poprawnym JSON' },
  'entity.verify.failed': { status: 400, code: 'invalid_body', message: 'nieprawidłowa treść żądania' },
  'request.aborted': { status: 400, code: 'request_aborted', message: 'żądanie przerwane' },
  'request.size.invalid': { status: 400, code: 'invalid_body', message: 'nieprawidłowa długość treści' },
  'charset.unsupported': { status: 415, code: 'unsupported_charset', message: 'nieobsługiwane kodowanie znaków (użyj UTF-8)' },
  'encoding.unsupported': { status: 415, code: 'unsupported_encoding', message: 'nieobsługiwane kodowanie treści' },
  'stream.encoding.set': { status: 400, code: 'invalid_body', message: 'nieprawidłowa treść żądania' },
};

export const notFoundHandler: RequestHandler = (_req, _res, next) => {
  next(new DomainError('not_found', 'nie ma takiego adresu', 404));
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let status = 500;
    let code = 'internal';
    let message = 'błąd wewnętrzny serwera';
    const e = err as { type?: string; status?: number; statusCode?: number; code?: string };
    if (err instanceof DomainError) {
      status = err.status;
      code = err.code;
      message = err.message;
    } else if (e && typeof e.type === 'string' && BODY_ERRORS[e.type]) {
      ({ status, code, message } = BODY_ERRORS[e.type]!);
    } else if (e && typeof (e.status ?? e.statusCode) === 'number' && (e.status ?? e.statusCode)! >= 400 && (e.status ?? e.statusCode)! < 500) {
      status = (e.status ?? e.statusCode)!;
      code = status === 404 ? 'not_found' : 'bad_request';
      message = status === 404 ? 'nie ma takiego adresu' : 'nieprawidłowe żądanie';
    }
    if (status >= 500) {
      logger.error('http_error', { method: req.method, route: req.route?.path ?? null, error: err instanceof Error ? err.name : typeof err, detail: err instanceof Error ? err.message.slice(0, 200) : undefined });
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(status).json({ error: { code, message } });
  };
}

import { Router, type Request, type Response } from 'express';
import { DomainError } from '../../errors.js';
import type { AuditAction, AuditLog } from '../../store/audit-log.js';
import { actorOf } from '../auth.js';
import { parseParams, zDocParams, zPageParams } from '../params.js';
import { route } from '../route.js';
import type { DocumentService } from '../../services/document.service.js';
import { coverBoxes, DEFAULT_PESEL_POLICY, identifierBoxes, type PeselPolicy } from '../../security/masking.js';

const noDocument = () => new DomainError('document_not_found', 'nie ma takiego dokumentu w archiwum', 404);

/** A malformed page number is a page that does not exist; a malformed id, a document that does not. */
function pageNumber(req: Request): number {
  return parseParams(zPageParams, req.params, (i) => (i.path[0] === 'n' ? new DomainError('page_not_found', 'numer strony musi być liczbą od 1', 404) : noDocument())).n;
}

function docId(req: Request): string {
  return parseParams(zDocParams, req.params, noDocument).id;
}

/**
 * Every read of a document, a page, a page image or the original file is in the audit trail, and is
 * made as the caller: a document they may not read is a 404, like one that does not exist.
 */
export function documentRoutes(docs: DocumentService, audit: AuditLog, pesel: PeselPolicy = DEFAULT_PESEL_POLICY): Router {
  const r = Router();
  // A caller who hung up before the (possibly slow: a first page render) answer was ready saw
  // nothing: record only what is about to be sent.
  const seen = (res: Response, action: AuditAction, id: string, page?: number) => {
    if (res.req.socket.destroyed) throw new DomainError('request_aborted', 'żądanie przerwane', 400);
    audit.append({ actor: actorOf(res), action, target: id, details: page === undefined ? {} : { page } });
  };

  route(r, 'GET', '/documents/:id', async (req, res) => {
    const doc = await docs.document(docId(req), actorOf(res));
    seen(res, 'document.view', doc.id);
    // PESEL / identity-card numbers masked for roles that may not see them (same length: offsets hold).
    res.json(pesel.view(doc, actorOf(res).role));
  });
  route(r, 'GET', '/documents/:id/pages/:n', async (req, res) => {
    const page = await docs.page(docId(req), pageNumber(req), actorOf(res));
    seen(res, 'page.view', docId(req), pageNumber(req));
    res.json(pesel.view(page, actorOf(res).role));
  });
  route(r, 'GET', '/documents/:id/pages/:n/image', async (req, res) => {
    const img = await docs.image(docId(req), pageNumber(req), actorOf(res));
    seen(res, 'page.image', docId(req), pageNumber(req));
    res.type(img.contentType);
    // Identifiers on the scan are covered for roles that may not see them (never cached: per role).
    const boxes = pesel.maySee(actorOf(res).role) ? [] : identifierBoxes(await docs.page(docId(req), pageNumber(req), actorOf(res)));
    if (boxes.length > 0) {
      res.set('Cache-Control', 'no-store');
      res.send(await coverBoxes(img.path, boxes));
      return;
    }
    res.set('Cache-Control', 'private, max-age=3600');
    await sendFile(res, img.path);
  });
  route(r, 'GET', '/documents/:id/file', async (req, res) => {
    const f = await docs.original(docId(req), actorOf(res));
    seen(res, 'file.download', docId(req));
    res.type(f.contentType);
    res.attachment(pesel.text(f.filename, actorOf(res).role));
    await sendFile(res, f.path);
  });
  return r;
}

function sendFile(res: import('express').Response, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    res.sendFile(file, { dotfiles: 'allow', cacheControl: false, lastModified: false }, (err) => {
      if (err && !res.headersSent) reject(err);
      else resolve();
    });
  });
}

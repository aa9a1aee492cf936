import { Router, type Request, type Response } from 'express';
import { DomainError } from '../../errors.js';
import type { AuditAction, AuditLog } from '../../store/audit-log.js';
import { actorOf } from '../auth.js';
import { invalidRequest, parseParams, zDocParams, zDocumentsQuery, zPageParams } from '../params.js';
import { route } from '../route.js';
import type { DocumentService } from '../../services/document.service.js';
import { DEFAULT_PESEL_POLICY, type PeselPolicy } from '../../security/masking.js';
import { downloadName } from '../download-name.js';

const noDocument = () => new DomainError('document_not_found', 'nie ma takiego dokumentu w archiwum', 404);

/** A malformed page number is a page that does not exist; a malformed id, a document that does not. */
function pageNumber(req: Request): number {
  return parseParams(zPageParams, req.params, (i) => (i.path[0] === 'n' ? new DomainError('page_not_found', 'numer strony musi być liczbą od 1', 404) : noDocument())).n;
}

function docId(req: Request): string {
  return parseParams(zDocParams, req.params, noDocument).id;
}

/**
 * Every read of a document, a page, a page image or a file is in the audit trail, and is made as the
 * caller: a document they may not read is a 404, like one that does not exist. The original file
 * goes only to roles with `documents.original`; everyone who may read the document can download a
 * PDF of its page images instead, identifiers covered for roles that may not see them.
 */
export function documentRoutes(docs: DocumentService, audit: AuditLog, pesel: PeselPolicy = DEFAULT_PESEL_POLICY): Router {
  const r = Router();
  // A caller who hung up before the (possibly slow: a first page render) answer was ready saw
  // nothing: record only what is about to be sent.
  const seen = (res: Response, action: AuditAction, id: string, details: Record<string, unknown> = {}) => {
    if (res.req.socket.destroyed) throw new DomainError('request_aborted', 'żądanie przerwane', 400);
    audit.append({ actor: actorOf(res), action, target: id, details });
  };
  /** A file download: never rendered inline, never sniffed, under a clean name with the content's extension. */
  const download = (res: Response, filename: string, contentType: string) => {
    res.attachment(downloadName(pesel.text(filename, actorOf(res).role), contentType));
    res.type(contentType); // after attachment(), which would take the type from the uploaded name
    res.set('X-Content-Type-Options', 'nosniff');
    res.set('Cache-Control', 'private, no-store');
  };

  route(r, 'GET', '/documents', async (req, res) => {
    const { sha256 } = parseParams(zDocumentsQuery, req.query, invalidRequest);
    const found = await docs.bySha256(sha256, actorOf(res));
    for (const d of found) seen(res, 'document.view', d.id, { via: 'sha256' });
    res.json({ sha256, documents: found.map((d) => pesel.view(d, actorOf(res).role)) });
  });
  route(r, 'GET', '/documents/:id', async (req, res) => {
    const doc = await docs.document(docId(req), actorOf(res));
    seen(res, 'document.view', doc.id);
    // PESEL / identity-card numbers masked for roles that may not see them (same length: offsets hold).
    res.json(pesel.view(doc, actorOf(res).role));
  });
  route(r, 'GET', '/documents/:id/pages/:n', async (req, res) => {
    const page = await docs.page(docId(req), pageNumber(req), actorOf(res));
    seen(res, 'page.view', docId(req), { page: pageNumber(req) });
    res.json(pesel.view(page, actorOf(res).role));
  });
  route(r, 'GET', '/documents/:id/pages/:n/image', async (req, res) => {
    // Identifiers on the page are covered for roles that may not see them (never cached: per role).
    const img = await docs.image(docId(req), pageNumber(req), actorOf(res), !pesel.maySee(actorOf(res).role));
    seen(res, 'page.image', docId(req), { page: pageNumber(req) });
    res.type(img.contentType);
    res.set('X-Content-Type-Options', 'nosniff');
    if (img.covered) {
      res.set('Cache-Control', 'no-store');
      res.send(img.data);
      return;
    }
    res.set('Cache-Control', 'private, max-age=3600');
    await sendFile(res, img.path);
  });
  route(r, 'GET', '/documents/:id/file', async (req, res) => {
    const f = await docs.original(docId(req), actorOf(res));
    seen(res, 'file.download', docId(req), { variant: 'original' });
    download(res, f.filename, f.contentType);
    await sendFile(res, f.path);
  });
  route(r, 'GET', '/documents/:id/file/masked', async (req, res) => {
    const hide = !pesel.maySee(actorOf(res).role);
    const f = await docs.rendition(docId(req), actorOf(res), hide);
    seen(res, 'file.download', docId(req), { variant: 'masked', identifiersCovered: hide });
    download(res, f.filename, 'application/pdf');
    res.send(Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength));
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

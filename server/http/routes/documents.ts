import { Router, type Request } from 'express';
import { DomainError } from '../../errors.js';
import type { DocumentService } from '../../services/document.service.js';

function pageNumber(req: Request): number {
  const raw = String(req.params.n ?? '');
  if (!/^\d{1,6}$/.test(raw)) throw new DomainError('page_not_found', 'numer strony musi być liczbą od 1', 404);
  return Number(raw);
}

function docId(req: Request): string {
  const raw = String(req.params.id ?? '');
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(raw)) throw new DomainError('document_not_found', 'nie ma takiego dokumentu w archiwum', 404);
  return raw;
}

export function documentRoutes(docs: DocumentService): Router {
  const r = Router();
  r.get('/documents/:id', async (req, res) => {
    res.json(await docs.document(docId(req)));
  });
  r.get('/documents/:id/pages/:n', async (req, res) => {
    res.json(await docs.page(docId(req), pageNumber(req)));
  });
  r.get('/documents/:id/pages/:n/image', async (req, res) => {
    const img = await docs.image(docId(req), pageNumber(req));
    res.type(img.contentType);
    res.set('Cache-Control', 'private, max-age=3600');
    await sendFile(res, img.path);
  });
  r.get('/documents/:id/file', async (req, res) => {
    const f = await docs.original(docId(req));
    res.type(f.contentType);
    res.attachment(f.filename);
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

import { Router } from 'express';
import { DEFAULT_PESEL_POLICY, type PeselPolicy } from '../../security/masking.js';
import { actorOf } from '../auth.js';
import { route } from '../route.js';
import type { DocumentService } from '../../services/document.service.js';

/**
 * `GET /api/doc-types`: the document types the archive holds, each with how many documents carry
 * it, counted over the documents the caller may read (a restricted document is not counted, so
 * the list tells nothing of it). For the search form's type filter. Not an audited read: no
 * document is opened, only type labels and counts are returned (identifiers in a label, should
 * one hold any, masked like everywhere else).
 */
export function docTypeRoutes(docs: DocumentService, pesel: PeselPolicy = DEFAULT_PESEL_POLICY): Router {
  const r = Router();
  route(r, 'GET', '/doc-types', async (_req, res) => {
    const docTypes = await docs.docTypes(actorOf(res));
    res.json(pesel.view({ docTypes }, actorOf(res).role));
  });
  return r;
}

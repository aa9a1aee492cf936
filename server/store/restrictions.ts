/**
 * Restricted documents. A rule names a case (its signature), a folder (a path prefix of the
 * ingested files) or one document, and the users and roles who may read what it covers. A document
 * covered by several rules is readable only by a viewer every one of them admits (intersection).
 *
 * Rules are materialised per document in `document_access` (one row per rule and principal) with
 * `documents.restricted` = how many rules cover it; the search backend joins these into every query
 * (server/search/sqlite/access.ts). They are applied to existing documents when a rule is added (one
 * transaction) and to each new document inside the transaction that makes it searchable
 * (Archive.finishDocument → applyRestrictionsTo), so a document is never visible without its rules.
 * Every change is in the audit trail.
 */
import path from 'node:path';
import { z } from 'zod';
import { normaliseSignature, signatureKey } from '../../ingest/metadata/signature.js';
import { DomainError } from '../errors.js';
import { AuditLog } from './audit-log.js';
import { queueSearchSync, write, type Db } from './db.js';
import { ROLES, zUserName, type Actor } from './users.js';
import { enqueueWebhookEvent } from './webhooks.js';

export const RESTRICTION_SCOPES = ['case', 'folder', 'document'] as const;
export type RestrictionScope = (typeof RESTRICTION_SCOPES)[number];

/** Who may read: a user by name, or everyone with a role. */
export interface Principal {
  kind: 'user' | 'role';
  value: string;
}

/** A rule as stored and listed. */
export interface Restriction {
  id: number;
  scope: RestrictionScope;
  /** Canonical signature, absolute folder path, or document id. */
  value: string;
  principals: Principal[];
  reason: string | null;
  createdBy: string | null;
  createdAt: string;
  removedAt: string | null;
  removedBy: string | null;
  /** Documents it covers now (0 once removed). */
  documents: number;
}

const zPrincipal = z.object({ kind: z.enum(['user', 'role']), value: z.string().trim().min(1).max(64) }).strict();

/** A new rule as the API and the CLI send it. */
export const zNewRestriction = z
  .object({
    scope: z.enum(RESTRICTION_SCOPES, { error: `zakres: jeden z ${RESTRICTION_SCOPES.join(', ')}` }),
    value: z.string().trim().min(1, 'brak wartości (znak sprawy, folder lub id dokumentu)').max(1000),
    principals: z.array(zPrincipal).min(1, 'podaj co najmniej jednego użytkownika lub rolę').max(50),
    reason: z.string().trim().max(500).optional(),
  })
  .strict();
export type NewRestriction = z.infer<typeof zNewRestriction>;

interface Row {
  id: number;
  scope: RestrictionScope;
  value: string;
  principals: string;
  reason: string | null;
  created_by: string | null;
  created_at: string;
  removed_at: string | null;
  removed_by: string | null;
  documents: number;
}

const SELECT = `SELECT r.*, (SELECT count(DISTINCT a.document_id) FROM document_access a WHERE a.restriction_id = r.id) AS documents
  FROM restrictions r`;

const toRestriction = (r: Row): Restriction => ({
  id: r.id,
  scope: r.scope,
  value: r.value,
  principals: JSON.parse(r.principals) as Principal[],
  reason: r.reason,
  createdBy: r.created_by,
  createdAt: r.created_at,
  removedAt: r.removed_at,
  removedBy: r.removed_by,
  documents: r.documents,
});

const invalid = (message: string) => new DomainError('invalid_restriction', message);

/** `path` itself, or anything under it. */
function folderPrefix(folder: string): string {
  return folder.endsWith(path.sep) ? folder : folder + path.sep;
}
const UNDER = (col: string) => `(${col} = ? OR substr(${col}, 1, length(?)) = ?)`;

/** Ready or staging documents a rule covers now. */
function matchingDocuments(db: Db, scope: RestrictionScope, value: string, only?: number): number[] {
  const one = only === undefined ? '' : ' AND id = ?';
  const oneParam = only === undefined ? [] : [only];
  if (scope === 'document') {
    return db.prepare(`SELECT id FROM documents WHERE id = ?${one}`).pluck().all(Number(value), ...oneParam) as number[];
  }
  if (scope === 'case') {
    // Every stored form of the case compares by signatureKey (look-alike dashes and letters mapped;
    // canonical when it is a signature), also case numbers stored before ingest normalised them:
    // the distinct case numbers are matched in JS, then their documents read from the index.
    const key = signatureKey(value);
    const cases = (db.prepare(`SELECT DISTINCT case_number FROM documents WHERE case_number IS NOT NULL${one}`).pluck().all(...oneParam) as string[]).filter(
      (c) => c === value || signatureKey(c) === key,
    );
    if (cases.length === 0) return [];
    return db
      .prepare(`SELECT id FROM documents WHERE case_number IN (SELECT value FROM json_each(?))${one}`)
      .pluck()
      .all(JSON.stringify(cases), ...oneParam) as number[];
  }
  // A folder covers documents first stored from under it and any file later ingested from there
  // with the same content (the ledger links each file to its document).
  const p = folderPrefix(value);
  const docOne = only === undefined ? '' : ' AND document_id = ?';
  return db
    .prepare(
      `SELECT id FROM documents WHERE ${UNDER('source_path')}${one}
       UNION SELECT document_id FROM ingest_files WHERE document_id IS NOT NULL AND ${UNDER('path')}${docOne}`,
    )
    .pluck()
    .all(value, p, p, ...oneParam, value, p, p, ...oneParam) as number[];
}

function grant(db: Db, restrictionId: number, principals: Principal[], docs: number[]): void {
  const ins = db.prepare('INSERT OR IGNORE INTO document_access(document_id, restriction_id, kind, principal) VALUES (?, ?, ?, ?)');
  for (const d of docs) for (const p of principals) ins.run(d, restrictionId, p.kind, p.value);
}

/** documents.restricted = the number of active rules covering each of `docs`. */
function recount(db: Db, docs: number[]): void {
  if (docs.length === 0) return;
  db.prepare(
    `UPDATE documents SET restricted = (SELECT count(DISTINCT a.restriction_id) FROM document_access a WHERE a.document_id = documents.id)
     WHERE id IN (SELECT value FROM json_each(?))`,
  ).run(JSON.stringify(docs));
  queueSearchSync(db, docs, 'access'); // the rules of these documents changed: Elasticsearch must follow
}

/**
 * Applies every active rule to one document, inside the caller's transaction — the one that makes
 * the document searchable, so it never becomes visible without them. Rules are re-matched (its
 * case number may have changed on re-indexing); costs one indexed query when there are no rules.
 */
export function applyRestrictionsTo(db: Db, documentId: number): void {
  const rules = db.prepare('SELECT id, scope, value, principals FROM restrictions WHERE removed_at IS NULL').all() as Pick<
    Row,
    'id' | 'scope' | 'value' | 'principals'
  >[];
  const had = db.prepare('SELECT 1 FROM document_access WHERE document_id = ? LIMIT 1').get(documentId);
  if (rules.length === 0 && !had) return;
  const before = new Set(db.prepare('SELECT DISTINCT restriction_id FROM document_access WHERE document_id = ?').pluck().all(documentId));
  db.prepare('DELETE FROM document_access WHERE document_id = ?').run(documentId);
  for (const r of rules) {
    if (matchingDocuments(db, r.scope, r.value, documentId).length > 0) {
      grant(db, r.id, JSON.parse(r.principals) as Principal[], [documentId]);
      // A rule that newly covers the document (a new file in a restricted case or folder).
      if (!before.has(r.id)) enqueueWebhookEvent(db, 'document.restricted', { restrictionId: r.id, scope: r.scope, documentIds: [documentId] });
    }
  }
  recount(db, [documentId]);
}

export class Restrictions {
  private readonly audit: AuditLog;

  constructor(
    private readonly db: Db,
    audit?: AuditLog,
  ) {
    this.audit = audit ?? new AuditLog(db);
  }

  /** Validates and stores a rule, applies it to the documents it covers now, and records it. */
  add(input: unknown, by: Actor): Restriction {
    const parsed = zNewRestriction.safeParse(input);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw invalid(`nieprawidłowe pole ${i.path.join('.') || 'ograniczenia'}: ${i.message}`);
    }
    const { scope, reason } = parsed.data;
    const value = this.canonicalValue(scope, parsed.data.value);
    return write(this.db, () => {
      const principals = this.checkedPrincipals(parsed.data.principals);
      const id = Number(
        this.db
          .prepare('INSERT INTO restrictions(scope, value, principals, reason, created_by) VALUES (?, ?, ?, ?, ?)')
          .run(scope, value, JSON.stringify(principals), reason || null, by.name).lastInsertRowid,
      );
      const docs = matchingDocuments(this.db, scope, value);
      grant(this.db, id, principals, docs);
      recount(this.db, docs);
      this.audit.append({
        actor: by,
        action: 'restriction.added',
        target: `restriction:${id}`,
        details: { id, scope, value, principals, ...(reason ? { reason } : {}), documents: docs.length },
      });
      // Ids only: the rule's value (a folder path, a case) and its principals stay out of the payload.
      if (docs.length > 0) enqueueWebhookEvent(this.db, 'document.restricted', { restrictionId: id, scope, documentIds: docs });
      return this.get(id)!;
    });
  }

  /** Lifts a rule: the documents it covered become readable as their other rules allow. */
  remove(id: number, by: Actor): Restriction {
    return write(this.db, () => {
      const r = this.get(id);
      if (!r || r.removedAt !== null) throw new DomainError('restriction_not_found', `nie ma aktywnego ograniczenia ${id}`, 404);
      const docs = this.db.prepare('SELECT DISTINCT document_id FROM document_access WHERE restriction_id = ?').pluck().all(id) as number[];
      this.db.prepare('DELETE FROM document_access WHERE restriction_id = ?').run(id);
      recount(this.db, docs);
      this.db
        .prepare("UPDATE restrictions SET removed_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), removed_by = ? WHERE id = ?")
        .run(by.name, id);
      this.audit.append({
        actor: by,
        action: 'restriction.removed',
        target: `restriction:${id}`,
        details: { id, scope: r.scope, value: r.value, principals: r.principals, documents: docs.length },
      });
      return this.get(id)!;
    });
  }

  /**
   * Applies an active rule again to what it covers now, adding documents it did not cover yet
   * (after an ingest run found files already in the archive under a restricted folder). Returns how
   * many documents it newly covers.
   */
  reapply(id: number): number {
    return write(this.db, () => {
      const r = this.get(id);
      if (!r || r.removedAt !== null) return 0;
      const before = new Set(this.db.prepare('SELECT DISTINCT document_id FROM document_access WHERE restriction_id = ?').pluck().all(id));
      const added = matchingDocuments(this.db, r.scope, r.value).filter((d) => !before.has(d));
      grant(this.db, id, r.principals, added);
      recount(this.db, added);
      if (added.length > 0) enqueueWebhookEvent(this.db, 'document.restricted', { restrictionId: id, scope: r.scope, documentIds: added });
      return added.length;
    });
  }

  get(id: number): Restriction | null {
    if (!Number.isSafeInteger(id)) return null;
    const r = this.db.prepare(`${SELECT} WHERE r.id = ?`).get(id) as Row | undefined;
    return r ? toRestriction(r) : null;
  }

  /** Active rules, oldest first; with `includeRemoved`, lifted ones too. */
  list(opts: { includeRemoved?: boolean } = {}): Restriction[] {
    const where = opts.includeRemoved ? '' : ' WHERE r.removed_at IS NULL';
    return (this.db.prepare(`${SELECT}${where} ORDER BY r.id`).all() as Row[]).map(toRestriction);
  }

  private canonicalValue(scope: RestrictionScope, raw: string): string {
    if (scope === 'case') return normaliseSignature(raw) ?? raw.trim();
    if (scope === 'folder') {
      if (!path.isAbsolute(raw)) throw invalid(`folder musi być ścieżką bezwzględną: ${raw}`);
      return path.resolve(raw);
    }
    if (!/^[1-9][0-9]{0,15}$/.test(raw) || !this.db.prepare('SELECT 1 FROM documents WHERE id = ?').get(Number(raw))) {
      throw new DomainError('document_not_found', `nie ma dokumentu ${raw} w archiwum`, 404);
    }
    return raw;
  }

  /** Known roles and existing users only (a typo must not lock out the intended reader); no duplicates. */
  private checkedPrincipals(list: Principal[]): Principal[] {
    const out = new Map<string, Principal>();
    for (const p of list) {
      if (p.kind === 'role') {
        if (!(ROLES as readonly string[]).includes(p.value)) throw invalid(`nieznana rola: ${p.value}; dostępne: ${ROLES.join(', ')}`);
      } else {
        const name = zUserName.safeParse(p.value);
        if (!name.success || !this.db.prepare('SELECT 1 FROM users WHERE name = ?').get(name.data)) {
          throw invalid(`nie ma użytkownika ${p.value}`);
        }
      }
      out.set(`${p.kind}:${p.value}`, { kind: p.kind, value: p.value });
    }
    return [...out.values()];
  }
}

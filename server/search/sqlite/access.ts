/**
 * Restricted documents as SQL conditions on `documents d`, joined into every query of the SQLite
 * backend (and the archive overview), never applied to results afterwards. A document is visible
 * when no rule covers it (`restricted = 0`, read from the row the query already has), or when the
 * viewer's user name or role is admitted by every rule that does: the count of rules admitting the
 * viewer equals the count covering the document (intersection). Fails closed: a missing or
 * malformed viewer matches no principal and sees unrestricted documents only.
 */
import { isUnrestricted, type Viewer } from '../../domain/types.js';
import type { SqlCondition } from './filters.js';

const ADMITTED = (alias: string) =>
  `(SELECT count(DISTINCT a.restriction_id) FROM document_access a WHERE a.document_id = ${alias}.id
     AND ((a.kind = 'user' AND a.principal = ?) OR (a.kind = 'role' AND a.principal = ?)))`;

function principals(viewer: Viewer | undefined): [string, string] {
  const name = typeof viewer?.name === 'string' ? viewer.name : '';
  const role = typeof viewer?.role === 'string' ? viewer.role : '';
  return [name, role];
}

/** " AND (…)" limiting `alias` to documents `viewer` may read; empty for UNRESTRICTED_VIEWER only. */
export function accessSql(viewer: Viewer | undefined, alias = 'd'): SqlCondition {
  if (isUnrestricted(viewer)) return { sql: '', params: [] };
  return { sql: ` AND (${alias}.restricted = 0 OR ${alias}.restricted = ${ADMITTED(alias)})`, params: principals(viewer) };
}

/**
 * Ready documents `viewer` may not read, as a query (for the in-memory vector index's mask). Reads
 * only the restricted few through the partial index `documents_restricted`.
 */
export function hiddenDocumentsSql(viewer: Viewer | undefined): { sql: string; params: unknown[] } | null {
  if (isUnrestricted(viewer)) return null;
  return {
    sql: `SELECT d.id FROM documents d INDEXED BY documents_restricted
          WHERE d.restricted <> 0 AND d.status = 'ready' AND d.restricted <> ${ADMITTED('d')}`,
    params: principals(viewer),
  };
}

/** Joins conditions (each empty or starting with " AND "). */
export function andSql(...parts: SqlCondition[]): SqlCondition {
  return { sql: parts.map((p) => p.sql).join(''), params: parts.flatMap((p) => p.params) };
}

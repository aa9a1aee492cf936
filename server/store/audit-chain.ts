/**
 * The audit chain's vocabulary and arithmetic: the actions, an entry, its canonical hash, and the
 * mapping of a stored row to an entry. Shared by the log (audit-log.ts) and its verification
 * (audit-verify.ts); the log re-exports all of it.
 */
import { createHash } from 'node:crypto';

export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  /** A refused request (401/403) or token (server/security/denials.ts). */
  'auth.denied',
  'search',
  'verdict',
  'document.view',
  'page.view',
  'page.image',
  'file.download',
  'ingest.batch',
  'ingest.file',
  'user.created',
  'user.changed',
  'user.password',
  'token.created',
  'token.revoked',
  'restriction.added',
  'restriction.removed',
  'webhook.added',
  'webhook.removed',
  'audit.export',
  /** A supervisor or admin read the trail itself (a list, a stored search, events, summaries). */
  'audit.read',
  /** The archive was keyed: from this entry on, every entry carries an HMAC. */
  'audit.keyed',
  'search_index.rebuilt',
  /** `kwerenda reembed` moved the archive's vectors to another embedding model. */
  'embeddings.reembedded',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  seq: number;
  at: string;
  actorId: number | null;
  actorName: string | null;
  actorRole: string | null;
  action: AuditAction;
  target: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  prevHash: string;
  hash: string;
  /** HMAC of `hash` with the archive's key; null before the archive was keyed. */
  mac: string | null;
}

/** An `audit_events` row as stored. */
export interface AuditRow {
  seq: number;
  at: string;
  actor_id: number | null;
  actor_name: string | null;
  actor_role: string | null;
  action: AuditAction;
  target: string | null;
  details: string;
  ip: string | null;
  prev_hash: string;
  hash: string;
  mac: string | null;
}

/** JSON with object keys sorted at every level: one byte sequence per value. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

export const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/** The hash an entry must carry: over the previous hash and every other column. */
export function entryHash(e: Omit<AuditEntry, 'hash' | 'mac'>): string {
  return sha256(
    canonicalJson({
      prev: e.prevHash,
      seq: e.seq,
      at: e.at,
      actorId: e.actorId,
      actorName: e.actorName,
      actorRole: e.actorRole,
      action: e.action,
      target: e.target,
      details: e.details,
      ip: e.ip,
    }),
  );
}

export const toEntry = (r: AuditRow): AuditEntry => ({
  seq: r.seq,
  at: r.at,
  actorId: r.actor_id,
  actorName: r.actor_name,
  actorRole: r.actor_role,
  action: r.action,
  target: r.target,
  details: JSON.parse(r.details) as Record<string, unknown>,
  ip: r.ip,
  prevHash: r.prev_hash,
  hash: r.hash,
  mac: r.mac ?? null,
});

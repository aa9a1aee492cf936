/**
 * Verification of the audit chain, and its anchors.
 *
 * What each attack on the database file leaves behind, and what catches it:
 * - an edited entry: its hash no longer matches its content;
 * - a removed or reordered entry: a gap in the sequence, or a prev_hash that does not match;
 * - a rewritten history with every hash recomputed: the HMACs of keyed entries no longer match
 *   (the key is not in the data directory); HMACs removed from the tail: an unkeyed entry after a
 *   keyed one; every HMAC removed: a key is given, yet no entry carries one;
 * - a cut tail (the last entries deleted): nothing inside the archive can tell, so an anchor — the
 *   head as it was (`kwerenda audit anchor`), kept off the machine — names the entry count and the
 *   last hash; the chain must still reach that entry with that hash (and HMAC).
 * Entries written before the archive was keyed are checked by their hashes only, as before keying;
 * the first keyed entry's HMAC covers them too, since its hash covers the chain before it.
 */
import { z } from 'zod';
import { entryMac, type AuditKey } from './audit-key.js';
import { entryHash, GENESIS_HASH, sha256, toEntry, type AuditEntry, type AuditRow } from './audit-chain.js';
import type { Db } from './db.js';

export const ANCHOR_FORMAT = 'kwerenda-audit-anchor/1';

/** The head of the chain at one moment, written outside the archive (`kwerenda audit anchor`). */
export const zAuditAnchor = z
  .object({
    format: z.literal(ANCHOR_FORMAT),
    entries: z.number().int().min(0),
    lastSeq: z.number().int().min(0),
    lastHash: z.string().regex(/^[0-9a-f]{64}$/),
    lastMac: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
    /** Fingerprint of the key the chain was keyed with then (audit-key.ts), or null. */
    keyId: z.string().regex(/^[0-9a-f]{16}$/).nullable(),
    at: z.string(),
  })
  .strict();
export type AuditAnchor = z.infer<typeof zAuditAnchor>;

/** How the HMACs were checked: with a key, not at all (no key at hand), or there are none (unkeyed chain). */
export type HmacCheck = 'checked' | 'no_key' | 'unkeyed';

export type VerifyResult =
  | {
      ok: true;
      checked: number;
      lastHash: string;
      /** The first entry carrying an HMAC; null for an unkeyed chain. */
      keyedFrom: number | null;
      hmac: HmacCheck;
      /** The anchor the chain was checked against (its entry count and time). */
      anchor?: { entries: number; at: string };
    }
  | { ok: false; checked: number; firstBroken: { seq: number; reason: string } };

/** The head of the chain as an anchor (`key`: the key the chain is keyed with now, or null). */
export function anchorOf(head: { entries: number; lastSeq: number; lastHash: string; lastMac: string | null } | null, key: AuditKey | null): AuditAnchor {
  return {
    format: ANCHOR_FORMAT,
    entries: head?.entries ?? 0,
    lastSeq: head?.lastSeq ?? 0,
    lastHash: head?.lastHash ?? GENESIS_HASH,
    lastMac: head?.lastMac ?? null,
    keyId: head?.lastMac ? (key?.id ?? null) : null,
    at: new Date().toISOString(),
  };
}

export function verifyChain(db: Db, key: AuditKey | null, anchor?: AuditAnchor): VerifyResult {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  let keyedFrom: number | null = null;
  let anchored: Pick<AuditEntry, 'hash' | 'mac'> | null = null;
  const searchHash = db.prepare('SELECT response, question, user_id FROM searches WHERE id = ?');
  const verdictRow = db.prepare('SELECT search_id, rank, document_id, verdict, user_id FROM verdicts WHERE id = ?');
  const broken = (seq: number, reason: string): VerifyResult => ({ ok: false, checked, firstBroken: { seq, reason } });
  for (const r of db.prepare('SELECT * FROM audit_events ORDER BY seq').iterate() as IterableIterator<AuditRow>) {
    if (r.seq !== expectedSeq) return broken(expectedSeq, `entry ${expectedSeq} is missing (next is ${r.seq})`);
    let e: AuditEntry;
    try {
      e = toEntry(r);
    } catch {
      return broken(r.seq, 'details are not valid JSON');
    }
    if (e.prevHash !== prev) return broken(r.seq, 'prev_hash does not match the previous entry');
    if (entryHash(e) !== e.hash) return broken(r.seq, 'content does not match its hash');
    if (e.mac !== null) {
      keyedFrom ??= e.seq;
      if (key && entryMac(key, e.hash) !== e.mac) return broken(r.seq, 'HMAC does not match (history rewritten, or keyed with another key)');
    } else if (keyedFrom !== null) {
      return broken(r.seq, `entry has no HMAC though the chain is keyed from entry ${keyedFrom}`);
    }
    if (e.action === 'search' && typeof e.details.searchId === 'string') {
      const s = searchHash.get(e.details.searchId) as { response: string; question: string; user_id: number | null } | undefined;
      if (!s) return broken(r.seq, `search ${e.details.searchId} is missing`);
      if (sha256(s.response) !== e.details.responseSha256 || s.question !== e.details.question || s.user_id !== e.actorId) {
        return broken(r.seq, `search ${e.details.searchId} differs from what was recorded`);
      }
    }
    if (e.action === 'verdict' && typeof e.details.verdictId === 'number') {
      const v = verdictRow.get(e.details.verdictId) as Record<string, unknown> | undefined;
      if (!v) return broken(r.seq, `verdict ${e.details.verdictId} is missing`);
      if (v.search_id !== e.details.searchId || v.rank !== e.details.rank || v.verdict !== e.details.verdict || v.document_id !== e.details.documentId) {
        return broken(r.seq, `verdict ${e.details.verdictId} differs from what was recorded`);
      }
    }
    if (anchor && e.seq === anchor.lastSeq) anchored = { hash: e.hash, mac: e.mac };
    prev = e.hash;
    expectedSeq++;
    checked++;
  }
  // A record slipped in beside the chain (no entry of its own) is tampering too.
  for (const [table, action, field] of [['searches', 'search', 'searchId'], ['verdicts', 'verdict', 'verdictId']] as const) {
    const orphan = db
      .prepare(
        `SELECT id FROM ${table} WHERE id NOT IN
           (SELECT json_extract(details, '$.${field}') FROM audit_events WHERE action = '${action}') LIMIT 1`,
      )
      .get() as { id: string | number } | undefined;
    if (orphan) return broken(expectedSeq, `${action} ${orphan.id} has no audit entry`);
  }
  if (key && checked > 0 && keyedFrom === null) {
    return broken(1, 'no entry carries an HMAC though a key is given (the archive was never keyed, or its HMACs were removed)');
  }
  if (anchor) {
    const when = `the anchor of ${anchor.at}`;
    if (checked < anchor.entries || (anchor.lastSeq > 0 && !anchored)) {
      return broken(checked + 1, `the chain ends at entry ${checked} but ${when} names ${anchor.entries} entries (entries were cut from the end)`);
    }
    if (anchor.lastSeq > 0 && (anchored!.hash !== anchor.lastHash || (anchor.lastMac !== null && anchored!.mac !== anchor.lastMac))) {
      return broken(anchor.lastSeq, `entry ${anchor.lastSeq} differs from ${when} (history rewritten)`);
    }
    if (anchor.keyId !== null && key && key.id !== anchor.keyId) {
      return broken(anchor.lastSeq, `the key given is not the key of ${when}`);
    }
  }
  return {
    ok: true,
    checked,
    lastHash: prev,
    keyedFrom,
    hmac: keyedFrom === null ? 'unkeyed' : key ? 'checked' : 'no_key',
    ...(anchor ? { anchor: { entries: anchor.entries, at: anchor.at } } : {}),
  };
}

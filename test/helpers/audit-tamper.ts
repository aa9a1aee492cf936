/**
 * What someone holding the archive's database file (but not the audit key) can do to the audit
 * trail: lift the append-only triggers, change rows, put the triggers back; or rewrite an entry and
 * recompute the hash chain from there on, so that the plain hashes verify again.
 */
import { entryHash, GENESIS_HASH, toEntry, type AuditRow } from '../../server/store/audit-chain.js';
import type { Db } from '../../server/store/db.js';

/** Runs `fn` with the audit trail's append-only triggers lifted, then puts them back. */
export function tamperAudit(db: Db, fn: () => void): void {
  const triggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'").all() as { name: string; sql: string }[];
  for (const t of triggers) db.exec(`DROP TRIGGER ${t.name}`);
  fn();
  for (const t of triggers) db.exec(t.sql);
}

/**
 * Rewrites the target of entry `seq` and recomputes the hash of it and of every later entry.
 * `mac` says what the forger leaves in the HMAC column: the old values, or nothing.
 */
export function rechainAudit(db: Db, seq: number, target: string, mac: 'keep' | 'strip'): void {
  tamperAudit(db, () => {
    const rows = db.prepare('SELECT * FROM audit_events ORDER BY seq').all() as AuditRow[];
    const upd = db.prepare('UPDATE audit_events SET target = ?, prev_hash = ?, hash = ?, mac = ? WHERE seq = ?');
    // Hashes are UNIQUE: park them first so a recomputed hash never meets an old one.
    db.prepare("UPDATE audit_events SET hash = 'tmp-' || seq").run();
    let prev = GENESIS_HASH;
    for (const r of rows) {
      const { hash: _hash, mac: oldMac, ...e } = toEntry(r);
      const content = { ...e, prevHash: prev, target: e.seq === seq ? target : e.target };
      const hash = entryHash(content);
      upd.run(content.target, prev, hash, mac === 'strip' ? null : oldMac, e.seq);
      prev = hash;
    }
  });
}

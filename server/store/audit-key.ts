/**
 * The key of the audit chain. A plain hash chain can be recomputed by anyone holding the database
 * file; an HMAC of each entry's hash, with a key that lives outside the data directory, cannot.
 *
 * The operator creates the key once (`kwerenda audit init-key --out FILE`): 32 random bytes as hex
 * in a file readable by its owner only. The archive records where that file is (the setting
 * `audit_key_file`), so every process that appends to the trail — server, workers, each CLI
 * command — keys its entries with it, and an appender that cannot read it fails rather than write
 * an unkeyed entry. The archive's record is only a pointer: `audit verify` checks with the key file
 * the operator configures (`KWERENDA_AUDIT_KEY_FILE`), so a pointer redirected to another key is
 * caught as HMACs that do not match.
 */
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DomainError } from '../errors.js';
import { getSetting, type Db } from './db.js';

/** The setting naming the key file of a keyed archive. */
export const AUDIT_KEY_SETTING = 'audit_key_file';

const KEY_HEX = /^[0-9a-f]{64}$/;

/** A loaded key: its file, the secret, and a public fingerprint that names it in anchors and output. */
export interface AuditKey {
  file: string;
  secret: Buffer;
  /** First 16 hex digits of HMAC(key, "kwerenda-audit-key-id"): tells keys apart without revealing them. */
  id: string;
}

const hmacHex = (secret: Buffer, s: string): string => createHmac('sha256', secret).update(s, 'utf8').digest('hex');

/** The HMAC an entry of a keyed chain carries: over its hash, which covers the whole chain before it. */
export function entryMac(key: AuditKey, hash: string): string {
  return hmacHex(key.secret, hash);
}

function toKey(file: string, hex: string): AuditKey {
  const secret = Buffer.from(hex, 'hex');
  return { file, secret, id: hmacHex(secret, 'kwerenda-audit-key-id').slice(0, 16) };
}

/** `p` absolute with symbolic links resolved as far as it exists. */
function realish(p: string): string {
  const abs = path.resolve(p);
  try {
    return fs.realpathSync(abs);
  } catch {
    const parent = path.dirname(abs);
    return parent === abs ? abs : path.join(realish(parent), path.basename(abs));
  }
}

/** True when `file` is `dir` itself or anything under it. */
export function isInside(file: string, dir: string): boolean {
  const rel = path.relative(realish(dir), realish(file));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Reads a key file; a missing, unreadable or malformed file is a DomainError naming the file. */
export function readAuditKey(file: string): AuditKey {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'nie istnieje' : 'nie można go odczytać';
    throw new DomainError('audit_key_unreadable', `plik klucza dziennika ${file} ${why}`, 500);
  }
  const hex = text.trim().toLowerCase();
  if (!KEY_HEX.test(hex)) throw new DomainError('audit_key_invalid', `plik ${file} nie jest kluczem dziennika (64 cyfry szesnastkowe)`, 500);
  return toKey(path.resolve(file), hex);
}

/**
 * Creates a new key file at `file` (never overwriting one), readable by its owner only. Refused
 * inside the data directory: a key beside the database protects nothing from whoever copies both.
 */
export function createAuditKeyFile(file: string, dataDir: string): AuditKey {
  const abs = path.resolve(file);
  if (isInside(abs, dataDir)) {
    throw new DomainError('audit_key_location', `klucz dziennika musi leżeć poza katalogiem danych (${dataDir})`, 400);
  }
  const hex = randomBytes(32).toString('hex');
  try {
    fs.writeFileSync(abs, hex + '\n', { flag: 'wx', mode: 0o600 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' ? 'już istnieje (klucza nie nadpisujemy)' : code === 'ENOENT' ? 'leży w nieistniejącym katalogu' : 'nie może zostać zapisany';
    throw new DomainError('audit_key_location', `plik klucza ${abs} ${why}`, 400);
  }
  return toKey(abs, hex);
}

const loaded = new Map<string, AuditKey>();

/** The key file the archive names, or undefined while it is unkeyed. */
export function archiveKeyFile(db: Db): string | undefined {
  return getSetting(db, AUDIT_KEY_SETTING);
}

/** The key the archive's entries are keyed with now (read once per process and file), or null. */
export function archiveKey(db: Db): AuditKey | null {
  const file = archiveKeyFile(db);
  if (file === undefined) return null;
  let key = loaded.get(file);
  if (!key) {
    key = readAuditKey(file);
    loaded.set(file, key);
  }
  return key;
}

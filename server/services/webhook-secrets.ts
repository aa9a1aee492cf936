/**
 * Webhook secrets at rest. Every delivery is signed with HMAC-SHA256 under the webhook's secret, so
 * the server needs the secret itself — a hash would not do. It is therefore stored sealed
 * (AES-256-GCM) under a key kept in a file beside or outside the data directory: a copy of the
 * database alone gives no secret. KWERENDA_SECRETS_KEY_FILE puts the key outside the data directory
 * (then a copy of the whole data directory gives none either); unset, the key is `secrets.key` in
 * the data directory. Either file is made on first use (32 random bytes, mode 0600).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const AAD = Buffer.from('kwerenda webhook secret v1');

/** Seals and opens secrets; `open` throws when the sealed value was made under another key. */
export interface SecretBox {
  seal(secret: string): string;
  open(sealed: string): string;
}

/** Reads the key file, making it (0600) when it does not exist yet. */
export function loadKey(file: string): Buffer {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      fs.writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (w) {
      if ((w as NodeJS.ErrnoException).code !== 'EEXIST') throw w; // another process made it first
    }
    raw = fs.readFileSync(file);
  }
  const material = raw.toString('utf8').trim();
  if (material.length < 32) throw new Error(`the key file ${file} holds fewer than 32 characters`);
  return createHash('sha256').update('kwerenda webhook secrets\0').update(material).digest();
}

/** A box over the key in `file`, read on first use (a server that never sends makes no file). */
export function fileSecretBox(file: string): SecretBox {
  let key: Buffer | null = null;
  const k = () => (key ??= loadKey(file));
  return {
    seal(secret) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', k(), iv).setAAD(AAD);
      const body = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
      return `v1.${iv.toString('base64url')}.${Buffer.concat([body, c.getAuthTag()]).toString('base64url')}`;
    },
    open(sealed) {
      const [v, iv, data] = sealed.split('.');
      if (v !== 'v1' || !iv || !data) throw new Error('not a sealed secret');
      const bytes = Buffer.from(data, 'base64url');
      const d = createDecipheriv('aes-256-gcm', k(), Buffer.from(iv, 'base64url')).setAAD(AAD);
      d.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([d.update(bytes.subarray(0, bytes.length - 16)), d.final()]).toString('utf8');
    },
  };
}

/**
 * Where uploaded files wait for ingest: `staging/<owner>-<id>/<the path the browser gave>`.
 *
 * Browser-given names are caller input, and a name the filesystem refuses must never reach a
 * `mkdir` or `open` unprepared (a throw inside a multipart handler would take the server down).
 * So every path segment is made safe (no `..`, no control characters) and cut to the filesystem's
 * 255-byte limit counted in UTF-8 bytes, never inside a character, keeping the extension; and a
 * name already used in the same upload — a file where a later file needs a folder of that name, a
 * folder where a file is named like it, two long names cut alike — gets a fresh one ("x (2).pdf").
 *
 * The owner in the folder name (process id and a tag of the host) lets a start of the server tell
 * the folders of a live upload in another process from those left by a crash (`sweepStaging`).
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The longest file or folder name (in bytes) on ext4, XFS, btrfs and NTFS-as-UTF-8. */
export const NAME_MAX_BYTES = 255;
/** A relative path's bytes at most, so the staged path stays well under PATH_MAX (4096). */
const REL_MAX_BYTES = 2048;
/** An extension longer than this is part of the name, not an extension. */
const EXT_MAX_BYTES = 32;

const graphemes = new Intl.Segmenter('pl', { granularity: 'grapheme' });
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** The longest prefix of `s` of at most `max` UTF-8 bytes that ends between two characters (graphemes). */
export function cutToBytes(s: string, max: number): string {
  if (bytes(s) <= max) return s;
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(s)) {
    const b = bytes(segment);
    if (used + b > max) break;
    out += segment;
    used += b;
  }
  return out;
}

/** `name` (with `suffix` before its extension) cut to fit `NAME_MAX_BYTES`; the extension is kept. */
export function fitName(name: string, suffix = ''): string {
  let ext = path.extname(name);
  if (bytes(ext) > EXT_MAX_BYTES) ext = '';
  const stem = name.slice(0, name.length - ext.length);
  return cutToBytes(stem, NAME_MAX_BYTES - bytes(suffix) - bytes(ext)).trimEnd() + suffix + ext;
}

/** `name`'s segments as the browser gave them, made safe, each with the name it gets on disk. */
function segments(name: string): { given: string; fitted: string }[] {
  const parts = name
    .split(/[/\\]+/)
    .map((s) => s.replace(/[\u0000-\u001f\u007f:*?"<>|]/g, '_').trim())
    .filter((s) => s && s !== '.' && s !== '..')
    .map((given) => ({ given, fitted: fitName(given) }))
    .filter((s) => s.fitted && s.fitted !== '.' && s.fitted !== '..')
    .slice(-16);
  while (parts.length > 1 && bytes(parts.map((s) => s.fitted).join('/')) > REL_MAX_BYTES) parts.shift();
  return parts;
}

/**
 * A browser-given file name as safe relative path segments: no absolute paths, no `..`, no control
 * or reserved characters, each segment within the filesystem's limit, the path within
 * `REL_MAX_BYTES` (outer folders dropped first). Null when nothing usable is left.
 */
export function safeSegments(name: string): string[] | null {
  const parts = segments(name).map((s) => s.fitted);
  return parts.length ? parts : null;
}

/** A browser-given file name as a safe relative path (see `safeSegments`). */
export function safeRelative(name: string): string | null {
  return safeSegments(name)?.join(path.sep) ?? null;
}

/** A folder for the files of one upload request. */
export interface Staging {
  dir: string;
  /** A fresh path for a file the browser called `name` (may hold a relative folder path); its folders exist. */
  pathFor(name: string): string;
  /** Removes the folder and everything in it; never throws. */
  discard(): void;
}

const HOST_TAG = createHash('sha256').update(os.hostname()).digest('hex').slice(0, 8);
const OWNED = /^(\d+)-([0-9a-f]{8})-[0-9a-f-]{36}$/;

/** A new staging folder under `root`, named for this process. */
export function createStaging(root: string): Staging {
  const dir = path.join(root, `${process.pid}-${HOST_TAG}-${randomUUID()}`);
  fs.mkdirSync(dir, { recursive: true });
  // Folders by the path the browser gave them → where they were staged (maybe renamed).
  const folders = new Map<string, string>();
  const taken = new Set<string>();
  const fresh = (parent: string, name: string): string => {
    let p = path.join(parent, name);
    for (let i = 2; taken.has(p) || fs.existsSync(p); i++) p = path.join(parent, fitName(name, ` (${i})`));
    taken.add(p);
    return p;
  };
  let n = 0;
  return {
    dir,
    pathFor(name) {
      n++;
      const segs = segments(name);
      if (segs.length === 0) segs.push({ given: `plik-${n}`, fitted: `plik-${n}` });
      let parent = dir;
      let key = '';
      for (const seg of segs.slice(0, -1)) {
        key += '/' + seg.given; // as given: two long names cut alike stay two folders
        let d = folders.get(key);
        if (d === undefined) {
          d = fresh(parent, seg.fitted);
          fs.mkdirSync(d);
          folders.set(key, d);
        }
        parent = d;
      }
      return fresh(parent, segs[segs.length - 1]!.fitted);
    },
    discard() {
      try {
        fs.rmSync(dir, { recursive: true, force: true });
      } catch {
        // Nothing to do: the next start's sweep removes what is left.
      }
    },
  };
}

/** True when the staging folder `name` may belong to a live process other than this one. */
function ownerMayBeAlive(name: string): boolean {
  const m = OWNED.exec(name);
  if (!m) return false; // no owner recorded: left by an older version, whose process is gone
  const pid = Number(m[1]);
  if (m[2] !== HOST_TAG) return true; // another host sharing the data dir: cannot tell
  if (pid === process.pid) return false; // our own pid before we staged anything: an earlier run's
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes staged files nothing needs any more: everything under `root` except the files in
 * `keep` (staged copies of files still queued, running or failed, kept for a retry) and the
 * folders of uploads in progress in another live process. Empty folders go too. Call it at start,
 * before this process stages anything. Returns how many files were removed.
 */
export function sweepStaging(root: string, keep: ReadonlySet<string>): number {
  let removed = 0;
  const visit = (p: string): boolean => {
    // True when `p` is gone afterwards.
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return true;
    }
    if (!st.isDirectory()) {
      if (keep.has(p)) return false;
      fs.rmSync(p, { force: true });
      removed++;
      return true;
    }
    let empty = true;
    for (const e of fs.readdirSync(p)) if (!visit(path.join(p, e))) empty = false;
    if (empty) fs.rmdirSync(p);
    return empty;
  };
  let entries: string[];
  try {
    entries = fs.readdirSync(root);
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (ownerMayBeAlive(e)) continue;
    try {
      visit(path.join(root, e));
    } catch {
      // A file we may not remove stays; the rest is swept.
    }
  }
  return removed;
}

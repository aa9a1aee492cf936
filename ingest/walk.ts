/**
 * Finds the files to ingest under the given paths (recursively). System clutter that scanners and
 * file managers leave in folders is skipped silently; everything else is ingested or reported.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isSidecarName } from './dms.js';

const IGNORED_NAMES = new Set(['thumbs.db', 'desktop.ini', '.ds_store', 'ehthumbs.db']);

export function isIgnored(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    lower.startsWith('.') ||
    lower.startsWith('~$') ||
    IGNORED_NAMES.has(lower) ||
    lower.endsWith('.tmp') ||
    lower.endsWith('.part') ||
    lower.endsWith('.crdownload') ||
    isSidecarName(lower) // metadata of a DMS export (ingest/dms.ts), never a document
  );
}

export interface FoundFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Walks files and folders in a stable (sorted) order; unreadable folders are reported, not fatal. */
export function walk(roots: string[], onError: (p: string, err: Error) => void = () => undefined): FoundFile[] {
  const out: FoundFile[] = [];
  const seen = new Set<string>();
  const files = new Set<string>();
  const visit = (p: string, depth: number) => {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch (err) {
      onError(p, err as Error);
      return;
    }
    if (st.isDirectory()) {
      if (depth > 64) return;
      let real: string;
      try {
        real = fs.realpathSync(p);
      } catch {
        real = p;
      }
      if (seen.has(real)) return; // symlink loops
      seen.add(real);
      let entries: string[];
      try {
        entries = fs.readdirSync(p).sort();
      } catch (err) {
        onError(p, err as Error);
        return;
      }
      for (const e of entries) if (!isIgnored(e)) visit(path.join(p, e), depth + 1);
    } else if (st.isFile()) {
      const resolved = path.resolve(p);
      if (files.has(resolved)) return; // named twice, or reached through two roots
      files.add(resolved);
      out.push({ path: resolved, size: st.size, mtimeMs: st.mtimeMs });
    }
  };
  for (const r of roots) visit(path.resolve(r), 0);
  return out;
}

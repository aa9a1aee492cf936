import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Chunk } from '../../../ingest/types.js';
import { Archive } from '../../store/archive.js';
import { ensureVectorTable, openDb, type Db } from '../../store/db.js';
import { newInt8Kernel } from './int8-kernel.js';
import { Int8VectorIndex } from './vector-index.js';

const DIMS = 40; // not a multiple of 16: rows are padded

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function unit(r: () => number, dims = DIMS): Float32Array {
  const v = Float32Array.from({ length: dims }, () => r() - 0.5);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('int8 SIMD kernel', () => {
  it('computes the same dot products as plain arithmetic', () => {
    const kernel = newInt8Kernel()!;
    expect(kernel).not.toBeNull();
    kernel.memory.grow(2);
    const r = rng(1);
    for (const blocks of [1, 3, 24]) {
      const n = 37;
      const q = new Int16Array(kernel.memory.buffer, 0, blocks * 16);
      const rows = new Int8Array(kernel.memory.buffer, 1024, n * blocks * 16);
      for (let i = 0; i < q.length; i++) q[i] = Math.round((r() - 0.5) * 2046);
      for (let i = 0; i < rows.length; i++) rows[i] = Math.round((r() - 0.5) * 254);
      const outOffset = 1024 + rows.length + 64;
      kernel.dotI8(0, 1024, n, blocks, outOffset);
      const out = new Int32Array(kernel.memory.buffer, outOffset, n);
      for (let row = 0; row < n; row++) {
        let want = 0;
        for (let j = 0; j < blocks * 16; j++) want += rows[row * blocks * 16 + j]! * q[j]!;
        expect(out[row]).toBe(want);
      }
    }
  });
});

describe('Int8VectorIndex', () => {
  let dir: string;
  let db: Db;
  let archive: Archive;
  const vectors = new Map<number, Float32Array>(); // chunk id → vector
  const r = rng(42);

  /** A ready document with one chunk per vector, written the way ingestion writes it. */
  function addDocument(name: string, vecs: Float32Array[]): number {
    const src = path.join(dir, name);
    fs.writeFileSync(src, name);
    const doc = archive.beginDocument({ sha256: createHash('sha256').update(name).digest('hex'), size: 1, mime: null, sourcePath: src, kind: 'pdf', pageCount: 1 });
    const text = vecs.map((_, i) => `fragment ${i}`).join(' ');
    archive.savePage(doc.id, { page: 1, text, words: [], source: 'text-layer', confidence: null, corrections: {}, width: 1, height: 1 }, null);
    let pos = 0;
    const chunks: Chunk[] = vecs.map((_, i) => {
      const t = `fragment ${i}`;
      const c = { page: 1, start: pos, end: pos + t.length, text: t };
      pos += t.length + 1;
      return c;
    });
    archive.finishDocument(doc.id, { title: null, caseNumber: null, docType: null, docDate: null, metadata: [], chunks, vectors: vecs });
    const ids = db.prepare('SELECT id FROM chunks WHERE document_id = ? ORDER BY id').pluck().all(doc.id) as number[];
    ids.forEach((id, i) => vectors.set(id, vecs[i]!));
    return doc.id;
  }

  function exactTop(q: Float32Array, k: number, allow?: (chunkId: number) => boolean): number[] {
    return [...vectors.entries()]
      .filter(([id]) => !allow || allow(id))
      .map(([id, v]) => [id, cosine(q, v)] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([id]) => id);
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kwerenda-vindex-'));
    db = openDb(dir);
    ensureVectorTable(db, 'test', DIMS);
    archive = new Archive(db, dir);
    vectors.clear();
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds the nearest chunks with cosine similarities close to the exact ones', () => {
    // 250 documents: the first sync loads them in one scan of the vector table.
    for (let d = 0; d < 250; d++) addDocument(`doc${d}`, Array.from({ length: 6 }, () => unit(r)));
    const index = new Int8VectorIndex(db, newInt8Kernel()!, DIMS);
    index.sync();
    expect(index.size).toBe(1500); // more than the first capacity: rows survived growing
    let found = 0;
    for (let i = 0; i < 20; i++) {
      const q = unit(r);
      const got = index.search(q, 10);
      const want = exactTop(q, 10);
      found += got.filter((g) => want.includes(g.chunkId)).length;
      for (const g of got) expect(Math.abs(g.similarity - cosine(q, vectors.get(g.chunkId)!))).toBeLessThan(0.01);
      expect(got.map((g) => g.similarity)).toEqual([...got.map((g) => g.similarity)].sort((a, b) => b - a));
    }
    expect(found / 200).toBeGreaterThanOrEqual(0.95);
  });

  it('returns an exact match first, and respects the document filter', () => {
    const target = unit(r);
    const a = addDocument('a', [unit(r), target]);
    const noise = unit(r);
    const near = target.map((x, i) => x * 0.95 + noise[i]! * 0.3);
    const b = addDocument('b', [near.map((x) => x / Math.hypot(...near)), unit(r)]);
    const index = new Int8VectorIndex(db, newInt8Kernel()!, DIMS);
    index.sync();
    expect(index.search(target, 1)[0]).toMatchObject({ documentId: a, similarity: expect.closeTo(1, 2) });
    const onlyB = index.search(target, 5, (doc) => doc === b);
    expect(onlyB.map((m) => m.documentId)).toEqual([b, b]);
  });

  it('follows documents that become ready, are re-indexed or stop being ready', () => {
    const index = new Int8VectorIndex(db, newInt8Kernel()!, DIMS);
    index.sync();
    expect(index.search(unit(r), 5)).toEqual([]);
    const first = unit(r);
    const a = addDocument('a', [first]);
    index.sync();
    expect(index.search(first, 1)[0]!.documentId).toBe(a);

    const moved = unit(r);
    archive.finishDocument(a, {
      title: null, caseNumber: null, docType: null, docDate: null, metadata: [],
      chunks: [{ page: 1, start: 0, end: 10, text: 'fragment 0' }], vectors: [moved],
    });
    const b = addDocument('b', [first]);
    index.sync();
    expect(index.size).toBe(2);
    expect(index.search(moved, 1)[0]).toMatchObject({ documentId: a, similarity: expect.closeTo(1, 2) });
    expect(index.search(first, 1)[0]!.documentId).toBe(b);

    db.prepare("UPDATE documents SET status = 'staging' WHERE id = ?").run(b);
    index.sync();
    expect(index.search(first, 5).map((m) => m.documentId)).toEqual([a]);
  });

  it('ignores a query of the wrong size or without direction', () => {
    addDocument('a', [unit(r)]);
    const index = new Int8VectorIndex(db, newInt8Kernel()!, DIMS);
    index.sync();
    expect(index.search(new Float32Array(DIMS + 1), 3)).toEqual([]);
    expect(index.search(new Float32Array(DIMS), 3)).toEqual([]);
    expect(index.search(unit(r), 0)).toEqual([]);
  });
});

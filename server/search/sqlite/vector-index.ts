/**
 * In-memory int8 copy of the archive's vector table for fast exact-enough kNN. sqlite-vec's exact kNN
 * costs 65–100 ms at 100k chunks; this index scans the same vectors as int8 with WebAssembly SIMD
 * in ~5 ms (recall@10 against exact cosine measured in scripts/bench-search.ts). It holds the
 * chunks of ready documents only, ~D bytes a chunk (38 MB at 100k × 384-d), and follows the
 * archive by document: a document that became ready (or was re-indexed) since the last query is
 * loaded, one that disappeared is dropped. Writers need not know it exists. It reads one vector
 * table (`table`); when `kwerenda reembed` switches the archive to another, the search backend
 * builds a new index (server/search/sqlite/sqlite-backend.ts).
 */
import type { Db } from '../../store/db.js';
import type { Int8Kernel } from './int8-kernel.js';

/** One nearest chunk: cosine similarity from the int8 dot product (error ~1e-3). */
export interface VectorMatch {
  chunkId: number;
  documentId: number;
  similarity: number;
}

const QUERY_SCALE = 1023; // query as int16 in ±1023: no overflow (384 × 127 × 1023 ≪ 2^31)
const PAGE = 65536;
/** Above this many documents to (re)load, one scan of the whole vector table beats point lookups. */
const BULK_DOCS = 200;

export class Int8VectorIndex {
  private readonly padded: number; // dimensions rounded up to 16 (one SIMD block)
  private capacity = 0;
  private count = 0;
  private rowsOffset: number;
  private chunkIds = new Float64Array(0);
  private slots = new Int32Array(0); // row → document slot
  private scales = new Float32Array(0); // row → scale / norm, so that dot × scale = cosine
  private readonly docOfSlot: number[] = [];
  private readonly slotOfDoc = new Map<number, number>();
  private readonly readyAt = new Map<number, string | null>();
  private syncKey = '';
  private readonly stmts;

  constructor(
    private readonly db: Db,
    private readonly kernel: Int8Kernel,
    readonly dimensions: number,
    /** The live vector table (a checked name from server/store/db.ts vectorTable). */
    readonly table = 'chunk_vectors',
  ) {
    this.padded = Math.ceil(dimensions / 16) * 16;
    this.rowsOffset = Math.ceil((this.padded * 2) / 64) * 64;
    this.stmts = {
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
      totalChanges: db.prepare('SELECT total_changes()').pluck(),
      ready: db.prepare("SELECT id, ready_at AS readyAt FROM documents WHERE status = 'ready'"),
      docVectors: db.prepare(
        `SELECT c.id, v.embedding FROM chunks c JOIN ${table} v ON v.rowid = c.id WHERE c.document_id = ? ORDER BY c.id`,
      ),
      chunkDocs: db.prepare('SELECT id, document_id AS documentId FROM chunks'),
      allVectors: db.prepare(`SELECT rowid AS id, embedding FROM ${table}`),
    };
  }

  get size(): number {
    return this.count;
  }

  /** Brings the index in line with the ready documents; costs two pragmas when nothing was written. */
  sync(): void {
    const key = `${this.stmts.dataVersion.get()}:${this.stmts.totalChanges.get()}`;
    if (key === this.syncKey) return;
    this.db.transaction(() => this.syncDocuments())(); // one snapshot: documents and vectors agree
    this.syncKey = key;
  }

  private syncDocuments(): void {
    const ready = this.stmts.ready.all() as { id: number; readyAt: string | null }[];
    const seen = new Set<number>();
    const load: number[] = [];
    const drop = new Set<number>();
    for (const d of ready) {
      seen.add(d.id);
      const known = this.readyAt.get(d.id);
      if (known === undefined || known !== d.readyAt) {
        if (known !== undefined) drop.add(d.id);
        load.push(d.id);
        this.readyAt.set(d.id, d.readyAt);
      }
    }
    for (const id of this.readyAt.keys()) {
      if (!seen.has(id)) {
        drop.add(id);
        this.readyAt.delete(id);
      }
    }
    if (drop.size > 0) this.remove(drop);
    if (load.length === 0) return;
    if (load.length > BULK_DOCS) {
      const wanted = new Set(load);
      const docOf = new Map<number, number>();
      for (const r of this.stmts.chunkDocs.iterate() as Iterable<{ id: number; documentId: number }>) {
        if (wanted.has(r.documentId)) docOf.set(r.id, r.documentId);
      }
      for (const r of this.stmts.allVectors.iterate() as Iterable<{ id: number | bigint; embedding: Buffer }>) {
        const id = Number(r.id);
        const doc = docOf.get(id);
        if (doc !== undefined) this.add(id, doc, r.embedding);
      }
    } else {
      for (const doc of load) {
        for (const r of this.stmts.docVectors.iterate(doc) as Iterable<{ id: number; embedding: Buffer }>) {
          this.add(r.id, doc, r.embedding);
        }
      }
    }
  }

  private slotFor(doc: number): number {
    let slot = this.slotOfDoc.get(doc);
    if (slot === undefined) {
      slot = this.docOfSlot.length;
      this.docOfSlot.push(doc);
      this.slotOfDoc.set(doc, slot);
    }
    return slot;
  }

  private add(chunkId: number, doc: number, blob: Buffer): void {
    const v = new Float32Array(blob.buffer, blob.byteOffset, Math.floor(blob.byteLength / 4));
    if (v.length !== this.dimensions) return;
    if (this.count === this.capacity) this.grow(Math.max(1024, this.capacity * 2));
    let max = 0;
    let norm = 0;
    for (let j = 0; j < v.length; j++) {
      const x = Number.isFinite(v[j]!) ? v[j]! : 0;
      max = Math.max(max, Math.abs(x));
      norm += x * x;
    }
    const row = new Int8Array(this.kernel.memory.buffer, this.rowsOffset + this.count * this.padded, this.padded);
    row.fill(0);
    const step = max > 0 ? max / 127 : 1;
    for (let j = 0; j < v.length; j++) row[j] = Number.isFinite(v[j]!) ? Math.round(v[j]! / step) : 0;
    this.chunkIds[this.count] = chunkId;
    this.slots[this.count] = this.slotFor(doc);
    this.scales[this.count] = norm > 0 ? step / Math.sqrt(norm) : 0;
    this.count++;
  }

  /** Keeps rows in place order, without the dropped documents' rows. */
  private remove(docs: Set<number>): void {
    const buf = new Uint8Array(this.kernel.memory.buffer);
    let to = 0;
    for (let from = 0; from < this.count; from++) {
      if (docs.has(this.docOfSlot[this.slots[from]!]!)) continue;
      if (to !== from) {
        const src = this.rowsOffset + from * this.padded;
        buf.copyWithin(this.rowsOffset + to * this.padded, src, src + this.padded);
        this.chunkIds[to] = this.chunkIds[from]!;
        this.slots[to] = this.slots[from]!;
        this.scales[to] = this.scales[from]!;
      }
      to++;
    }
    this.count = to;
  }

  /** Layout in wasm memory: [query int16 | rows int8 × capacity | scores int32 × capacity]. */
  private grow(capacity: number): void {
    const needed = this.rowsOffset + capacity * this.padded + capacity * 4;
    const have = this.kernel.memory.buffer.byteLength;
    if (needed > have) this.kernel.memory.grow(Math.ceil((needed - have) / PAGE));
    const widen = <T extends Float64Array | Int32Array | Float32Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a.subarray(0, this.count));
      return b;
    };
    this.chunkIds = widen(this.chunkIds, (n) => new Float64Array(n));
    this.slots = widen(this.slots, (n) => new Int32Array(n));
    this.scales = widen(this.scales, (n) => new Float32Array(n));
    this.capacity = capacity;
  }

  /**
   * The `k` rows most similar to `query` (best first, ties by chunk id), among rows whose
   * document passes `allow` (all when omitted). Call sync() first.
   */
  search(query: Float32Array, k: number, allow?: (documentId: number) => boolean): VectorMatch[] {
    if (this.count === 0 || k <= 0 || query.length !== this.dimensions) return [];
    let max = 0;
    let norm = 0;
    for (const x of query) {
      if (!Number.isFinite(x)) continue;
      max = Math.max(max, Math.abs(x));
      norm += x * x;
    }
    if (max === 0) return [];
    const mem = this.kernel.memory.buffer;
    const q = new Int16Array(mem, 0, this.padded);
    q.fill(0);
    const step = max / QUERY_SCALE;
    for (let j = 0; j < query.length; j++) q[j] = Number.isFinite(query[j]!) ? Math.round(query[j]! / step) : 0;
    const scoresOffset = this.rowsOffset + this.capacity * this.padded;
    this.kernel.dotI8(0, this.rowsOffset, this.count, this.padded / 16, scoresOffset);
    const dots = new Int32Array(this.kernel.memory.buffer, scoresOffset, this.count);
    const mask = allow ? Uint8Array.from(this.docOfSlot, (d) => (allow(d) ? 1 : 0)) : null;
    const top = topK(dots, this.scales, this.slots, mask, k);
    const qScale = step / Math.sqrt(norm);
    return top.map((row) => ({
      chunkId: this.chunkIds[row]!,
      documentId: this.docOfSlot[this.slots[row]!]!,
      similarity: Math.max(-1, Math.min(1, dots[row]! * this.scales[row]! * qScale)),
    }));
  }
}

/** Rows with the k highest dot × scale (ties: lower chunk row first), via a small sorted buffer. */
function topK(dots: Int32Array, scales: Float32Array, slots: Int32Array, mask: Uint8Array | null, k: number): number[] {
  const rows: number[] = [];
  const vals: number[] = [];
  let floor = -Infinity;
  for (let i = 0; i < dots.length; i++) {
    if (mask !== null && mask[slots[i]!] === 0) continue;
    const v = dots[i]! * scales[i]!;
    if (rows.length === k && v <= floor) continue;
    let p = rows.length < k ? rows.length : k - 1;
    while (p > 0 && vals[p - 1]! < v) {
      rows[p] = rows[p - 1]!;
      vals[p] = vals[p - 1]!;
      p--;
    }
    rows[p] = i;
    vals[p] = v;
    if (rows.length === k) floor = vals[k - 1]!;
  }
  return rows;
}

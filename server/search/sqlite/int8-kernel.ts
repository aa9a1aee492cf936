/**
 * A WebAssembly SIMD kernel for int8 dot products, assembled here from a few named opcodes (no
 * toolchain, no binary blob). Exact kNN over 100k × 384-d vectors takes 65–100 ms in sqlite-vec and
 * 45–130 ms in plain JS (scalar loops, 154 MB of floats per query); int8 rows scanned with 128-bit
 * SIMD take ~5 ms and read a quarter of the memory. The vector index rescores the best candidates
 * exactly, so the quantisation only has to keep the true neighbours among them (see
 * scripts/bench-search.ts for the recall measured).
 */

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};
/** Signed LEB128 for a non-negative constant (i32.const). */
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>>= 7;
    if (n === 0 && (b & 0x40) === 0) return [...out, b];
    out.push(b | 0x80);
  }
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'utf8')];
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];

const I32 = 0x7f;
const V128 = 0x7b;
const EMPTY_BLOCK = 0x40;
const OP = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Store: 0x36,
  i32Const: 0x41,
  i32Add: 0x6a,
  i32Sub: 0x6b,
} as const;
const simd = (code: number, ...imm: number[]): number[] => [0xfd, ...uleb(code), ...imm];
const V = {
  load: (offset: number) => simd(0x00, 4, ...uleb(offset)), // v128.load align=16
  zero: simd(0x0c, ...new Array<number>(16).fill(0)), // v128.const 0
  i32x4ExtractLane: (lane: number) => simd(0x1b, lane),
  i16x8ExtendLowI8x16S: simd(0x87),
  i16x8ExtendHighI8x16S: simd(0x88),
  i32x4Add: simd(0xae),
  i32x4DotI16x8S: simd(0xba),
};
const get = (i: number) => [OP.localGet, ...uleb(i)];
const set = (i: number) => [OP.localSet, ...uleb(i)];
const tee = (i: number) => [OP.localTee, ...uleb(i)];
const add = (i: number, c: number) => [...get(i), OP.i32Const, ...sleb(c), OP.i32Add, ...set(i)];
const decrementTee = (i: number) => [...get(i), OP.i32Const, ...sleb(1), OP.i32Sub, ...tee(i)];

/**
 * dotI8(query, rows, n, blocks, out): for each of `n` rows of `blocks` × 16 int8 values starting at
 * `rows`, writes the int32 dot product with the int16 query at `query` to `out` (4 bytes a row).
 * Needs n ≥ 1 and blocks ≥ 1. Parameters 0–4 as listed; locals: 5 k, 6 q, 7 acc, 8 row bytes.
 */
function dotI8Body(): number[] {
  const [QUERY, ROWS, N, BLOCKS, OUT, K, Q, ACC, BYTES] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const accumulate = (half: number[], qOffset: number) => [
    ...half,
    ...get(Q),
    ...V.load(qOffset),
    ...V.i32x4DotI16x8S,
    ...get(ACC),
    ...V.i32x4Add,
    ...set(ACC),
  ];
  return [
    ...vec([
      [2, I32],
      [2, V128],
    ]),
    OP.block, EMPTY_BLOCK,
    OP.loop, EMPTY_BLOCK, // one row
    ...V.zero, ...set(ACC),
    ...get(QUERY), ...set(Q),
    ...get(BLOCKS), ...set(K),
    OP.loop, EMPTY_BLOCK, // 16 values: widen to int16 halves, multiply-add pairs into int32 lanes
    ...get(ROWS), ...V.load(0), ...tee(BYTES),
    ...accumulate(V.i16x8ExtendLowI8x16S, 0),
    ...get(BYTES),
    ...accumulate(V.i16x8ExtendHighI8x16S, 16),
    ...add(Q, 32),
    ...add(ROWS, 16),
    ...decrementTee(K), OP.brIf, 0,
    OP.end,
    ...get(OUT),
    ...get(ACC), ...V.i32x4ExtractLane(0),
    ...get(ACC), ...V.i32x4ExtractLane(1), OP.i32Add,
    ...get(ACC), ...V.i32x4ExtractLane(2), OP.i32Add,
    ...get(ACC), ...V.i32x4ExtractLane(3), OP.i32Add,
    OP.i32Store, 2, 0,
    ...add(OUT, 4),
    ...decrementTee(N), OP.brIf, 0,
    OP.end,
    OP.end,
    OP.end,
  ];
}

function moduleBytes(): Uint8Array {
  const body = dotI8Body();
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), ...vec([])]])), // (i32 × 5) -> ()
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, ...uleb(1)]])), // one memory, 1 page to start
    ...section(7, vec([[...name('memory'), 0x02, 0], [...name('dotI8'), 0x00, 0]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

/** The few WebAssembly types used here (the project's TypeScript libs do not declare them). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** An instantiated kernel with its own linear memory (grown by the caller). */
export interface Int8Kernel {
  readonly memory: WasmMemory;
  dotI8(query: number, rows: number, n: number, blocks: number, out: number): void;
}

let compiled: object | null | undefined;

/**
 * A new kernel instance (each index owns its memory: several archives may be open in one
 * process), or null when this runtime has no WebAssembly SIMD — the caller then uses sqlite-vec.
 */
export function newInt8Kernel(): Int8Kernel | null {
  const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm === undefined) return null;
  if (compiled === undefined) {
    try {
      const bytes = moduleBytes();
      compiled = wasm.validate(bytes) ? new wasm.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  if (compiled === null) return null;
  const ex = new wasm.Instance(compiled, {}).exports as unknown as Int8Kernel;
  return { memory: ex.memory, dotI8: ex.dotI8 };
}

/**
 * A deliberately small PDF content-stream interpreter for the embedded-image fast path: it
 * tracks only the CTM, rectangular clips and the text render mode, records every `Do`, and gives
 * up (returns a reason) on anything that would paint something other than an XObject.
 */

/** [a b c d e f] as in PDF: x' = a x + c y + e, y' = b x + d y + f. */
export type Matrix = [number, number, number, number, number, number];

export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface XObjectDraw {
  name: string;
  ctm: Matrix;
  /** Intersection of the rectangular clips in force (user space of the page), or null. */
  clip: Rect | null;
}

export interface ContentScan {
  /** Every `Do` seen (also after a disqualifying operator, so huge images can still be refused). */
  draws: XObjectDraw[];
  extGStates: string[];
  /** Why the page is not a plain "one image" page; the first problem found. */
  reason?: string;
}

export const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** m1 × m2: apply m1 first, then m2 (PDF's `cm` sets CTM = M × CTM). */
export function multiply(m1: Matrix, m2: Matrix): Matrix {
  const [a, b, c, d, e, f] = m1;
  const [A, B, C, D, E, F] = m2;
  return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F];
}

/** Bounding box of the unit square (or of `rect`) under `m`. */
export function transformBox(m: Matrix, rect: Rect = { x0: 0, y0: 0, x1: 1, y1: 1 }): Rect {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [x, y] of [[rect.x0, rect.y0], [rect.x1, rect.y0], [rect.x0, rect.y1], [rect.x1, rect.y1]] as const) {
    xs.push(m[0] * x + m[2] * y + m[4]);
    ys.push(m[1] * x + m[3] * y + m[5]);
  }
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

function isAxisAligned(m: Matrix): boolean {
  const scale = Math.max(Math.abs(m[0]), Math.abs(m[1]), Math.abs(m[2]), Math.abs(m[3]));
  const eps = scale * 1e-6;
  return (Math.abs(m[1]) <= eps && Math.abs(m[2]) <= eps) || (Math.abs(m[0]) <= eps && Math.abs(m[3]) <= eps);
}

function intersect(a: Rect | null, b: Rect): Rect {
  if (!a) return b;
  return { x0: Math.max(a.x0, b.x0), y0: Math.max(a.y0, b.y0), x1: Math.min(a.x1, b.x1), y1: Math.min(a.y1, b.y1) };
}

// Operators that change no pixels on their own (state, marked content, text positioning).
const HARMLESS = new Set([
  'BT', 'ET', 'Tf', 'Td', 'TD', 'Tm', 'T*', 'Tc', 'Tw', 'Tz', 'TL', 'Ts',
  'BMC', 'BDC', 'EMC', 'MP', 'DP', 'BX', 'EX',
  'g', 'G', 'rg', 'RG', 'k', 'K', 'cs', 'CS', 'sc', 'scn', 'SC', 'SCN',
  'w', 'J', 'j', 'M', 'd', 'ri', 'i', 'd0', 'd1',
]);
const TEXT_SHOW = new Set(['Tj', 'TJ', "'", '"']);
const PATH_BUILD = new Set(['m', 'l', 'c', 'v', 'y', 'h']);
const PAINT = new Set(['S', 's', 'f', 'F', 'f*', 'B', 'B*', 'b', 'b*', 'sh']);

const MAX_OPS = 2_000_000;
const MAX_DEPTH = 64;

interface State {
  ctm: Matrix;
  clip: Rect | null;
  tr: number;
}

export function scanContent(src: Uint8Array): ContentScan {
  const draws: XObjectDraw[] = [];
  const extGStates: string[] = [];
  const stack: State[] = [];
  let st: State = { ctm: IDENTITY, clip: null, tr: 0 };
  let operands: (number | string | null)[] = [];
  let path: Rect | null = null;
  let pathIsRect = true;
  let pendingClip = false;
  let ops = 0;
  let reason: string | undefined;
  const fail = (why: string) => {
    reason ??= why;
  };
  const lex = new Lexer(src);
  for (;;) {
    const tok = lex.next();
    if (tok === undefined) break;
    if (tok.t === 'operand') {
      if (operands.length < 64) operands.push(tok.v);
      continue;
    }
    if (tok.t === 'bad') {
      fail(`content stream: ${tok.v}`);
      break;
    }
    if (++ops > MAX_OPS) {
      fail('content stream: too many operators');
      break;
    }
    const op = tok.v;
    const nums = operands.filter((o): o is number => typeof o === 'number');
    const last = operands[operands.length - 1];
    operands = [];
    if (op === 'q') {
      if (stack.length >= MAX_DEPTH) fail('content stream: q nesting too deep');
      else stack.push(st);
      st = { ...st };
    } else if (op === 'Q') {
      st = stack.pop() ?? st;
    } else if (op === 'cm') {
      if (nums.length === 6 && nums.every(Number.isFinite)) st.ctm = multiply(nums as Matrix, st.ctm);
      else fail('content stream: bad cm');
    } else if (op === 'Do') {
      if (typeof last === 'string') draws.push({ name: last, ctm: st.ctm, clip: st.clip });
      else fail('content stream: bad Do');
    } else if (op === 'gs') {
      if (typeof last === 'string') extGStates.push(last);
    } else if (op === 'Tr') {
      st.tr = nums[0] ?? 0;
    } else if (TEXT_SHOW.has(op)) {
      // Render mode 3 = invisible (an OCR text layer); anything else paints glyphs.
      if (st.tr !== 3) fail('page shows visible text');
    } else if (op === 're') {
      const [x = 0, y = 0, w = 0, h = 0] = nums;
      if (nums.length !== 4) fail('content stream: bad re');
      if (path || !isAxisAligned(st.ctm)) pathIsRect = false;
      path = transformBox(st.ctm, { x0: Math.min(x, x + w), y0: Math.min(y, y + h), x1: Math.max(x, x + w), y1: Math.max(y, y + h) });
    } else if (PATH_BUILD.has(op)) {
      pathIsRect = false;
      path = path ?? { x0: 0, y0: 0, x1: 0, y1: 0 };
    } else if (op === 'W' || op === 'W*') {
      pendingClip = true;
    } else if (op === 'n') {
      if (pendingClip) {
        if (path && pathIsRect) st.clip = intersect(st.clip, path);
        else fail('non-rectangular clip');
      }
      path = null;
      pathIsRect = true;
      pendingClip = false;
    } else if (PAINT.has(op)) {
      fail(`page paints vector graphics (${op})`);
    } else if (op === 'BI') {
      fail('page has an inline image');
      break; // the binary data after ID cannot be tokenised
    } else if (!HARMLESS.has(op)) {
      fail(`unexpected operator ${op.slice(0, 12)}`);
    }
  }
  return reason === undefined ? { draws, extGStates } : { draws, extGStates, reason };
}

type Token = { t: 'operand'; v: number | string | null } | { t: 'op'; v: string } | { t: 'bad'; v: string };

const WS = new Set([0, 9, 10, 12, 13, 32]);
const DELIM = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);

/** Tokeniser: numbers and names are kept; strings, arrays and dicts become opaque operands. */
class Lexer {
  private i = 0;
  constructor(private readonly s: Uint8Array) {}

  next(): Token | undefined {
    const s = this.s;
    for (;;) {
      while (this.i < s.length && WS.has(s[this.i]!)) this.i++;
      if (this.i >= s.length) return undefined;
      if (s[this.i] !== 0x25) break; // '%' comment to end of line
      while (this.i < s.length && s[this.i] !== 10 && s[this.i] !== 13) this.i++;
    }
    const c = s[this.i]!;
    if (c === 0x2f) {
      const start = ++this.i;
      this.skipRegular();
      // Kept #-escaped: PDFName.of() decodes escapes itself.
      return { t: 'operand', v: Buffer.from(s.subarray(start, this.i)).toString('latin1') };
    }
    if (c === 0x28) return this.skipString() ? { t: 'operand', v: null } : { t: 'bad', v: 'unterminated string' };
    if (c === 0x5b || c === 0x3c) {
      // Arrays, dicts and hex strings: skip to the matching close, stepping over strings.
      return this.skipNested() ? { t: 'operand', v: null } : { t: 'bad', v: 'unbalanced array or dict' };
    }
    if (c === 0x5d || c === 0x3e || c === 0x29 || c === 0x7b || c === 0x7d) {
      this.i++;
      return { t: 'bad', v: `stray '${String.fromCharCode(c)}'` };
    }
    const start = this.i;
    this.skipRegular();
    const word = Buffer.from(s.subarray(start, this.i)).toString('latin1');
    if (/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(word)) return { t: 'operand', v: Number(word) };
    if (/^[+-]*[\d.]+$/.test(word)) return { t: 'operand', v: 0 }; // '--0', '1.2.3': lenient like pdf.js
    if (word === 'true' || word === 'false' || word === 'null') return { t: 'operand', v: null };
    return { t: 'op', v: word };
  }

  private skipRegular(): void {
    const s = this.s;
    while (this.i < s.length && !WS.has(s[this.i]!) && !DELIM.has(s[this.i]!)) this.i++;
  }

  /** At '(' : skip a literal string with nesting and escapes. */
  private skipString(): boolean {
    const s = this.s;
    let depth = 0;
    while (this.i < s.length) {
      const c = s[this.i++]!;
      if (c === 0x5c) this.i++;
      else if (c === 0x28) depth++;
      else if (c === 0x29 && --depth === 0) return true;
    }
    return false;
  }

  /** At '[' or '<': skip to the matching ']' / '>' / '>>'. */
  private skipNested(): boolean {
    const s = this.s;
    let depth = 0;
    while (this.i < s.length) {
      const c = s[this.i]!;
      if (c === 0x28) {
        if (!this.skipString()) return false;
        continue;
      }
      this.i++;
      if (c === 0x5b || c === 0x3c) depth++;
      else if (c === 0x5d || c === 0x3e) depth--;
      if (depth === 0) return true;
    }
    return false;
  }
}

export interface Placement {
  /** Clockwise quarter turns (in degrees) that make the image look as it does on the page. */
  turn: 0 | 90 | 180 | 270;
  dpiX: number;
  dpiY: number;
}

/**
 * Check that an image drawn with `draw` fills `box` (the visible page area) within `tol` of its
 * size, with an axis-aligned, unmirrored matrix, and that no clip cuts it.
 */
export function placement(draw: XObjectDraw, width: number, height: number, box: Rect, tol = 0.02): Placement | { reason: string } {
  const [a, b, c, d] = draw.ctm;
  const eps = Math.max(Math.abs(a), Math.abs(b), Math.abs(c), Math.abs(d)) * 1e-4;
  const tiny = (v: number) => Math.abs(v) <= eps;
  let turn: Placement['turn'];
  if (tiny(b) && tiny(c) && a > 0 && d > 0) turn = 0;
  else if (tiny(b) && tiny(c) && a < 0 && d < 0) turn = 180;
  // Image x axis pointing down the page and image y axis pointing left: turned clockwise.
  else if (tiny(a) && tiny(d) && b < 0 && c > 0) turn = 90;
  else if (tiny(a) && tiny(d) && b > 0 && c < 0) turn = 270;
  else if ((tiny(b) && tiny(c)) || (tiny(a) && tiny(d))) return { reason: 'image is mirrored' };
  else return { reason: 'image matrix is skewed or not a right-angle rotation' };
  const img = transformBox(draw.ctm);
  const tx = (box.x1 - box.x0) * tol;
  const ty = (box.y1 - box.y0) * tol;
  const near = Math.abs(img.x0 - box.x0) <= tx && Math.abs(img.x1 - box.x1) <= tx;
  if (!near || Math.abs(img.y0 - box.y0) > ty || Math.abs(img.y1 - box.y1) > ty) {
    return { reason: 'image does not cover the page' };
  }
  const clip = draw.clip;
  if (clip && (clip.x0 > box.x0 + tx || clip.x1 < box.x1 - tx || clip.y0 > box.y0 + ty || clip.y1 < box.y1 - ty)) {
    return { reason: 'image is clipped' };
  }
  return { turn, dpiX: (width * 72) / Math.hypot(a, b), dpiY: (height * 72) / Math.hypot(c, d) };
}

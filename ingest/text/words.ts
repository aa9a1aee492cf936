/**
 * Word normalisation before layout: sanitise boxes, NFC, drop invisible characters, and split
 * text runs containing whitespace into separate words.
 *
 * Engines give words with their own boxes: OCR word by word, the PDF text layer cut at its glyphs'
 * advances (ingest/extract/pdf-worker.ts). A run that still holds whitespace — a text layer whose
 * advances were unknown — is cut in proportion to its characters, which in a proportional font
 * can be off by several characters: such a word keeps the box of its whole run (`run`), so that
 * whoever must hide it (a PESEL on a page image) hides the run, never a guess beside it.
 */
import type { Box, RawWord } from '../types.js';
import { clamp, median } from './util.js';

export const SOFT_HYPHEN = '\u00AD';

/** A cleaned word ready for layout. Geometry fields are derived from the sanitised box. */
export interface PreWord {
  /** NFC text without whitespace or invisible characters; may end with a soft hyphen. */
  text: string;
  box: Box;
  confidence: number;
  /** Grouping key from the engine's (block, line) ids, or null when the ids are unusable. */
  lineKey: string | null;
  block: number | undefined;
  /** Position in the normalised input, used for stable tie-breaking. */
  order: number;
  /** The box of the run the word was cut from, when `box` is only a proportional estimate. */
  run: Box | null;
  cx: number;
  cy: number;
}

const LIGATURES: Record<string, string> = {
  '\uFB00': 'ff',
  '\uFB01': 'fi',
  '\uFB02': 'fl',
  '\uFB03': 'ffi',
  '\uFB04': 'ffl',
  '\uFB05': 'st',
  '\uFB06': 'st',
};

const WS = /\s/u;
/** Control and format characters (zero-width space, BOM, bidi marks...), except the soft hyphen. */
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;

function finite(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** Make a box finite, ordered and clamped to the unit square. */
export function sanitiseBox(b: Partial<Box> | undefined): Box {
  const src = b ?? {};
  let x0 = finite(src.x0, finite(src.x1, 0));
  let x1 = finite(src.x1, x0);
  let y0 = finite(src.y0, finite(src.y1, 0));
  let y1 = finite(src.y1, y0);
  if (x1 < x0) [x0, x1] = [x1, x0];
  if (y1 < y0) [y0, y1] = [y1, y0];
  return { x0: clamp(x0, 0, 1), y0: clamp(y0, 0, 1), x1: clamp(x1, 0, 1), y1: clamp(y1, 0, 1) };
}

/**
 * Replace whitespace by a plain space, drop invisible characters, expand typographic
 * ligatures. The result has one character per "slot" used for proportional box division.
 */
function cleanText(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    if (WS.test(ch)) out += ' ';
    else if (ch === SOFT_HYPHEN) out += ch;
    else if (INVISIBLE.test(ch)) continue;
    else out += LIGATURES[ch] ?? ch;
  }
  return out;
}

/** Remove soft hyphens except a single trailing one (a possible line-end hyphenation). */
function cleanSoftHyphens(token: string): string {
  if (!token.includes(SOFT_HYPHEN)) return token;
  const trailing = token.endsWith(SOFT_HYPHEN);
  const core = token.split(SOFT_HYPHEN).join('');
  return core.length > 0 && trailing ? core + SOFT_HYPHEN : core;
}

export function normaliseWords(raw: readonly RawWord[]): PreWord[] {
  const out: PreWord[] = [];
  for (const w of raw) {
    if (w == null) continue;
    const cleaned = cleanText(typeof w.text === 'string' ? w.text : String(w.text ?? ''));
    if (cleaned.trim() === '') continue;
    const box = sanitiseBox(w.box);
    const confidence = finite(w.confidence, 0);
    const block = typeof w.block === 'number' && Number.isFinite(w.block) ? w.block : undefined;
    const lineKey =
      typeof w.line === 'number' && Number.isFinite(w.line) ? `${block ?? ''}|${w.line}` : null;
    const n = cleaned.length;
    const width = box.x1 - box.x0;
    const cut = cleaned.trim().search(WS) >= 0;
    const re = /\S+/gu;
    for (let m = re.exec(cleaned); m; m = re.exec(cleaned)) {
      const text = cleanSoftHyphens(m[0]).normalize('NFC');
      if (text === '') continue;
      const x0 = box.x0 + (width * m.index) / n;
      const x1 = box.x0 + (width * (m.index + m[0].length)) / n;
      const b: Box = { x0, y0: box.y0, x1, y1: box.y1 };
      out.push({
        text,
        box: b,
        confidence,
        lineKey,
        block,
        order: out.length,
        run: cut ? box : null,
        cx: (x0 + x1) / 2,
        cy: (box.y0 + box.y1) / 2,
      });
    }
  }
  return out;
}

/** Median positive word height, with a sane fallback for degenerate input. */
export function medianHeight(words: readonly PreWord[]): number {
  const hs: number[] = [];
  for (const w of words) {
    const h = w.box.y1 - w.box.y0;
    if (h > 0) hs.push(h);
  }
  const m = median(hs);
  return m !== undefined && m > 0 ? m : 0.01;
}

/** Vertical band used for line grouping: zero/tiny heights are widened around the centre. */
export function effectiveBand(w: PreWord, hMed: number): [number, number] {
  const h = w.box.y1 - w.box.y0;
  const minH = hMed * 0.5;
  if (h >= minH) return [w.box.y0, w.box.y1];
  return [w.cy - minH / 2, w.cy + minH / 2];
}

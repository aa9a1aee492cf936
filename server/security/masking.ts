/**
 * Personal identifiers (see `identifiers.ts`: PESEL and identity-card numbers) hidden from roles
 * that may not see them.
 *
 * Masking keeps the length: every character of a found identifier becomes `•` (one UTF-16 unit,
 * like the digits and letters it replaces), so citation offsets, `quote === text.slice(start, end)`
 * and word boxes still line up with the masked page text. Which roles see identifiers is
 * configuration (`KWERENDA_PESEL_VISIBLE_ROLES`); everyone else gets masked text everywhere text is
 * shown: search results, stored searches (masked before they are recorded, so a supervisor later
 * sees exactly what the clerk saw), documents, metadata and pages.
 *
 * Page images are covered where the page's words hold an identifier (`coverBoxes`). The original
 * file is not masked: it is served only to roles with `documents.original`; everyone else gets a
 * PDF of the (covered) page images instead.
 */
import sharp from 'sharp';
import type { Role } from '../store/users.js';
import { findIdentifiers } from './identifiers.js';

export { findIdentifiers, hasIdentifier, isValidIdCard, isValidPesel, type IdentifierKind, type IdentifierSpan } from './identifiers.js';

export const MASK_CHAR = '•';

/** `text` with every identifier replaced by `•` characters of the same length. */
export function maskIdentifiers(text: string): string {
  const spans = findIdentifiers(text);
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + MASK_CHAR.repeat(s.end - s.start);
    at = s.end;
  }
  return out + text.slice(at);
}

/** Keys whose values are identifiers of our own records (ids, hashes), never text to mask. */
const NOT_TEXT = new Set(['id', 'documentId', 'sha256', 'searchId', 'mode', 'type', 'kind', 'confidence', 'origin']);

/** A deep copy of `value` with identifiers masked in every string (object keys and `NOT_TEXT` fields excepted). */
export function maskDeep<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return maskIdentifiers(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) o[k] = NOT_TEXT.has(k) ? x : walk(x);
      return o;
    }
    return v;
  };
  return walk(value) as T;
}

/** What a masked citation needs: its page and span (quote is recomputed from the masked page). */
interface CitationLike {
  page: number;
  start: number;
  end: number;
  quote: string;
}

interface ResponseLike {
  results: { document: { id: string }; citations: CitationLike[] }[];
}

/** Who sees identifiers unmasked; everything shown to anyone else goes through it. */
export class PeselPolicy {
  private readonly visible: ReadonlySet<Role>;

  constructor(visibleRoles: readonly Role[]) {
    this.visible = new Set(visibleRoles);
  }

  maySee(role: Role): boolean {
    return this.visible.has(role);
  }

  /** Roles that see identifiers, for messages. */
  visibleRoles(): Role[] {
    return [...this.visible];
  }

  /**
   * A search response as `role` may see it. Quotes are cut from the masked page text (loaded with
   * `pageText`), not masked on their own: a quote that ends inside a PESEL must not show its first
   * digits. A page that cannot be loaded masks the quote alone.
   */
  async response<T extends ResponseLike>(r: T, role: Role, pageText: (documentId: string, page: number) => Promise<string | null>): Promise<T> {
    if (this.maySee(role)) return r;
    const masked = maskDeep(r);
    const pages = new Map<string, string | null>();
    for (let i = 0; i < masked.results.length; i++) {
      const id = masked.results[i]!.document.id;
      for (let j = 0; j < masked.results[i]!.citations.length; j++) {
        const c = masked.results[i]!.citations[j]!;
        const key = `${id}:${c.page}`;
        if (!pages.has(key)) pages.set(key, await pageText(id, c.page));
        const text = pages.get(key);
        // Only if the stored page still holds the quote there (it was verified against it).
        if (text != null && text.slice(c.start, c.end) === r.results[i]!.citations[j]!.quote) c.quote = maskIdentifiers(text).slice(c.start, c.end);
      }
    }
    return masked;
  }

  /** One text (a file name for a download) as `role` may see it. */
  text(value: string, role: Role): string {
    return this.maySee(role) ? value : maskIdentifiers(value);
  }

  /** Any other value shown to `role` (a document with its metadata, a page): every text field masked. */
  view<T>(value: T, role: Role): T {
    return this.maySee(role) ? value : maskDeep(value);
  }
}

/** The default when nothing is configured: supervisors only (they check what clerks were shown). */
export const DEFAULT_PESEL_VISIBLE_ROLES: readonly Role[] = ['supervisor'];

export const DEFAULT_PESEL_POLICY = new PeselPolicy(DEFAULT_PESEL_VISIBLE_ROLES);

/** A word box, normalised 0..1 on the upright page. */
export interface NormalisedBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A word of a page as far as covering it goes; `run` is set when `box` is only an estimate (ingest/types.ts). */
interface CoverableWord {
  start: number;
  end: number;
  box: NormalisedBox;
  run?: NormalisedBox;
}

const overlaps = (w: { start: number; end: number }, s: { start: number; end: number }) => w.start < s.end && s.start < w.end;

/**
 * Boxes that hide every identifier on the page, for words whose boxes are exact (OCR words, text
 * layers cut at their glyphs' advances): each word's own box — or, for a word whose box is an
 * estimate, the box of the whole text run it was cut from.
 */
export function identifierBoxes(page: { text: string; words: readonly CoverableWord[] }): NormalisedBox[] {
  const spans = findIdentifiers(page.text);
  const boxes: NormalisedBox[] = [];
  for (const w of page.words) if (spans.some((s) => overlaps(w, s))) boxes.push(w.run ?? w.box);
  return boxes;
}

/**
 * Boxes that hide every identifier when the word boxes may be estimates that cannot be told from
 * exact ones (text-layer pages stored before boxes came from glyph advances): one box over each
 * whole line of the page text that holds an identifier.
 */
export function identifierLineBoxes(page: { text: string; words: readonly CoverableWord[] }): NormalisedBox[] {
  const boxes: NormalisedBox[] = [];
  for (const s of findIdentifiers(page.text)) {
    const from = page.text.lastIndexOf('\n', s.start - 1) + 1;
    const nl = page.text.indexOf('\n', s.end);
    const line = { start: from, end: nl < 0 ? page.text.length : nl };
    const ws = page.words.filter((w) => overlaps(w, line)).map((w) => w.run ?? w.box);
    if (ws.length === 0) continue;
    boxes.push({
      x0: Math.min(...ws.map((b) => b.x0)),
      y0: Math.min(...ws.map((b) => b.y0)),
      x1: Math.max(...ws.map((b) => b.x1)),
      y1: Math.max(...ws.map((b) => b.y1)),
    });
  }
  return boxes;
}

/**
 * The page image with solid boxes over `boxes` (a little wider than the word, so no stroke of a
 * digit shows), in the image's own format unless `format` says otherwise. Solid, not blurred: a
 * blurred digit can still be read.
 */
export async function coverBoxes(file: string, boxes: readonly NormalisedBox[], format?: 'jpeg'): Promise<Buffer> {
  const image = sharp(file);
  const { width = 0, height = 0, format: own } = await image.metadata();
  const pad = Math.max(2, Math.round(height * 0.003));
  const covers = boxes.flatMap((b) => {
    const left = Math.max(0, Math.floor(b.x0 * width) - pad);
    const top = Math.max(0, Math.floor(b.y0 * height) - pad);
    const w = Math.min(width, Math.ceil(b.x1 * width) + pad) - left;
    const h = Math.min(height, Math.ceil(b.y1 * height) + pad) - top;
    return w > 0 && h > 0 ? [{ input: { create: { width: w, height: h, channels: 3 as const, background: '#303030' } }, left, top }] : [];
  });
  const out = format ?? (own === 'jpeg' || own === 'png' ? own : 'webp');
  return image.composite(covers).toFormat(out, out === 'jpeg' ? { quality: 80 } : {}).toBuffer();
}

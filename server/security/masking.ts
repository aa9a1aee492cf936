/**
 * Personal identifiers hidden from roles that may not see them: PESEL numbers (11 digits with a
 * valid birth date and check digit, also written with spaces, e.g. "850101 12345") and Polish
 * identity-card numbers (3 letters + 6 digits with a valid check digit, e.g. "ABA 300000").
 *
 * Masking keeps the length: every character of a found identifier becomes `•` (one UTF-16 unit,
 * like the digits and letters it replaces), so citation offsets, `quote === text.slice(start, end)`
 * and word boxes still line up with the masked page text. Which roles see identifiers is
 * configuration (`KWERENDA_PESEL_VISIBLE_ROLES`); everyone else gets masked text everywhere text is
 * shown: search results, stored searches (masked before they are recorded, so a supervisor later
 * sees exactly what the clerk saw), documents, metadata and pages.
 *
 * Page images are covered where the page's words hold an identifier (`coverBoxes`); the original
 * file is the scan itself and is NOT masked.
 */
import sharp from 'sharp';
import type { Role } from '../store/users.js';

export const MASK_CHAR = '•';

export type IdentifierKind = 'pesel' | 'id_card';

/** Where an identifier sits in a text: `text.slice(start, end)`. */
export interface IdentifierSpan {
  kind: IdentifierKind;
  start: number;
  end: number;
}

const PESEL_WEIGHTS = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
const ID_CARD_WEIGHTS = [7, 3, 1, 9, 7, 3, 1, 7, 3];

/** The month field of a PESEL carries the century: +80 → 1800s, +0 → 1900s, +20 → 2000s, +40, +60. */
const CENTURY_BY_OFFSET: Record<number, number> = { 80: 1800, 0: 1900, 20: 2000, 40: 2100, 60: 2200 };

function validBirthDate(digits: string): boolean {
  const yy = Number(digits.slice(0, 2));
  const mmRaw = Number(digits.slice(2, 4));
  const dd = Number(digits.slice(4, 6));
  const offset = Math.floor(mmRaw / 20) * 20;
  const century = CENTURY_BY_OFFSET[offset];
  const month = mmRaw - offset;
  if (century === undefined || month < 1 || month > 12) return false;
  const daysInMonth = new Date(Date.UTC(century + yy, month, 0)).getUTCDate();
  return dd >= 1 && dd <= daysInMonth;
}

/** 11 digits (nothing else) with a valid birth date and check digit. */
export function isValidPesel(digits: string): boolean {
  if (!/^\d{11}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += Number(digits[i]) * PESEL_WEIGHTS[i]!;
  return (10 - (sum % 10)) % 10 === Number(digits[10]) && validBirthDate(digits);
}

/** 3 capital letters + 6 digits (no space) whose weighted sum, the check digit included, is 0 mod 10. */
export function isValidIdCard(value: string): boolean {
  if (!/^[A-Z]{3}\d{6}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const c = value.charCodeAt(i);
    const v = i < 3 ? c - 55 : c - 48; // A=10 … Z=35
    sum += v * ID_CARD_WEIGHTS[i]!;
  }
  return sum % 10 === 0;
}

// Digits may be separated by single spaces (forms with one box per digit, OCR of grouped numbers),
// but the run must stand alone: a digit right before or after (even across one space) means it is
// part of a longer number — an account number, a table row — not a PESEL. Letters around it are
// fine ("PESEL:85010112345").
const SPACE = '[ \\u00a0\\u2009\\u202f]';
const PESEL_SPACED = new RegExp(`(?<!\\d${SPACE}?)\\d(?:${SPACE}?\\d){10}(?!${SPACE}?\\d)`, 'g');
// A contiguous 11-digit run right after another number ("ur. 1985 85010112345") is still a PESEL.
const PESEL_PLAIN = /(?<!\d)\d{11}(?!\d)/g;
const ID_CARD = new RegExp(`(?<![\\p{L}\\p{N}])[A-Z]{3}${SPACE}?\\d{6}(?![\\p{L}\\p{N}])`, 'gu');

/** Every PESEL and identity-card number in `text`, in order, not overlapping. */
export function findIdentifiers(text: string): IdentifierSpan[] {
  const found: IdentifierSpan[] = [];
  const scan = (re: RegExp, kind: IdentifierKind, valid: (compact: string) => boolean) => {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (valid(m[0].replace(/\s/g, ''))) found.push({ kind, start: m.index, end: m.index + m[0].length });
    }
  };
  scan(PESEL_PLAIN, 'pesel', isValidPesel);
  scan(PESEL_SPACED, 'pesel', isValidPesel);
  scan(ID_CARD, 'id_card', isValidIdCard);
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: IdentifierSpan[] = [];
  for (const s of found) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

export function hasIdentifier(text: string): boolean {
  return findIdentifiers(text).length > 0;
}

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

/** Boxes of the words that overlap an identifier in the page text. */
export function identifierBoxes(page: { text: string; words: { start: number; end: number; box: NormalisedBox }[] }): NormalisedBox[] {
  const spans = findIdentifiers(page.text);
  return page.words.filter((w) => spans.some((s) => w.start < s.end && s.start < w.end)).map((w) => w.box);
}

/**
 * The page image with solid boxes over `boxes` (a little wider than the word, so no stroke of a
 * digit shows), in the image's own format. Solid, not blurred: a blurred digit can still be read.
 */
export async function coverBoxes(file: string, boxes: readonly NormalisedBox[]): Promise<Buffer> {
  const image = sharp(file);
  const { width = 0, height = 0, format } = await image.metadata();
  const pad = Math.max(2, Math.round(height * 0.003));
  const covers = boxes.flatMap((b) => {
    const left = Math.max(0, Math.floor(b.x0 * width) - pad);
    const top = Math.max(0, Math.floor(b.y0 * height) - pad);
    const w = Math.min(width, Math.ceil(b.x1 * width) + pad) - left;
    const h = Math.min(height, Math.ceil(b.y1 * height) + pad) - top;
    return w > 0 && h > 0 ? [{ input: { create: { width: w, height: h, channels: 3 as const, background: '#303030' } }, left, top }] : [];
  });
  return image.composite(covers).toFormat(format === 'jpeg' || format === 'png' ? format : 'webp').toBuffer();
}

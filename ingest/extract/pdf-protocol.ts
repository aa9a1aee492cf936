/** Messages between the ingest process and its PDF worker thread. */
import type { RawWord } from '../types.js';

/** A PDF page with fewer text-layer characters than this may be a scan that needs OCR. */
export const SHORT_TEXT_CHARS = 16;

/**
 * Pages per window when a large PDF is read a window at a time (pdf-windowed.ts). Measured on
 * 300 distinct full-page JPEGs (text layers only): peak RSS 127 MB with 16, 152 MB with 32, 284 MB
 * unwindowed; ~0.05 s per reopen.
 */
export const DEFAULT_WINDOW_PAGES = 16;

export type PdfRequest =
  | { id: number; op: 'open'; data: Uint8Array; passwords: string[]; maxImagePixels: number }
  /**
   * A large file read a window of pages at a time (pdf-windowed.ts) from a descriptor the ingest
   * thread opened and closes: the worker never holds the whole file.
   */
  | { id: number; op: 'open-windowed'; fd: number; length: number; windowPages: number; passwords: string[]; maxImagePixels: number }
  | { id: number; op: 'text'; page: number }
  | { id: number; op: 'image'; page: number; dpi: number; maxPixels: number; /** Skip the embedded-image fast path. */ render?: boolean }
  | { id: number; op: 'close' };

export interface PdfTextPage {
  /** Page size in PDF points after /Rotate. */
  width: number;
  height: number;
  rotate: number;
  /** Words of the text layer with boxes normalised to the page (0..1, top-left origin). */
  words: RawWord[];
  /** Non-whitespace characters in the text layer. */
  chars: number;
  /** Whether the page paints any image; checked only for pages with a little text (costly). */
  hasImages?: boolean;
}

export type PdfImage =
  | { kind: 'encoded'; format: 'jpeg' | 'tiff' | 'png'; data: Uint8Array; dpi: number; rotate: number }
  /**
   * Pixels: the page rendered (4 channels, upright), or in windowed mode the page's embedded image
   * as pdf.js decodes it (`embedded`; 1 or 3 channels, to be turned clockwise by `rotate`).
   */
  | { kind: 'raw'; data: Uint8Array; width: number; height: number; channels: 1 | 3 | 4; dpi: number; rotate?: number; embedded?: boolean }
  | { kind: 'rejected'; reason: string };

export type PdfReply =
  | { id: number; ok: true; pageCount?: number; text?: PdfTextPage; image?: PdfImage; /** Windowed mode: documents opened so far. */ opens?: number }
  | { id: number; ok: false; code: 'encrypted' | 'corrupt' | 'empty' | 'too_large' | 'internal'; detail: string };

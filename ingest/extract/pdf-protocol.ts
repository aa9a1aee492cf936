/** Messages between the ingest process and its PDF worker thread. */
import type { RawWord } from '../types.js';

/** A PDF page with fewer text-layer characters than this may be a scan that needs OCR. */
export const SHORT_TEXT_CHARS = 16;

export type PdfRequest =
  | { id: number; op: 'open'; data: Uint8Array; passwords: string[]; maxImagePixels: number }
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
  | { kind: 'raw'; data: Uint8Array; width: number; height: number; channels: 4; dpi: number }
  | { kind: 'rejected'; reason: string };

export type PdfReply =
  | { id: number; ok: true; pageCount?: number; text?: PdfTextPage; image?: PdfImage }
  | { id: number; ok: false; code: 'encrypted' | 'corrupt' | 'empty' | 'too_large' | 'internal'; detail: string };

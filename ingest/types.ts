/**
 * Types shared by every ingest stage. A page's `text` is the single source of truth for
 * citations: every offset (word, chunk, metadata span) is a UTF-16 index into it.
 */

/** A bounding box normalised to the page: 0..1 from the top-left corner. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** One recognised or extracted word, before it is placed into page text. */
export interface RawWord {
  text: string;
  box: Box;
  /** 0..100 for OCR; 100 for a text layer. */
  confidence: number;
  /** Index of the text line the engine put it in (OCR) or a synthetic line id (text layer). */
  line: number;
  /** Block / paragraph id from the engine, when known (OCR). */
  block?: number;
}

/** A word placed in page text: `text === pageText.slice(start, end)` always holds. */
export interface Word {
  start: number;
  end: number;
  box: Box;
  confidence: number;
  /**
   * Set when `box` is an estimate: the word was cut from a longer text run in proportion to its
   * characters (a text layer without glyph advances). The box of the whole run, which surely holds it.
   */
  run?: Box;
}

export type PageSource = 'text-layer' | 'ocr' | 'empty';

/** What was done to a page image before and during OCR, kept for the records. */
export interface PageCorrections {
  /** Clockwise degrees the image was turned to make it upright. */
  rotation?: 0 | 90 | 180 | 270;
  /** Small skew corrected (image turned by this many degrees), degrees. */
  deskew?: number;
  /** Skew measured on the final recognition pass, degrees. */
  skew?: number;
  /** How the image was obtained: the embedded image was used directly, or the page was rendered. */
  image?: 'embedded' | 'rendered' | 'file';
  /** Preprocessing steps in order, e.g. ["grayscale", "median3", "normalise"]. */
  preprocess?: string[];
  /**
   * The cheap orientation pre-check before the first recognition (ingest/extract/orientation.ts):
   * its verdict and, when `turned`, the clockwise turn it proposed (applied only when OSD agreed).
   */
  precheck?: { verdict: 'upright' | 'turned' | 'unsure'; degrees?: 0 | 90 | 180 | 270 };
  /** Orientation detection was run (and its confidence). */
  osd?: { degrees: number; confidence: number };
  /** Why the page was OCR'd again, if it was. */
  retried?: string;
  /** Source image scaled by this factor before OCR. */
  scale?: number;
  /** OCR engine that read the page: tesseract.js (`wasm`) or the native binary (`native`). */
  engine?: 'wasm' | 'native' | 'remote';
  /** The Polish model, when not the bundled best_int: `system` (the native installation's own, KWERENDA_OCR_MODEL). */
  model?: 'system';
}

export interface PageResult {
  /** 1-based page number within the document. */
  page: number;
  text: string;
  words: Word[];
  source: PageSource;
  /** Mean word confidence 0..100 (OCR) or null (text layer / empty). */
  confidence: number | null;
  corrections: PageCorrections;
  /** Page size in the units of its source (PDF points or image pixels). */
  width: number;
  height: number;
  /** Seconds spent on the page (all stages). */
  seconds?: number;
}

export type MetaKind =
  | 'caseNumber'
  | 'references'
  | 'docType'
  | 'date'
  | 'parcel'
  | 'address'
  | 'investor'
  /** The court or organ that issued the document ("Naczelny Sąd Administracyjny", "Prezydent Wrocławia"). */
  | 'issuer'
  /** The result of a ruling, decision or supervisory act ("oddala skargę", "udziela pozwolenia na budowę"). */
  | 'outcome';

/**
 * A metadata value with provenance. `page`/`start`/`end` locate `raw` in the stored page text
 * (`raw === pageText.slice(start, end)`); values from the folder name or the command line have
 * `page: null` and `origin` saying so.
 */
export interface MetaValue {
  kind: MetaKind;
  /** Normalised value, e.g. "WUA-ZRB.6740.1.123.2019", "2019-03-14", "45/7", "decyzja". */
  value: string;
  raw: string;
  page: number | null;
  start: number | null;
  end: number | null;
  /**
   * 'dms': from the document management system's sidecar (ingest/dms.ts); wins over 'text'.
   * 'llm': proposed by the configured model for a field the rules left unknown, kept only because
   * its `raw` was found exactly at `start..end` of the page text.
   */
  origin: 'text' | 'folder' | 'cli' | 'dms' | 'llm';
  /** Kind-specific details: parcel {obreb, arkusz}, address {street, number, city}, date {role}. */
  extra?: Record<string, string>;
}

/** A page-aware chunk: `text === pages[page].text.slice(start, end)`. */
export interface Chunk {
  page: number;
  start: number;
  end: number;
  text: string;
}

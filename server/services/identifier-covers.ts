/**
 * Where to cover personal identifiers on a page image, for roles that may not see them.
 *
 * OCR pages: the stored word boxes are the recognised words' own. Text-layer PDF pages: the stored
 * boxes of pages ingested before word boxes came from glyph advances are estimates (a run cut in
 * proportion to its characters lands a few characters beside a PESEL), and nothing stored tells
 * them apart — so the boxes are taken from the text layer as pdf.js reads it now (the same pdf.js
 * that renders the image), the words it still cannot place covered by their whole run. When that
 * reading fails, or finds fewer identifiers than the stored text, whole lines of the stored page
 * are covered: an image never shows what the page text masks.
 */
import { layoutPage } from '../../ingest/text/layout.js';
import type { PdfTextPage } from '../../ingest/extract/pdf-protocol.js';
import { findIdentifiers } from '../security/identifiers.js';
import { identifierBoxes, identifierLineBoxes, type NormalisedBox } from '../security/masking.js';

/** A stored page, as the document service reads it. */
export interface StoredPage {
  text: string;
  words: readonly { start: number; end: number; box: NormalisedBox }[];
  source: string;
}

export interface TextLayers {
  /** The page's text layer read afresh, or null when the page has none to read (see PageImageService). */
  textLayer(documentId: number, page: number): Promise<PdfTextPage | null>;
}

/** Pages whose covers were worked out from a fresh reading, kept: an original never changes. */
const CACHED_PAGES = 512;

export class IdentifierCovers {
  private readonly cache = new Map<string, NormalisedBox[]>();

  constructor(private readonly layers: TextLayers) {}

  /** Boxes to cover on the image of page `page` of document `documentId`; empty when it holds no identifier. */
  async boxes(documentId: number, page: number, stored: StoredPage): Promise<NormalisedBox[]> {
    const expected = findIdentifiers(stored.text).length;
    if (expected === 0) return [];
    if (stored.source === 'ocr') return identifierBoxes(stored);
    const key = `${documentId}:${page}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    let fresh: PdfTextPage | null = null;
    try {
      fresh = await this.layers.textLayer(documentId, page);
    } catch {
      fresh = null; // reported by the image request itself if the original is unreadable
    }
    if (!fresh) return identifierLineBoxes(stored);
    const laid = layoutPage(fresh.words);
    const exact = identifierBoxes(laid);
    const boxes = findIdentifiers(laid.text).length >= expected ? exact : [...exact, ...identifierLineBoxes(stored)];
    if (this.cache.size >= CACHED_PAGES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, boxes);
    return boxes;
  }
}

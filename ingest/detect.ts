/**
 * Content-based file type detection for ingest. The file name / extension is never consulted:
 * archive folders contain renamed, mislabelled and truncated files.
 */
import { open, stat } from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type';

export type DetectedKind = 'pdf' | 'tiff' | 'jpeg' | 'png' | 'unsupported';

export interface Detected {
  kind: DetectedKind;
  /** MIME type from the content, or null when it could not be named (empty / unknown binary). */
  mime: string | null;
  /** Human-readable description for logs and the ingest report. */
  description: string;
}

/** How far into the file '%PDF-' may start (pdf.js and Acrobat accept leading junk up to 1 KiB). */
const PDF_HEADER_WINDOW = 1024;
/** Bytes sampled for the %PDF- search and the plain-text heuristic. */
const HEAD_BYTES = 64 * 1024;

/** Formats we recognise but cannot ingest yet; said explicitly so the report is actionable. */
const NOT_YET: Record<string, string> = {
  'image/jp2': 'JPEG 2000 image',
  'image/jpx': 'JPEG 2000 image',
  'image/jpm': 'JPEG 2000 image',
  'image/j2c': 'JPEG 2000 codestream',
  'image/webp': 'WebP image',
  'image/gif': 'GIF image',
  'image/bmp': 'BMP image',
  'image/heic': 'HEIC image',
  'image/heif': 'HEIF image',
  'image/avif': 'AVIF image',
  'image/jxl': 'JPEG XL image',
};

/** Friendly names for common non-image documents that end up in scan folders. */
const NAMES: Record<string, string> = {
  'application/vnd.oasis.opendocument.text': 'OpenDocument text',
  'application/vnd.oasis.opendocument.spreadsheet': 'OpenDocument spreadsheet',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word document (DOCX)',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel workbook (XLSX)',
  'application/x-cfb': 'OLE compound document (old MS Office: DOC/XLS)',
  'application/msword': 'Word document (DOC)',
  'application/zip': 'ZIP archive',
  'application/x-rar-compressed': 'RAR archive',
  'application/x-7z-compressed': '7-Zip archive',
  'application/rtf': 'RTF document',
  'application/postscript': 'PostScript document',
  'image/vnd.djvu': 'DjVu document',
  'application/xml': 'XML document',
};

export async function detectType(filePath: string): Promise<Detected> {
  const size = (await stat(filePath)).size;
  if (size === 0) return unsupported(null, 'pusty plik');
  const head = await readHead(filePath, Math.min(size, HEAD_BYTES));
  const ft = await fileTypeFromFile(filePath);
  const pdfAt = findPdfHeader(head);

  // Adobe Illustrator files are PDFs too (file-type names them 'ai').
  if (ft?.mime === 'application/pdf' || (pdfAt >= 0 && (ft === undefined || ft.ext === 'ai'))) {
    const junk = pdfAt > 0 ? ` (${pdfAt} bajtów śmieci przed %PDF-)` : '';
    return { kind: 'pdf', mime: 'application/pdf', description: `dokument PDF${junk}` };
  }
  if (ft) {
    switch (ft.mime) {
      case 'image/tiff':
        return { kind: 'tiff', mime: ft.mime, description: 'obraz TIFF' };
      case 'image/jpeg':
        return { kind: 'jpeg', mime: ft.mime, description: 'obraz JPEG' };
      case 'image/png':
      case 'image/apng':
        // An APNG's default image is an ordinary PNG image; decoders show its first frame.
        return { kind: 'png', mime: ft.mime, description: 'obraz PNG' };
    }
    const notYet = NOT_YET[ft.mime];
    if (notYet) return unsupported(ft.mime, `${notYet} (${ft.mime}): jeszcze nieobsługiwany`);
    const name = NAMES[ft.mime] ?? `plik ${ft.ext.toUpperCase()}`;
    return unsupported(ft.mime, `${name} (${ft.mime})`);
  }
  if (looksLikeText(head, head.length < size)) return unsupported('text/plain', 'zwykły tekst (text/plain)');
  if (hasPdfKeywords(head)) return unsupported(null, 'to nie jest PDF (brak nagłówka %PDF)');
  return unsupported(null, 'nieznane dane binarne');
}

function unsupported(mime: string | null, description: string): Detected {
  return { kind: 'unsupported', mime, description };
}

async function readHead(filePath: string, length: number): Promise<Buffer> {
  const fh = await open(filePath, 'r');
  try {
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await fh.read(buf, got, length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}

/** Offset of '%PDF-' within the first KiB, or -1. */
export function findPdfHeader(head: Uint8Array): number {
  const window = Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, PDF_HEADER_WINDOW + 5));
  const at = window.indexOf('%PDF-', 0, 'latin1');
  return at >= 0 && at <= PDF_HEADER_WINDOW ? at : -1;
}

/**
 * Plain text heuristic: valid UTF-8 (or UTF-16 with a BOM) without NUL bytes and almost no
 * C0 control characters. `truncated` allows a multi-byte sequence cut at the end of the sample.
 */
export function looksLikeText(sample: Uint8Array, truncated: boolean): boolean {
  if (sample.length >= 2 && ((sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff))) {
    return sample.length % 2 === 0 || truncated;
  }
  let controls = 0;
  for (const b of sample) {
    if (b === 0) return false;
    // Allowed: TAB LF VT FF CR, ESC (printer codes), SUB (old DOS end-of-file).
    if (b < 0x20 && b !== 9 && b !== 10 && b !== 11 && b !== 12 && b !== 13 && b !== 0x1a && b !== 0x1b) controls++;
  }
  if (controls > sample.length / 100) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: truncated });
    return true;
  } catch {
    return false;
  }
}

/** Binary data that is clearly PDF syntax (fuzzer output, a fragment) but has no header. */
function hasPdfKeywords(head: Buffer): boolean {
  const s = head.toString('latin1');
  let hits = 0;
  for (const k of ['trailer', 'endobj', ' obj', 'xref', '/Root', 'stream', '/Type']) if (s.includes(k)) hits++;
  return hits >= 2;
}

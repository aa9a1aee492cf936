/**
 * The file name a download is offered under. It comes from the uploaded name, so it is cleaned:
 * no path, no control or bidi characters, none of the characters file systems refuse, a bounded
 * length, and an extension that says what the content is (from the type detected at ingest), never
 * the one the uploader chose — a PDF uploaded as `x.html` downloads as `x.pdf`.
 */

const EXTENSIONS: Record<string, string> = {
  'application/pdf': '.pdf',
  'image/tiff': '.tif',
  'image/jpeg': '.jpg',
  'image/png': '.png',
};

/** Longest base name kept, in characters. */
const MAX_BASE = 120;

export function downloadName(uploaded: string, contentType: string, suffix = ''): string {
  const base = uploaded.split(/[\\/]/).pop() ?? '';
  let name = base
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/["*:<>?|]/g, '_')
    .replace(/\s+/gu, ' ')
    .trim();
  const dot = name.lastIndexOf('.');
  if (dot > 0) name = name.slice(0, dot);
  name = [...name].slice(0, MAX_BASE).join('').replace(/^[.\s]+|[.\s]+$/g, '');
  return `${name || 'dokument'}${suffix}${EXTENSIONS[contentType] ?? '.bin'}`;
}

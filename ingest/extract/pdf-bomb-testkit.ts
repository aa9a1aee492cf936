/**
 * Test helpers (used only by *.test.ts): PDFs whose streams inflate to far more than they weigh.
 *
 * A Flate stream of `bytes` zero bytes is built without ever holding them: one full-flushed
 * deflate segment of 16 MB of zeros (~16 KB) is repeated (each segment starts afresh, so copies
 * chain), then a final empty block and the zlib checksum close it.
 */
import zlib from 'node:zlib';

const SEGMENT = 16 * 1024 * 1024;

/** A zlib stream (/FlateDecode) that inflates to `bytes` zero bytes (a multiple of 16 MB). */
export function zeroBomb(bytes: number): Uint8Array {
  const segments = Math.ceil(bytes / SEGMENT);
  const segment = zlib.deflateRawSync(Buffer.alloc(SEGMENT), { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  const total = segments * SEGMENT;
  // Adler-32 of zeros: a stays 1, b adds 1 per byte.
  const adler = ((total % 65521) * 65536 + 1) >>> 0;
  const out = Buffer.alloc(2 + segment.length * segments + 2 + 4);
  out[0] = 0x78;
  out[1] = 0xda;
  for (let i = 0; i < segments; i++) segment.copy(out, 2 + i * segment.length);
  let at = 2 + segment.length * segments;
  out[at++] = 0x03; // final fixed-Huffman block holding only its end code
  out[at++] = 0x00;
  out.writeUInt32BE(adler, at);
  return out;
}

export interface BombObject {
  /** Dictionary entries, PDF syntax without the surrounding `<< >>`. */
  dict: string;
  /** Stream data, if the object is a stream. */
  stream?: Uint8Array;
}

/**
 * A PDF from numbered objects (1 = catalog, 2 = page tree, as the caller writes them), with a
 * correct cross-reference table.
 */
export function rawPdf(objects: BombObject[]): Uint8Array {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let size = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(size);
    const head = o.stream
      ? `${i + 1} 0 obj\n<< ${o.dict} /Length ${o.stream.length} >>\nstream\n`
      : `${i + 1} 0 obj\n<< ${o.dict} >>\n`;
    const chunk = [Buffer.from(head, 'latin1')];
    if (o.stream) chunk.push(Buffer.from(o.stream), Buffer.from('\nendstream\n', 'latin1'));
    chunk.push(Buffer.from('endobj\n', 'latin1'));
    for (const c of chunk) {
      parts.push(c);
      size += c.length;
    }
  });
  const xref = [`xref\n0 ${objects.length + 1}\n`, '0000000000 65535 f \n'];
  for (const off of offsets) xref.push(`${String(off).padStart(10, '0')} 00000 n \n`);
  xref.push(`trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${size}\n%%EOF\n`);
  parts.push(Buffer.from(xref.join(''), 'latin1'));
  return Buffer.concat(parts);
}

const FONT = '/Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding';

/** A text line in a content stream (Helvetica as /F1). */
export function textOp(text: string, y = 700): string {
  return `BT /F1 12 Tf 72 ${y} Td (${text}) Tj ET`;
}

/**
 * Pages, each given by its content streams (several make a /Contents array; a stream that starts
 * with a zlib header, as zeroBomb's do, is marked /FlateDecode) and optional XObjects by name.
 * Fonts: /F1 is Helvetica.
 */
export function bombPdf(
  pages: Array<{ contents: Uint8Array[]; images?: Record<string, BombObject> }>,
): Uint8Array {
  const objects: BombObject[] = [{ dict: '/Type /Catalog /Pages 2 0 R' }, { dict: '' }, { dict: FONT }];
  const kids: number[] = [];
  for (const p of pages) {
    const contentIds = p.contents.map((c) => {
      objects.push({ dict: c.length && c[0] === 0x78 ? '/Filter /FlateDecode' : '', stream: c });
      return objects.length;
    });
    const xobjects = Object.entries(p.images ?? {}).map(([name, img]) => {
      objects.push(img);
      return `/${name} ${objects.length} 0 R`;
    });
    const contents = contentIds.length === 1 ? `${contentIds[0]} 0 R` : `[${contentIds.map((id) => `${id} 0 R`).join(' ')}]`;
    objects.push({
      dict:
        `/Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents ${contents} ` +
        `/Resources << /Font << /F1 3 0 R >> /XObject << ${xobjects.join(' ')} >> >>`,
    });
    kids.push(objects.length);
  }
  objects[1] = { dict: `/Type /Pages /Count ${kids.length} /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}]` };
  return rawPdf(objects);
}

/** Plain (unfiltered) content-stream bytes. */
export function plain(content: string): Uint8Array {
  return Buffer.from(content, 'latin1');
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectType } from './detect.js';

/** A small valid PDF with one empty page. */
const smallPdf = async () => Buffer.from(await (await PDFDocument.create()).addPage([200, 200]).doc.save());

describe('detectType on synthetic files', () => {
  let dir: string;
  const put = (name: string, data: Uint8Array | string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, data);
    return p;
  };
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kwerenda-detect-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('empty file', async () => {
    expect(await detectType(put('empty.pdf', ''))).toEqual({ kind: 'unsupported', mime: null, description: 'pusty plik' });
  });

  it('ignores the extension: a PNG named .pdf and a PDF named .jpg', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).png().toBuffer();
    expect((await detectType(put('scan.pdf', png))).kind).toBe('png');
    expect((await detectType(put('scan.jpg', await smallPdf()))).kind).toBe('pdf');
  });

  it('JPEG and TIFF from sharp', async () => {
    const img = sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } });
    expect((await detectType(put('a.bin', await img.clone().jpeg().toBuffer()))).kind).toBe('jpeg');
    expect((await detectType(put('b.bin', await img.clone().tiff().toBuffer()))).kind).toBe('tiff');
  });

  it('junk before %PDF- within 1 KiB is a PDF; beyond 1 KiB it is not', async () => {
    const pdf = await smallPdf();
    const near = await detectType(put('near.pdf', Buffer.concat([Buffer.from('x'.repeat(1000)), pdf])));
    expect(near.kind).toBe('pdf');
    expect(near.description).toContain('1000 bajtów śmieci');
    const far = await detectType(put('far.pdf', Buffer.concat([Buffer.from('x'.repeat(2000)), pdf])));
    expect(far.kind).toBe('unsupported');
  });

  it('Polish UTF-8 text is text/plain; binary noise is not', async () => {
    const txt = await detectType(put('notatka.pdf', 'Decyzja o pozwoleniu na budowę, działka nr 45/7, obręb Śródmieście.\n'));
    expect(txt).toEqual({ kind: 'unsupported', mime: 'text/plain', description: 'zwykły tekst (text/plain)' });
    const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    const bin = await detectType(put('noise.pdf', noise));
    expect(bin.kind).toBe('unsupported');
    expect(bin.mime).toBeNull();
    expect(bin.description).toBe('nieznane dane binarne');
  });

  it('GIF / WebP / BMP / JPEG 2000 are recognised but not supported yet', async () => {
    const img = sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } });
    const bmp = Buffer.alloc(70);
    bmp.write('BM', 0, 'latin1');
    bmp.writeUInt32LE(70, 2);
    bmp.writeUInt32LE(54, 10);
    bmp.writeUInt32LE(40, 14);
    const jp2 = Buffer.from('0000000c6a5020200d0a870a00000014667479706a703220000000006a703220', 'hex');
    const cases: [string, Buffer, string][] = [
      ['gif', await img.clone().gif().toBuffer(), 'image/gif'],
      ['webp', await img.clone().webp().toBuffer(), 'image/webp'],
      ['bmp', bmp, 'image/bmp'],
      ['jp2', jp2, 'image/jp2'],
    ];
    for (const [name, data, mime] of cases) {
      const got = await detectType(put(`${name}.pdf`, data));
      expect(got, name).toMatchObject({ kind: 'unsupported', mime });
      expect(got.description).toContain('jeszcze nieobsługiwany');
    }
  });
});

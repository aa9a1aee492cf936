/**
 * Reading an image the way a person with OCR would: native tesseract with its Polish model, the
 * image scaled up twice first (viewer images are ~110 DPI). For tests that check what a served image
 * lets anyone read.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { tempDir } from './paths.js';

export async function ocrImage(image: Buffer): Promise<string> {
  const dir = tempDir('ocr');
  try {
    const meta = await sharp(image).metadata();
    const file = path.join(dir, 'page.png');
    await sharp(image).resize({ width: (meta.width ?? 1000) * 2 }).greyscale().png().withMetadata({ density: 220 }).toFile(file);
    const r = spawnSync('tesseract', [file, 'stdout', '-l', 'pol', '--psm', '4'], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
    });
    if (r.status !== 0) throw new Error(`tesseract failed: ${r.stderr}`);
    return r.stdout;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStaging, cutToBytes, fitName, NAME_MAX_BYTES, safeSegments, sweepStaging } from './upload-staging.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kwerenda-staging-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('names cut to the filesystem limit', () => {
  it('cuts by UTF-8 bytes, never inside a character, and keeps the extension', () => {
    const cjk = '檔'.repeat(100); // 300 bytes in UTF-8, 100 UTF-16 units
    const cut = fitName(`${cjk}.pdf`);
    expect(bytes(cut)).toBeLessThanOrEqual(NAME_MAX_BYTES);
    expect(cut).toBe('檔'.repeat(83) + '.pdf');
    expect(cutToBytes('żółw🇵🇱x', 9)).toBe('żółw'); // the flag (8 bytes, two code points) is one character
    expect(cutToBytes('żółw', 5)).toBe('żó');
    expect(cutToBytes('ab🇵🇱', 5)).toBe('ab');
    expect(fitName('krótka.pdf')).toBe('krótka.pdf');
    expect(bytes(fitName(`${cjk}.pdf`, ' (12)'))).toBeLessThanOrEqual(NAME_MAX_BYTES);
    expect(fitName(`${cjk}.pdf`, ' (12)').endsWith(' (12).pdf')).toBe(true);
  });

  it('makes every segment of a browser-given path safe and short enough', () => {
    const long = 'ą'.repeat(200);
    const segs = safeSegments(`../${long}/../${long}.tif`)!;
    expect(segs.every((s) => bytes(s) <= NAME_MAX_BYTES && s !== '..')).toBe(true);
    expect(segs[segs.length - 1]!.endsWith('.tif')).toBe(true);
    expect(safeSegments('/../..')).toBeNull();
  });
});

describe('a staging folder', () => {
  it('gives a file and a folder of the same name in one upload distinct places, either way round', () => {
    const s = createStaging(tmp());
    const file = s.pathFor('x.pdf');
    fs.writeFileSync(file, '1');
    const inFolder = s.pathFor('x.pdf/y.pdf');
    fs.writeFileSync(inFolder, '2');
    const again = s.pathFor('x.pdf/z.pdf'); // the same (renamed) folder as y.pdf
    expect(path.dirname(again)).toBe(path.dirname(inFolder));
    expect(path.relative(s.dir, inFolder)).toBe(path.join('x (2).pdf', 'y.pdf'));

    const first = s.pathFor('d.pdf/e.pdf');
    fs.writeFileSync(first, '3');
    expect(path.relative(s.dir, s.pathFor('d.pdf'))).toBe('d (2).pdf');
    // Two long folder names that cut alike stay two folders.
    const a = s.pathFor(`${'檔'.repeat(100)}a/1.pdf`);
    const b = s.pathFor(`${'檔'.repeat(100)}b/1.pdf`);
    expect(path.dirname(a)).not.toBe(path.dirname(b));
    for (const p of [a, b]) for (const seg of path.relative(s.dir, p).split(path.sep)) expect(bytes(seg)).toBeLessThanOrEqual(NAME_MAX_BYTES);
  });

  it('a sweep keeps the files named to keep and what a live upload elsewhere stages, and removes the rest', () => {
    const root = tmp();
    // An upload of a process that died (pid 2^22 + 1 is above Linux's pid_max default) on this host.
    const mine = createStaging(root).dir;
    const dead = path.join(root, path.basename(mine).replace(/^\d+-/, '4194305-'));
    fs.renameSync(mine, dead);
    const old = path.join(root, 'po-awarii');
    for (const d of [path.join(dead, 'teczka'), old]) fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(dead, 'teczka', 'pol.pdf'), 'x');
    fs.writeFileSync(path.join(old, 'do-ponowienia.pdf'), 'x');
    fs.writeFileSync(path.join(old, 'juz-w-archiwum.pdf'), 'x');
    // Another host's upload (the host tag differs): cannot tell whether it is alive, so it stays.
    const other = path.join(root, `1-ffffffff-00000000-0000-0000-0000-000000000000`);
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'w-toku.pdf'), 'x');

    expect(sweepStaging(root, new Set([path.join(old, 'do-ponowienia.pdf')]))).toBe(2);
    expect(fs.readdirSync(root).sort()).toEqual([path.basename(other), 'po-awarii']);
    expect(fs.readdirSync(old)).toEqual(['do-ponowienia.pdf']);
  });
});

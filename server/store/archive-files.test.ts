import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/paths.js';
import { copyFileAtomic } from './archive.js';

describe('copyFileAtomic: the archive keeps its own private copy of an original', () => {
  const dir = tempDir('archive-copy');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stores a world-readable source file readable by its owner only, with the same bytes', () => {
    const source = path.join(dir, 'skan.pdf');
    fs.writeFileSync(source, 'PESEL 85010112345', { mode: 0o644 });
    fs.chmodSync(source, 0o644);
    const target = path.join(dir, 'files', 'ab', 'abcd');
    copyFileAtomic(source, target);
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(target, 'utf8')).toBe('PESEL 85010112345');
    expect(fs.readdirSync(path.dirname(target))).toEqual(['abcd']);
  });
});

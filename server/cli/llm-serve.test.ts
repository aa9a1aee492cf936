import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'bin', 'kwerenda.js');

function llmServe(...args: string[]) {
  return spawnSync(process.execPath, [cli, 'llm-serve', ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('kwerenda llm-serve with a bad model file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kwerenda-llm-serve-'));

  it('exits 2 with a Polish message and no stack trace when the file does not exist', () => {
    const missing = path.join(dir, 'bielik.gguf');
    const r = llmServe('--model', missing, '--port', '0');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`Błąd: nie ma pliku modelu ${missing}\n`);
    expect(r.stdout).toBe('');
  });

  it('exits 2 when the file is not a GGUF, before loading anything', () => {
    const notGguf = path.join(dir, 'model.gguf');
    fs.writeFileSync(notGguf, '{"weights": "none"}');
    const r = llmServe('--model', notGguf);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('nie jest plikiem modelu GGUF');
    expect(r.stderr).not.toContain('    at ');
  });

  it('exits 2 for a directory and for an empty file', () => {
    const empty = path.join(dir, 'empty.gguf');
    fs.writeFileSync(empty, '');
    expect(llmServe('--model', dir).stderr).toContain('jest katalogiem');
    const r = llmServe('--model', empty);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('nie jest plikiem modelu GGUF');
  });

  it('exits 2 for a file with the GGUF magic that llama.cpp cannot load, saying it could not be loaded', () => {
    const broken = path.join(dir, 'broken.gguf');
    fs.writeFileSync(broken, Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(60, 0xff)]));
    const r = llmServe('--model', broken, '--port', '0');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('nie udało się wczytać modelu');
    expect(r.stderr).not.toContain('    at ');
    expect(r.stdout.trimEnd().split('\n').at(-1)).not.toContain('http://');
  });
});

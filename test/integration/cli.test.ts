/**
 * The `kwerenda ingest` command as records staff run it: exit codes, the failure summary, bad
 * arguments and configuration, and --watch picking up files only once they are fully copied.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, repoRoot, sampleDir, tempDir } from '../helpers/paths.js';

const env = { ...process.env, KWERENDA_PROGRESS: 'lines' };
const dirs: string[] = [];
const dir = (p: string) => {
  const d = tempDir(p);
  dirs.push(d);
  return d;
};
const run = (args: string[], extraEnv: Record<string, string> = {}) =>
  spawnSync(process.execPath, [cliPath, ...args], { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 300_000 });

afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('kwerenda ingest', () => {
  it('exits 1 and lists each bad file with its reason, after ingesting the good ones', () => {
    const input = dir('mixed');
    for (const f of fs.readdirSync(path.join(repoRoot, 'fixtures', 'sample-bad'))) {
      fs.copyFileSync(path.join(repoRoot, 'fixtures', 'sample-bad', f), path.join(input, f));
    }
    const good = path.join(sampleDir, 'nieprzypisane', 'pelnomocnictwo_bez_znaku.pdf');
    fs.copyFileSync(good, path.join(input, 'dobry.pdf'));
    const r = run(['ingest', input, '--data', dir('data')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('dodano 1');
    expect(r.stdout).toContain('błędy 2');
    expect(r.stdout).toMatch(/notatka\.pdf\s+.*nieobsługiwany typ pliku: .*text/);
    expect(r.stdout).toMatch(/decyzja_ucięta\.pdf\s+.*(uszkodzony|nieprawidłowa)/);
  });

  it('exits 0 when every file is ingested, and again when all are already present', () => {
    const data = dir('data');
    const file = path.join(sampleDir, 'nieprzypisane', 'pelnomocnictwo_bez_znaku.pdf');
    expect(run(['ingest', file, '--data', data]).status).toBe(0);
    const again = run(['ingest', file, '--data', data]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('już w archiwum 1');
  });

  it('--case gives every file the case signature the records clerk names', () => {
    const data = dir('data');
    const file = path.join(sampleDir, 'nieprzypisane', 'pelnomocnictwo_bez_znaku.pdf');
    expect(run(['ingest', file, '--data', data, '--case', 'WUA-ZRB.6740.1.999.2020']).status).toBe(0);
    const db = new Database(path.join(data, 'kwerenda.db'), { readonly: true });
    expect(db.prepare('SELECT case_number FROM documents').get()).toEqual({ case_number: 'WUA-ZRB.6740.1.999.2020' });
    db.close();
  });

  it('answers bad arguments and bad configuration with a readable error, not a stack trace', () => {
    const badWorkers = run(['ingest', sampleDir, '--workers', '0', '--data', dir('d')]);
    expect(badWorkers.status).toBe(2);
    expect(badWorkers.stderr).toContain('od 1 do 64');
    const badEnv = run(['ingest', sampleDir, '--data', dir('d')], { KWERENDA_PAGE_TIMEOUT_S: 'soon', KWERENDA_BACKEND: 'x' });
    expect(badEnv.status).toBe(2);
    expect(badEnv.stderr).toContain('KWERENDA_PAGE_TIMEOUT_S');
    expect(badEnv.stderr).toContain('KWERENDA_BACKEND');
    expect(badEnv.stderr).not.toMatch(/at .*\.js:\d+/);
    const missing = run(['ingest', '/nonexistent/folder', '--data', dir('d')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('ścieżka nie istnieje');
  });

  it('reindex: explains itself on the embedded archive, and stops readably (no password) when Elasticsearch cannot be reached', () => {
    const embedded = run(['reindex', '--data', dir('r')]);
    expect(embedded.status).toBe(2);
    expect(embedded.stderr).toContain('dotyczy archiwum w Elasticsearch');
    // A port nothing listens on: the start fails before anything is written to the cluster.
    const down = run(['reindex', '--data', dir('r')], { KWERENDA_BACKEND: 'elasticsearch', ELASTICSEARCH_URL: 'http://kwerenda:tajne-haslo@127.0.0.1:9' });
    expect(down.status).not.toBe(0);
    expect(down.stderr).toContain('Elasticsearch http://127.0.0.1:9 nie jest dostępny: brak połączenia');
    expect(down.stderr + down.stdout).not.toContain('tajne');
    expect(down.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('--watch takes a file only once it has stopped growing, takes a replaced file again, and stops cleanly on Ctrl+C', async () => {
    const watched = dir('watched');
    const data = dir('data');
    const child = spawn(process.execPath, [cliPath, 'ingest', watched, '--data', data, '--watch'], {
      env: { ...env, KWERENDA_WATCH_INTERVAL_S: '0.3', KWERENDA_WATCH_SETTLE_S: '1.5' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const source = fs.readFileSync(path.join(sampleDir, 'nieprzypisane', 'pelnomocnictwo_bez_znaku.pdf'));
    const target = path.join(watched, 'kopiowany.pdf');
    // A slow copy: half the bytes, a pause shorter than the settle time, then the rest.
    fs.writeFileSync(target, source.subarray(0, source.length >> 1));
    await new Promise((r) => setTimeout(r, 900));
    fs.appendFileSync(target, source.subarray(source.length >> 1));
    const added = () => out.split('dodano kopiowany.pdf').length - 1;
    const waitFor = async (n: number) => {
      const deadline = Date.now() + 120_000;
      while (added() < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    };
    await waitFor(1);
    // The same name replaced by a different document (a re-scan) is a new document.
    const rescan = fs.readFileSync(path.join(sampleDir, 'WUA-ZWZ.6730.2.531.2022', 'protokół_oględzin.pdf'));
    fs.writeFileSync(target, rescan);
    await waitFor(2);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(added()).toBe(2);
    expect(out).not.toMatch(/BŁĄD/);
    const db = new Database(path.join(data, 'kwerenda.db'), { readonly: true });
    const files = db.prepare('SELECT status, size FROM ingest_files ORDER BY id').all();
    const docs = (db.prepare('SELECT COUNT(*) AS n FROM documents').get() as { n: number }).n;
    db.close();
    expect(files).toEqual([
      { status: 'ingested', size: source.length },
      { status: 'ingested', size: rescan.length },
    ]);
    expect(docs).toBe(2);
  });
});

/**
 * The command-line contract outside tools rely on: `users add` prints the token alone on its last
 * stdout line, `serve` answers /healthz and the API with that token, `search --json` prints the
 * same response shape as the API.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/paths.js';
import { sampleArchiveCopy, sampleFile } from '../helpers/sample-archive.js';

const env = { ...process.env, KWERENDA_PROGRESS: 'none', KWERENDA_LOG_LEVEL: 'warn' };
const cli = (...args: string[]) => spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', env });

describe('kwerenda users, serve and search', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await sampleArchiveCopy('cli');
  }, 600_000);
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('users add prints the new token alone on its last stdout line; bad input exits 2', () => {
    const r = cli('users', 'add', 'jan.nowak', '--role', 'supervisor', '--data', dataDir);
    expect(r.status).toBe(0);
    const last = r.stdout.trimEnd().split('\n').pop()!;
    expect(last).toMatch(/^kw_[A-Za-z0-9_-]{43}$/);
    expect(r.stderr).not.toContain(last);
    const again = cli('users', 'add', 'jan.nowak', '--role', 'clerk', '--data', dataDir);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('już istnieje');
    const badRole = cli('users', 'add', 'ewa', '--role', 'boss', '--data', dataDir);
    expect(badRole.status).toBe(2);
    const list = cli('users', 'list', '--json', '--data', dataDir);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ name: 'jan.nowak', role: 'supervisor', disabled: false })]);
  });

  it('serve answers /healthz and the API with a token from users add, then stops on SIGTERM', async () => {
    const token = cli('users', 'add', 'anna', '--role', 'clerk', '--data', dataDir).stdout.trim().split('\n').pop()!;
    const child = spawn(process.execPath, [cliPath, 'serve', '--port', '0', '--data', dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    const base = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
        if (m) resolve(`http://127.0.0.1:${m[1]}`);
      });
      child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
    });
    try {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const res = await fetch(`${base}/api/agent/search`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ question: 'wszystkie pisma w sprawie WUA-ZWZ.6730.2.531.2022', limit: 5 }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { results: { document: { source: { sha256: string } } }[] };
      expect(body.results.map((r) => r.document.source.sha256)).toContain(sampleFile('WUA-ZWZ.6730.2.531.2022/decyzja_WZ.pdf').sha256);
      // A revoked token stops working at once.
      expect(cli('users', 'revoke', 'anna', '--data', dataDir).status).toBe(0);
      const after = await fetch(`${base}/api/documents/1`, { headers: { authorization: `Bearer ${token}` } });
      expect(after.status).toBe(401);
    } finally {
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('search --json prints the API response; plain search prints documents and quotes', () => {
    const r = cli('search', 'decyzja o warunkach zabudowy Krzyki', '--json', '--data', dataDir);
    expect(r.status).toBe(0);
    const res = JSON.parse(r.stdout) as { mode: string; results: { rank: number; document: { source: { sha256: string } }; citations: { quote: string }[] }[] };
    expect(res.mode).toBe('rules');
    expect(res.results[0]!.document.source.sha256).toBe(sampleFile('WUA-ZWZ.6730.2.531.2022/decyzja_WZ.pdf').sha256);
    const text = cli('search', 'decyzja o warunkach zabudowy Krzyki', '--data', dataDir);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('Szukano');
    expect(text.stdout).toContain(res.results[0]!.citations[0]!.quote.replace(/\s+/g, ' '));
    // A question no document meets in full says so, and shows what each closest document lacks.
    const near = cli('search', 'odmowa pozwolenia na budowę budynku wielorodzinnego 2015', '--data', dataDir);
    expect(near.status).toBe(0);
    expect(near.stdout).toMatch(/^Warunki pytania: rodzaj dokumentu: .* · okres: 2015/m);
    expect(near.stdout).toMatch(/^Żaden dokument nie spełnia wszystkich warunków: .*2015.*\. Najbliższe wyniki:$/m);
    expect(near.stdout).toMatch(/^ {3}✗ nie spełnia: okres 2015 \(2010-05-11, s\. 1\)$/m);
    const empty = cli('search', '   ', '--data', dataDir);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('pytanie');
  });
});

/**
 * Restricted documents from the command line, as records staff and admins run it: `ingest
 * --restrict-to` restricts what it brings in before it can be found (the local operator, an admin,
 * included — admins are not exempt), `restrictions` lists the rules, `unrestrict` lifts one,
 * `restrict` names a document, and the same file ingested again from another restricted folder is
 * covered by that folder's rule too. Bad arguments exit 2 with a readable message.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, sampleDir, tempDir } from '../helpers/paths.js';

const env = { ...process.env, KWERENDA_PROGRESS: 'lines' };
const dirs: string[] = [];
const dir = (p: string) => {
  const d = tempDir(p);
  dirs.push(d);
  return d;
};
const run = (args: string[]) => spawnSync(process.execPath, [cliPath, ...args], { env, encoding: 'utf8', timeout: 300_000 });

interface Rule {
  id: number;
  scope: string;
  value: string;
  principals: { kind: string; value: string }[];
  reason: string | null;
  documents: number;
  removedAt: string | null;
}

afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('kwerenda restrict, restrictions, unrestrict, ingest --restrict-to', () => {
  it('restricts an ingested folder from the start; lifting the rule makes it searchable', () => {
    const data = dir('data');
    const inbox = dir('inbox');
    fs.copyFileSync(path.join(sampleDir, 'nieprzypisane', 'pelnomocnictwo_bez_znaku.pdf'), path.join(inbox, 'pelnomocnictwo.pdf'));
    const ingest = run(['ingest', inbox, '--data', data, '--restrict-to', 'role:supervisor']);
    expect(ingest.status, ingest.stderr).toBe(0);

    const listed = run(['restrictions', '--json', '--data', data]);
    expect(listed.status, listed.stderr).toBe(0);
    const rules = JSON.parse(listed.stdout) as Rule[];
    expect(rules).toEqual([
      expect.objectContaining({ scope: 'folder', value: path.resolve(inbox), principals: [{ kind: 'role', value: 'supervisor' }], documents: 1 }),
    ]);

    // The command line acts as an administrator, and a restriction names who may read: not it.
    const hidden = JSON.parse(run(['search', 'pełnomocnictwo', '--json', '--data', data]).stdout) as { results: unknown[] };
    expect(hidden.results).toEqual([]);

    const lifted = run(['unrestrict', String(rules[0]!.id), '--data', data]);
    expect(lifted.status, lifted.stderr).toBe(0);
    expect(lifted.stdout).toContain(`Zniesiono ograniczenie nr ${rules[0]!.id}`);
    const found = JSON.parse(run(['search', 'pełnomocnictwo', '--json', '--data', data]).stdout) as { results: { document: { id: string } }[] };
    expect(found.results.map((r) => r.document.id)).toEqual(['1']);
    expect(run(['unrestrict', String(rules[0]!.id), '--data', data]).status).toBe(2);

    // An admin names the document; the reason is kept; the human-readable list shows it.
    const named = run(['restrict', '--document', '1', '--to', 'role:clerk', '--reason', 'RODO: dane osobowe', '--data', data]);
    expect(named.status, named.stderr).toBe(0);
    expect(named.stdout).toMatch(/Ograniczono dostęp \(nr \d+\): dokument 1, dostęp: role:clerk; dokumentów: 1/);
    expect(JSON.parse(run(['search', 'pełnomocnictwo', '--json', '--data', data]).stdout).results).toEqual([]);
    const all = JSON.parse(run(['restrictions', '--all', '--json', '--data', data]).stdout) as Rule[];
    expect(all.map((r) => [r.scope, r.reason, r.removedAt === null])).toEqual([
      ['folder', 'kwerenda ingest --restrict-to', false],
      ['document', 'RODO: dane osobowe', true],
    ]);
    expect(run(['restrictions', '--data', data]).stdout).toMatch(/dokument 1, dostęp: role:clerk; dokumentów: 1\taktywne/);
  });

  it('a file already in the archive, ingested again from a restricted folder, is covered by its rule', () => {
    const data = dir('data');
    const first = dir('first');
    const second = dir('second');
    const file = path.join(sampleDir, 'nieprzypisane', 'pelnomocnictwo_bez_znaku.pdf');
    fs.copyFileSync(file, path.join(first, 'a.pdf'));
    fs.copyFileSync(file, path.join(second, 'b.pdf'));
    expect(run(['ingest', first, '--data', data]).status).toBe(0);
    const again = run(['ingest', second, '--data', data, '--restrict-to', 'role:records']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('już w archiwum 1');
    const rules = JSON.parse(run(['restrictions', '--json', '--data', data]).stdout) as Rule[];
    expect(rules).toEqual([expect.objectContaining({ value: path.resolve(second), documents: 1 })]);
    expect(JSON.parse(run(['search', 'pełnomocnictwo', '--json', '--data', data]).stdout).results).toEqual([]);
  });

  it('refuses bad arguments with exit code 2 and says why', () => {
    const data = dir('data');
    const twoScopes = run(['restrict', '--case', 'WUA-ZRB.6740.1.1.2019', '--document', '1', '--to', 'role:clerk', '--data', data]);
    expect(twoScopes.status).toBe(2);
    expect(twoScopes.stderr).toContain('dokładnie jedno z: --case, --folder, --document');
    const nobody = run(['restrict', '--case', 'WUA-ZRB.6740.1.1.2019', '--to', 'user:nikt', '--data', data]);
    expect(nobody.status).toBe(2);
    expect(nobody.stderr).toContain('nie ma użytkownika nikt');
    const badSpec = run(['restrict', '--case', 'WUA-ZRB.6740.1.1.2019', '--to', 'anna', '--data', data]);
    expect(badSpec.status).toBe(2);
    expect(badSpec.stderr).toContain('oczekiwano user:NAZWA lub role:ROLA');
    const badRole = run(['restrict', '--case', 'WUA-ZRB.6740.1.1.2019', '--to', 'role:szef', '--data', data]);
    expect(badRole.status).toBe(2);
    expect(badRole.stderr).toContain('nieznana rola: szef');
    const missing = run(['ingest', path.join(data, 'nie-ma'), '--data', data, '--restrict-to', 'role:clerk']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('ścieżka nie istnieje');
    expect(JSON.parse(run(['restrictions', '--json', '--data', data]).stdout)).toEqual([]);
  });
});

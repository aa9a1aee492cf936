import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IngestError } from '../server/errors.js';
import { dmsMetaValues, isSidecarName, parseCsv, readSidecar } from './dms.js';
import { walk } from './walk.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kwerenda-dms-unit-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A folder with the given files (name → content). */
function folder(name: string, files: Record<string, string>): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [f, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), content);
  return dir;
}

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(IngestError);
    expect((err as IngestError).code).toBe('dms_metadata');
    return (err as IngestError).message;
  }
  throw new Error('expected the sidecar to be refused');
}

describe('DMS sidecars', () => {
  it('reads a JSON sidecar, normalising the signature and keeping what was written', () => {
    const dir = folder('json', {
      'a.pdf': '%PDF',
      'a.pdf.json': JSON.stringify({
        caseNumber: 'wua-zrb 6740.1.12.2020',
        docType: 'Decyzja',
        date: '2020-05-04',
        externalId: 'EZD/2020/12',
        externalUrl: 'https://ezd.example.pl/sprawa/12',
        extraField: 'ignored',
      }),
    });
    const d = readSidecar(path.join(dir, 'a.pdf'));
    expect(d).toMatchObject({
      caseNumber: 'WUA-ZRB.6740.1.12.2020',
      caseNumberRaw: 'wua-zrb 6740.1.12.2020',
      docType: 'decyzja',
      date: '2020-05-04',
      externalId: 'EZD/2020/12',
      externalUrl: 'https://ezd.example.pl/sprawa/12',
    });
    const values = dmsMetaValues(d);
    expect(values.map((v) => [v.kind, v.value, v.origin, v.page])).toEqual([
      ['caseNumber', 'WUA-ZRB.6740.1.12.2020', 'dms', null],
      ['docType', 'decyzja', 'dms', null],
      ['date', '2020-05-04', 'dms', null],
    ]);
  });

  it('reads a row of the folder metadata.csv (quoted fields, semicolons, BOM)', () => {
    const dir = folder('csv', {
      'metadata.csv':
        '\uFEFFfile;caseNumber;docType;date;externalId;externalUrl\r\n' +
        'b.pdf;WUA-ZRB.6740.1.5.2019;"postanowienie; o zawieszeniu";2019-01-02;EZD-5;\r\n' +
        'c.pdf;;;;EZD-6;http://ezd.local/6\r\n',
    });
    expect(readSidecar(path.join(dir, 'b.pdf'))).toMatchObject({
      caseNumber: 'WUA-ZRB.6740.1.5.2019',
      docType: 'postanowienie; o zawieszeniu',
      externalId: 'EZD-5',
      externalUrl: null,
      origin: 'metadata.csv, wiersz 2',
    });
    expect(readSidecar(path.join(dir, 'c.pdf'))).toMatchObject({ caseNumber: null, date: null, externalId: 'EZD-6' });
    expect(parseCsv('a,"x ""y"", z"\n1,2')).toEqual([
      ['a', 'x "y", z'],
      ['1', '2'],
    ]);
  });

  it('refuses bad sidecars with a reason the records staff can act on', () => {
    const dir = folder('bad', {
      'date.pdf.json': JSON.stringify({ externalId: 'X', date: '2019-02-30' }),
      'month.pdf.json': JSON.stringify({ externalId: 'X', date: '2019-13-01' }),
      'url.pdf.json': JSON.stringify({ externalId: 'X', externalUrl: 'javascript:alert(1)' }),
      'sig.pdf.json': JSON.stringify({ externalId: 'X', caseNumber: 'cokolwiek' }),
      'noid.pdf.json': JSON.stringify({ caseNumber: 'WUA-ZRB.6740.1.5.2019' }),
      'syntax.pdf.json': '{"externalId": ',
      'both.pdf.json': JSON.stringify({ externalId: 'X' }),
      'metadata.csv': 'file,externalId\nboth.pdf,Y\n',
    });
    expect(reason(() => readSidecar(path.join(dir, 'date.pdf')))).toContain('date: nieprawidłowa data');
    expect(reason(() => readSidecar(path.join(dir, 'month.pdf')))).toContain('date: nieprawidłowa data');
    expect(reason(() => readSidecar(path.join(dir, 'url.pdf')))).toContain('externalUrl: oczekiwano adresu http(s)');
    expect(reason(() => readSidecar(path.join(dir, 'sig.pdf')))).toContain('nierozpoznany znak sprawy');
    expect(reason(() => readSidecar(path.join(dir, 'noid.pdf')))).toContain('externalId');
    expect(reason(() => readSidecar(path.join(dir, 'syntax.pdf')))).toContain('niepoprawny JSON');
    expect(reason(() => readSidecar(path.join(dir, 'both.pdf')))).toContain('opisany dwa razy');
    expect(reason(() => readSidecar(path.join(dir, 'missing.pdf')))).toContain('brak metadanych');
    const noHeader = folder('noheader', { 'metadata.csv': 'plik,id\nd.pdf,1\n' });
    expect(reason(() => readSidecar(path.join(noHeader, 'd.pdf')))).toContain('file i externalId');
  });

  it('keeps sidecars out of the files to ingest', () => {
    const dir = folder('walk', { 'a.pdf': '%PDF', 'a.pdf.json': '{}', 'metadata.csv': 'file', 'plan.json': '{}' });
    expect(isSidecarName('a.PDF.json')).toBe(true);
    expect(walk([dir]).map((f) => path.basename(f.path))).toEqual(['a.pdf', 'plan.json']);
  });
});

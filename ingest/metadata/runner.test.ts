/**
 * The metadata runner reads off the main thread what `extractMetadata` reads, reuses its worker
 * thread, and when a step runs past its limit keeps every other field and says which it lost.
 * Runs the compiled worker (dist/).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/paths.js';
import { extractMetadata, type PageText } from './index.js';
import { MetadataRunner } from './runner.js';

const PAGES: PageText[] = [
  {
    page: 1,
    text: `PREZYDENT WROCŁAWIA
Wrocław, dnia 14 marca 2019 r.
Znak: WUA-ZRB.6740.1.123.2019

DECYZJA Nr 456/2019

zatwierdzam projekt budowlany i udzielam pozwolenia na budowę budynku mieszkalnego na działce
nr 45/7, AM-12, obręb Oporów, przy ul. Kwiatowej 12 we Wrocławiu.
Inwestor: Jan Kowalski, zam. ul. Legnicka 55a/3, 54-123 Wrocław.`,
  },
  { page: 2, text: 'UZASADNIENIE\nW dniu 3.02.2019 r. inwestor złożył wniosek (znak WUA-ZRB.6740.1.123.2019).' },
];
const CTX = { folderNames: ['WUA-ZRB.6740.1.123.2019'], caseOverride: 'WUA-ZRB.6740.1.999.2019' };

const dir = tempDir('metadata-runner');
const starts = path.join(dir, 'starts');
const REAL = pathToFileURL(path.resolve('dist/ingest/metadata/index.js')).href;

/** The real steps, except that the docType step never ends on a page holding "ZAWIEŚ"; counts its starts. */
const standIn = path.join(dir, 'stand-in.mjs');
fs.writeFileSync(
  standIn,
  `import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { extractMetadataKind } from ${JSON.stringify(REAL)};
fs.appendFileSync(${JSON.stringify(starts)}, 'x');
parentPort.on('message', (job) => {
  const spans = new Map(job.spans);
  for (const kind of job.kinds) {
    if (kind === 'docType' && job.pages.some((p) => p.text.includes('ZAWIEŚ'))) for (;;);
    const values = extractMetadataKind(kind, job.pages, job.ctx, spans);
    parentPort.postMessage(kind === 'caseNumber' ? { id: job.id, kind, values, spans: [...spans] } : { id: job.id, kind, values });
  }
});
`,
);
const startCount = (): number => (fs.existsSync(starts) ? fs.readFileSync(starts, 'utf8').length : 0);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('MetadataRunner', () => {
  it('reads what extractMetadata reads, in the same order', async () => {
    const runner = new MetadataRunner({ stepTimeoutMs: 30_000 });
    try {
      const out = await runner.extract(PAGES, CTX);
      expect(out.values).toEqual(extractMetadata(PAGES, CTX));
      expect(out.unread).toEqual([]);
      expect(out.reason).toBeNull();
    } finally {
      await runner.close();
    }
  });

  it('uses one worker thread for many documents', async () => {
    const runner = new MetadataRunner({ stepTimeoutMs: 30_000, workerFile: standIn });
    const before = startCount();
    try {
      const outs = await Promise.all([1, 2, 3, 4].map(() => runner.extract(PAGES, CTX)));
      for (const out of outs) expect(out.values).toEqual(extractMetadata(PAGES, CTX));
      expect(startCount() - before).toBe(1);
    } finally {
      await runner.close();
    }
  });

  it('a step that does not end: that field is left unknown with the reason, the others are read, the next document too', async () => {
    const runner = new MetadataRunner({ stepTimeoutMs: 1_000, perPageMs: 0, workerFile: standIn });
    const hostile: PageText[] = [{ page: 1, text: `${PAGES[0]!.text}\nZAWIEŚ` }, PAGES[1]!];
    try {
      const out = await runner.extract(hostile, CTX);
      expect(out.unread).toEqual(['docType']);
      expect(out.reason).toContain('typ dokumentu');
      expect(out.values).toEqual(extractMetadata(hostile, CTX).filter((v) => v.kind !== 'docType'));
      expect(out.values.some((v) => v.kind === 'date' && v.value === '2019-03-14')).toBe(true);

      const next = await runner.extract(PAGES, CTX);
      expect(next.unread).toEqual([]);
      expect(next.values).toEqual(extractMetadata(PAGES, CTX));
    } finally {
      await runner.close();
    }
  });

  it('keeps the command line case number when the case number step is lost', async () => {
    const broken = path.join(dir, 'broken.mjs');
    fs.writeFileSync(broken, `import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => { throw new Error('boom'); });\n`);
    const runner = new MetadataRunner({ stepTimeoutMs: 30_000, workerFile: broken });
    try {
      const out = await runner.extract(PAGES, CTX);
      expect(out.unread).toEqual(['caseNumber', 'docType', 'date', 'parcel', 'address', 'investor', 'issuer', 'outcome']);
      expect(out.values).toEqual([expect.objectContaining({ kind: 'caseNumber', value: 'WUA-ZRB.6740.1.999.2019', origin: 'cli' })]);
      expect(out.reason).toContain('błąd analizy');
    } finally {
      await runner.close();
    }
  });

  it('an idle runner does not keep the process alive (a CLI ingest exits when done)', () => {
    const runner = pathToFileURL(path.resolve('dist/ingest/metadata/runner.js')).href;
    const script = `import(${JSON.stringify(runner)}).then(async ({ MetadataRunner }) => {
      const out = await new MetadataRunner({ stepTimeoutMs: 30000 }).extract([{ page: 1, text: 'DECYZJA' }]);
      console.log(out.values.find((v) => v.kind === 'docType').value);
    });`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.signal, 'still running after a minute').toBeNull();
    expect(child.stdout.trim()).toBe('decyzja');
  });
});

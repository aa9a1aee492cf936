/**
 * Import from the document management system: a folder export with JSON and CSV sidecars is
 * ingested with `dms: true` (what `kwerenda ingest --dms` passes). The sidecar's signature, type and
 * date become the document's, the text's are kept beside them with their spans, the external id and
 * link come back from the API and from a search, and a broken sidecar fails only its own file.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentRecord } from '../../server/domain/types.js';
import type { SearchRuntime } from '../../server/main.js';
import type { AgentResponse } from '../../server/services/agent.service.js';
import type { BatchResult } from '../../server/services/ingest.service.js';
import { ingestRuntime } from '../helpers/runtime.js';
import { sampleDir, tempDir } from '../helpers/paths.js';
import { serveArchive, type ServedArchive } from '../helpers/http-server.js';

const TEXT_CASE = 'WUA-ZWZ.6730.2.531.2022';
const DMS_CASE = 'WUA-ZWZ.6730.2.999.2022';

describe('import from the document management system (--dms)', () => {
  const exportDir = tempDir('dms-export');
  const dataDir = tempDir('dms-data');
  let batch: BatchResult;
  let rt: SearchRuntime;
  let server: Server;
  let served: ServedArchive | undefined;
  let base: string;
  let token: string;

  const api = async <T>(p: string, init: RequestInit = {}): Promise<T> => {
    const res = await fetch(base + p, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };
  const docBySource = async (filename: string): Promise<DocumentRecord> => {
    const file = rt.db.prepare('SELECT id FROM documents WHERE filename = ?').get(filename) as { id: number };
    return api<DocumentRecord>(`/api/documents/${file.id}`);
  };

  beforeAll(async () => {
    const copy = (from: string, to: string) => fs.copyFileSync(path.join(sampleDir, from), path.join(exportDir, to));
    copy('WUA-ZWZ.6730.2.531.2022/decyzja_WZ.pdf', 'dok_0001.pdf');
    copy('WUA-ZRB.6740.1.786.2019/01_wniosek.pdf', 'dok_0002.pdf');
    copy('WUA-ZRB.6743.1.2043.2016/sprzeciw.pdf', 'dok_0003.pdf');
    copy('UA-AB_7351_650_2010/decyzja_odmowa.pdf', 'dok_0004.pdf');
    // The registry says the decision belongs to another case than the one printed on it.
    fs.writeFileSync(
      path.join(exportDir, 'dok_0001.pdf.json'),
      JSON.stringify({
        caseNumber: DMS_CASE,
        docType: 'decyzja o warunkach zabudowy',
        date: '2022-09-08',
        externalId: 'EZD-2022-0001',
        externalUrl: 'https://ezd.example.pl/sprawy/EZD-2022-0001',
      }),
    );
    fs.writeFileSync(
      path.join(exportDir, 'metadata.csv'),
      'file,caseNumber,docType,date,externalId\n' +
        'dok_0002.pdf,WUA-ZRB.6740.1.786.2019,wniosek,2019-02-11,EZD-2019-0002\n' +
        'dok_0003.pdf,,,,EZD-2016-0003\n',
    );
    fs.writeFileSync(path.join(exportDir, 'dok_0004.pdf.json'), JSON.stringify({ externalId: 'EZD-4', date: '2010-13-01' }));

    const ingest = await ingestRuntime(dataDir, {}, 1);
    try {
      batch = await ingest.ingest.run({ paths: [exportDir], caseOverride: null, dms: true });
    } finally {
      await ingest.close();
    }
    served = await serveArchive(dataDir);
    ({ rt, server, base } = served);
    token = rt.users.add('anna', 'clerk').token;
  }, 600_000);

  afterAll(async () => {
    await served?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(exportDir, { recursive: true, force: true });
  });

  it('ingests the described files, skips the sidecars, and fails the one with a broken sidecar', () => {
    expect(batch.summary).toMatchObject({ files: 4, ingested: 3, failed: 1 });
    expect(batch.failures).toHaveLength(1);
    const failed = batch.failures[0]!;
    expect(path.basename(failed.path)).toBe('dok_0004.pdf');
    expect(failed.error_code).toBe('dms_metadata');
    expect(failed.error).toContain('dok_0004.pdf.json: date');
  });

  it('takes signature, type and date from the sidecar and keeps the text values with their spans', async () => {
    const doc = await docBySource('dok_0001.pdf');
    expect(doc).toMatchObject({
      caseNumber: DMS_CASE,
      docType: 'decyzja o warunkach zabudowy',
      date: '2022-09-08',
      externalId: 'EZD-2022-0001',
      externalUrl: 'https://ezd.example.pl/sprawy/EZD-2022-0001',
    });
    const cases = doc.metadata.filter((m) => m.kind === 'caseNumber');
    expect(cases[0]).toMatchObject({ value: DMS_CASE, origin: 'dms', page: null, start: null });
    const fromText = cases.find((m) => m.origin === 'text' && m.value === TEXT_CASE);
    expect(fromText).toBeDefined();
    const page = await api<{ text: string }>(`/api/documents/${doc.id}/pages/${fromText!.page}`);
    expect(page.text.slice(fromText!.start!, fromText!.end!)).toBe(fromText!.raw);
    expect(doc.metadata.some((m) => m.kind === 'date' && m.origin === 'text')).toBe(true);
  });

  it('reads CSV rows, and a row without signature leaves the extracted one in place', async () => {
    const wniosek = await docBySource('dok_0002.pdf');
    expect(wniosek).toMatchObject({ caseNumber: 'WUA-ZRB.6740.1.786.2019', docType: 'wniosek', date: '2019-02-11', externalId: 'EZD-2019-0002' });
    expect(wniosek.externalUrl).toBeUndefined();
    const sprzeciw = await docBySource('dok_0003.pdf');
    expect(sprzeciw).toMatchObject({ caseNumber: 'WUA-ZRB.6743.1.2043.2016', externalId: 'EZD-2016-0003' });
    expect(sprzeciw.metadata.every((m) => m.origin !== 'dms')).toBe(true);
  });

  it('finds the document by the sidecar signature, with its external id and verified citations', async () => {
    const r = await api<AgentResponse>('/api/agent/search', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: `decyzja w sprawie ${DMS_CASE}` }),
    });
    // Found as the case named in the question, not as just any decision.
    expect(r.notFound).toBeUndefined();
    const top = r.results[0]!;
    expect(top.confidence).toBe('high');
    // The signature is met by what EZD recorded, which no page shows: said so, not shown as a page citation.
    expect(top.conditions?.find((c) => c.kind === 'caseNumber')).toMatchObject({ met: 'yes', recorded: { value: DMS_CASE, origin: 'dms' } });
    expect(top.document).toMatchObject({
      source: { filename: 'dok_0001.pdf' },
      caseNumber: DMS_CASE,
      externalId: 'EZD-2022-0001',
      externalUrl: 'https://ezd.example.pl/sprawy/EZD-2022-0001',
    });
    for (const c of top.citations) {
      const page = await api<{ text: string }>(`/api/documents/${top.document.id}/pages/${c.page}`);
      expect(page.text.slice(c.start, c.end)).toBe(c.quote);
    }
  });
});

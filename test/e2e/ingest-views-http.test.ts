/**
 * What the ingest batch views show to whom. Records staff upload two files: one named with a PESEL,
 * one whose document an admin then restricts to herself. In `GET /api/ingest/batches/:id` the
 * PESEL in a file name is masked for roles that may not see identifiers, and the restricted file's
 * row keeps its status but withholds its name, size, type and document id from everyone the rule
 * does not name — as the document routes answer such a document like a missing one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchView, FileView } from '../../server/services/upload.service.js';
import type { Actor } from '../../server/store/users.js';
import { serveArchive, type ServedArchive } from '../helpers/http-server.js';
import { sampleDir, tempDir } from '../helpers/paths.js';

const PESEL = '44051401359';
const SECRET_NAME = 'Kowalska Anna - sprawa sporna/protokol.pdf';

describe('ingest batch views and restricted or identifying file names', () => {
  let dataDir: string;
  let served: ServedArchive;
  const tokens: Record<string, string> = {};
  let batchId = 0;

  const view = async (who: string) => {
    const res = await fetch(`${served.base}/api/ingest/batches/${batchId}`, { headers: { authorization: `Bearer ${tokens[who]}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as { batch: BatchView; files: FileView[] };
  };

  beforeAll(async () => {
    dataDir = tempDir('ingest-views');
    served = await serveArchive(dataDir, { KWERENDA_WORKERS: '1' });
    for (const [name, role] of [['rita', 'records'], ['sonia', 'supervisor'], ['ada', 'admin'], ['adam', 'admin']] as const) {
      tokens[name] = served.rt.users.add(name, role).token;
    }
    const fd = new FormData();
    fd.append('files', new Blob([fs.readFileSync(path.join(sampleDir, 'nieprzypisane/pelnomocnictwo_bez_znaku.pdf'))]), `pelnomocnictwo_${PESEL}.pdf`);
    fd.append('files', new Blob([fs.readFileSync(path.join(sampleDir, 'WUA-ZWZ.6730.2.531.2022/protokół_oględzin.pdf'))]), SECRET_NAME);
    const res = await fetch(`${served.base}/api/ingest`, { method: 'POST', body: fd, headers: { authorization: `Bearer ${tokens.rita}` } });
    expect(res.status).toBe(202);
    batchId = ((await res.json()) as { batchId: number }).batchId;
    for (;;) {
      const { files } = await view('ada');
      if (files.length === 2 && files.every((f) => f.status === 'ingested')) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    const secret = (await view('ada')).files.find((f) => f.name === SECRET_NAME)!;
    const ada = served.rt.users.authenticate(tokens.ada!) as Actor;
    served.rt.restrictions.add({ scope: 'document', value: String(secret.documentId), principals: [{ kind: 'user', value: 'ada' }], reason: 'spór' }, ada);
  }, 180_000);

  afterAll(async () => {
    await served?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('withholds the name, size, type and document id of a file whose document the viewer may not read', async () => {
    for (const who of ['rita', 'sonia', 'adam']) {
      const { batch, files } = await view(who);
      expect(batch.summary).toMatchObject({ files: 2, ingested: 2 });
      expect(files).toHaveLength(2); // the row stays: the batch still adds up
      const hidden = files.find((f) => f.withheld)!;
      expect(hidden).toMatchObject({ name: '(dokument o ograniczonym dostępie)', status: 'ingested', documentId: null, size: null, detected: null });
      const text = JSON.stringify(files);
      expect(text).not.toContain('Kowalska');
      expect(text).not.toContain('protokol');
    }
    // The user the rule names sees the file as it was uploaded.
    const own = (await view('ada')).files.find((f) => f.name === SECRET_NAME)!;
    expect(own.documentId).toEqual(expect.any(Number));
    expect(own.withheld).toBeUndefined();
  });

  it('masks a PESEL in a file name for roles that may not see identifiers', async () => {
    const records = (await view('rita')).files.find((f) => !f.withheld)!;
    expect(records.name).toBe(`pelnomocnictwo_${'•'.repeat(11)}.pdf`);
    expect(records.documentId).toEqual(expect.any(Number));
    expect(JSON.stringify(await view('rita'))).not.toContain(PESEL);
    // Supervisors see identifiers (KWERENDA_PESEL_VISIBLE_ROLES default).
    expect((await view('sonia')).files.find((f) => !f.withheld)!.name).toBe(`pelnomocnictwo_${PESEL}.pdf`);
  });
});

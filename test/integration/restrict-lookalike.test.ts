/**
 * A case restriction covers every document of the case however its signature is typed: born-digital
 * PDFs whose text writes "WUA-ZRB.6740.1.123.2019" with a Unicode hyphen (U+2010), an en dash and
 * no-break space, a minus sign, a non-breaking hyphen or a Cyrillic А in the prefix are ingested for
 * real; a restriction naming one clerk hides all of them from another clerk, and a case lookup
 * typed with look-alikes finds them for the clerk who may read them. A document of a neighbouring
 * case stays visible.
 */
import fs from 'node:fs';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fontBytes } from '../../fixtures/fonts.js';
import { loadConfig } from '../../server/config.js';
import type { Viewer } from '../../server/domain/types.js';
import { silentLogger } from '../../server/log.js';
import { createSearchRuntime, type SearchRuntime } from '../../server/main.js';
import { SYSTEM_ACTOR } from '../../server/store/users.js';
import { tempDir } from '../helpers/paths.js';
import { ingestRuntime } from '../helpers/runtime.js';

const CASE = 'WUA-ZRB.6740.1.123.2019';
const WRITTEN: Record<string, string> = {
  'decyzja.pdf': 'WUA\u2010ZRB.6740.1.123.2019', // U+2010 HYPHEN, as word processors write it
  'postanowienie.pdf': 'WUA\u00a0\u2013\u00a0ZRB.6740.1.123.2019', // en dash between no-break spaces
  'zawiadomienie.pdf': 'WUA\u2212ZRB.6740.1.123.2019', // minus sign
  'wezwanie.pdf': 'WUA\u2011ZRB.6740.1.123.2019', // non-breaking hyphen
  'protokol.pdf': 'WU\u0410-ZRB.6740.1.123.2019', // Cyrillic А
};
const NEIGHBOUR = { file: 'inna_sprawa.pdf', signature: 'WUA-ZRB.6740.1.124.2019' };

async function writeLetter(file: string, signature: string): Promise<void> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const font = await pdf.embedFont(fontBytes('sans-r'), { subset: true });
  const page = pdf.addPage([595, 842]);
  const lines = [
    'PREZYDENT WROCŁAWIA',
    `Znak sprawy: ${signature}`,
    'Wrocław, dnia 14 marca 2019 r.',
    'Zawiadamiam strony postępowania o wszczęciu postępowania w sprawie pozwolenia na budowę',
    'budynku mieszkalnego jednorodzinnego na działce nr 45/7 obręb Oporów.',
  ];
  lines.forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 22, size: 10, font, color: rgb(0, 0, 0) }));
  fs.writeFileSync(file, await pdf.save());
}

describe('a case restriction and case lookups with look-alike characters in the signature', () => {
  const dirs: string[] = [];
  let rt: SearchRuntime;
  let anna: Viewer;
  let ewa: Viewer;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const inbox = tempDir('lookalike-inbox');
    const data = tempDir('lookalike-data');
    dirs.push(inbox, data);
    for (const [file, signature] of Object.entries(WRITTEN)) await writeLetter(path.join(inbox, file), signature);
    await writeLetter(path.join(inbox, NEIGHBOUR.file), NEIGHBOUR.signature);
    const ingest = await ingestRuntime(data, {}, 1);
    try {
      const batch = await ingest.ingest.run({ paths: [inbox], caseOverride: null });
      expect(batch.summary).toMatchObject({ ingested: Object.keys(WRITTEN).length + 1, failed: 0 });
    } finally {
      await ingest.close();
    }
    rt = await createSearchRuntime(loadConfig({ KWERENDA_DATA_DIR: data }), { logger: silentLogger });
    const clerk = (name: string): Viewer => ({ userId: rt.users.add(name, 'clerk', { by: SYSTEM_ACTOR }).user.id, name, role: 'clerk' });
    anna = clerk('anna');
    ewa = clerk('ewa');
    const rows = rt.db.prepare("SELECT id, source_path FROM documents WHERE status = 'ready'").all() as { id: number; source_path: string }[];
    for (const r of rows) ids[path.basename(r.source_path)] = String(r.id);
  }, 300_000);

  afterAll(async () => {
    await rt?.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('reads the canonical signature from each written form', async () => {
    for (const file of Object.keys(WRITTEN)) {
      const doc = await rt.backend.document(ids[file]!, anna);
      expect(doc?.caseNumber, file).toBe(CASE);
    }
  });

  it('a restriction by case hides every written form from a clerk it does not name', async () => {
    const rule = rt.restrictions.add({ scope: 'case', value: 'WUA\u2013ZRB.6740.1.123.2019', principals: [{ kind: 'user', value: 'anna' }] }, SYSTEM_ACTOR);
    expect(rule.value).toBe(CASE);
    expect(rule.documents).toBe(Object.keys(WRITTEN).length);
    for (const file of Object.keys(WRITTEN)) {
      expect(await rt.backend.document(ids[file]!, ewa), file).toBeNull();
      expect(await rt.backend.document(ids[file]!, anna), file).not.toBeNull();
    }
    expect(await rt.backend.document(ids[NEIGHBOUR.file]!, ewa)).not.toBeNull();
    const found = await rt.agent.search({ question: `zawiadomienie w sprawie ${CASE}` }, ewa);
    expect(found.results.map((r) => r.document.id)).not.toEqual(expect.arrayContaining(Object.keys(WRITTEN).map((f) => ids[f])));
  });

  it('a case lookup typed with look-alikes finds the case for the clerk who may read it', async () => {
    for (const typed of ['WUA\u2010ZRB.6740.1.123.2019', 'ＷＵＡ－ＺＲＢ．６７４０．１．１２３．２０１９', 'wua\u2011zrb.6740.1.123.2019']) {
      const docs = await rt.backend.listDocuments({ caseNumber: typed }, 50, anna);
      expect(docs.sort(), typed).toEqual(Object.keys(WRITTEN).map((f) => ids[f]!).sort());
      expect(await rt.backend.listDocuments({ caseNumber: typed }, 50, ewa), typed).toEqual([]);
    }
  });
});

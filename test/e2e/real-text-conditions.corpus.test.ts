/**
 * Questions about a type and a period over real judgments rendered and ingested as records staff
 * would: metadata is evidence, not a wall. A judgment whose date could not be read (here: erased
 * after ingest, as when a scan's date line is unreadable) is still found and ranked by what its text
 * shows; judgments whose stored date is another year are never presented as answers. The records
 * are chosen by their labels, not by id; their stored metadata is checked against the labels first.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderRealTexts, readRealTexts, type RealTextMap, type RealTextRecord } from '../../fixtures/real-text.js';
import { loadConfig } from '../../server/config.js';
import { UNRESTRICTED_VIEWER } from '../../server/domain/types.js';
import { silentLogger } from '../../server/log.js';
import { createSearchRuntime, type SearchRuntime } from '../../server/main.js';
import { cliOperator } from '../../server/store/users.js';
import { readDocMeta, scoreMetadata } from '../../scripts/eval/real-text-metadata.js';
import { realTextDir, tempDir } from '../helpers/paths.js';
import { ingestRuntime } from '../helpers/runtime.js';

const texts = path.join(realTextDir, 'texts.jsonl');
const year = (r: RealTextRecord): string | null => (typeof r.labels.date === 'string' ? r.labels.date.slice(0, 4) : null);

/** WSA judgments of one year (at least three), two of other years, and an NSA judgment. */
function choose(all: RealTextRecord[]): { y: string; inYear: RealTextRecord[]; otherYears: RealTextRecord[]; nsa: RealTextRecord | undefined } {
  const wsa = all.filter((r) => r.labels.docType === 'wyrok WSA' && year(r) !== null);
  const byYear = new Map<string, RealTextRecord[]>();
  for (const r of wsa) byYear.set(year(r)!, [...(byYear.get(year(r)!) ?? []), r]);
  const [y, inYear] = [...byYear.entries()].filter(([, rs]) => rs.length >= 3).sort(([a], [b]) => a.localeCompare(b))[0]!;
  const otherYears = wsa.filter((r) => year(r) !== y).slice(0, 2);
  const nsa = all.find((r) => r.labels.docType === 'wyrok NSA' && year(r) !== null && year(r) !== y);
  return { y, inYear: inYear.slice(0, 3), otherYears, nsa };
}

describe('type and period questions on real judgments, with a date that could not be read', () => {
  const work = tempDir('real-text-conditions');
  const out = path.join(work, 'archive');
  const data = path.join(work, 'data');
  let picked: ReturnType<typeof choose>;
  let map: RealTextMap;
  let rt: SearchRuntime;
  let recordOf: (documentId: string) => string | undefined;
  let erased: string;
  let records: RealTextRecord[];
  let stored: ReturnType<typeof readDocMeta>;

  beforeAll(async () => {
    records = await readRealTexts(texts);
    picked = choose(records);
    const ids = [...picked.inYear, ...picked.otherYears, ...(picked.nsa ? [picked.nsa] : [])].map((r) => r.id);
    map = await renderRealTexts({ texts, out, seed: 3, ids });
    const ing = await ingestRuntime(data);
    try {
      expect((await ing.ingest.run({ paths: [out], caseOverride: null })).failures).toEqual([]);
    } finally {
      await ing.close();
    }
    const db = new Database(path.join(data, 'kwerenda.db'));
    try {
      stored = readDocMeta(db);
      const docs = db.prepare("SELECT id, sha256 FROM documents WHERE status = 'ready'").all() as { id: number; sha256: string }[];
      const bySha = new Map(map.files.map((f) => [f.sha256, f.id]));
      const ids = new Map(docs.map((d) => [String(d.id), bySha.get(d.sha256)]));
      recordOf = (id) => ids.get(id);
      // The first judgment of the year loses its date in both renderings: unknown, not another year.
      erased = picked.inYear[0]!.id;
      for (const d of docs.filter((x) => bySha.get(x.sha256) === erased)) {
        db.prepare("DELETE FROM metadata WHERE document_id = ? AND kind = 'date'").run(d.id);
        db.prepare('UPDATE documents SET doc_date = NULL WHERE id = ?').run(d.id);
      }
    } finally {
      db.close();
    }
    rt = await createSearchRuntime(loadConfig({ KWERENDA_DATA_DIR: data }), { logger: silentLogger, vectorSearch: 'vec0' });
  }, 600_000);

  afterAll(async () => {
    await rt?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const ask = async (question: string) => {
    const res = await rt.agent.search({ question, limit: 10 }, cliOperator(), 'agent', UNRESTRICTED_VIEWER);
    return res.results.map((r) => ({ record: recordOf(r.document.id)!, confidence: r.confidence, date: r.document.date }));
  };

  it('stores each rendered judgment\'s type, own date, own signature, issuer and outcome as labelled, read from the labelled span', () => {
    const born = map.files.filter((f) => !f.scanned);
    const scores = scoreMetadata(records, born, stored).tallies['born-digital'];
    for (const field of ['docType', 'date', 'signature', 'issuer', 'outcome'] as const) {
      const t = scores[field];
      expect(t.fp, field).toBe(0);
      expect(t.tp, field).toBe(t.labelled);
    }
  });

  it('finds every judgment of the year, the one with no readable date too, and ranks it above judgments of other years', async () => {
    const results = await ask(`wyroki WSA z ${picked.y} r.`);
    const records = results.map((r) => r.record);
    for (const r of picked.inYear) expect(records, r.id).toContain(r.id);
    const unknownAt = records.indexOf(erased);
    for (const other of [...picked.otherYears, ...(picked.nsa ? [picked.nsa] : [])]) {
      const at = records.indexOf(other.id);
      if (at >= 0) expect(at, other.id).toBeGreaterThan(unknownAt);
    }
    // Another year read from the document itself: shown, if at all, as a weak match only.
    for (const r of results.filter((x) => x.date !== null && !x.date.startsWith(picked.y))) expect(r.confidence, r.record).toBe('low');
    // Not shown to meet the period: never presented as a confident answer.
    for (const r of results.filter((x) => x.record === erased)) expect(r.confidence).not.toBe('high');
  });

  it('presents nothing as an answer for a year no judgment has', async () => {
    const years = new Set([...picked.inYear, ...picked.otherYears].map((r) => year(r)));
    let empty = 2001;
    while (years.has(String(empty))) empty++;
    const results = await ask(`wyroki WSA z ${empty} r.`);
    for (const r of results.filter((x) => x.date !== null)) expect(r.confidence, r.record).toBe('low');
    expect(results.filter((x) => x.confidence === 'high')).toEqual([]);
  });
});

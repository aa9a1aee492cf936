/**
 * Restriction rules on the embedded archive: what a case, folder or document rule covers — now and
 * when later documents become searchable — how rules combine and lift, and what the audit trail
 * records. Visibility is checked through the search backend, as a clerk would meet it.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_DOCUMENTS, bySeedName, type SeedDocument } from '../../test/contract/seed-documents.js';
import { seedSqlite, sqliteHarness } from '../../test/contract/sqlite-harness.js';
import type { Viewer } from '../domain/types.js';
import { DomainError } from '../errors.js';
import { SqliteSearchBackend } from '../search/sqlite/sqlite-backend.js';
import { AuditLog } from './audit-log.js';
import { Restrictions } from './restrictions.js';
import { SYSTEM_ACTOR, Users, type Actor } from './users.js';

const anna: Viewer = { userId: 1, name: 'anna', role: 'clerk' };
const ewa: Viewer = { userId: 2, name: 'ewa', role: 'clerk' };
const sonia: Viewer = { userId: 3, name: 'sonia', role: 'supervisor' };
const admin: Actor = { userId: null, name: 'cli:test', role: 'admin', via: 'cli' };

const harnesses: Awaited<ReturnType<typeof sqliteHarness>>[] = [];
async function archive(docs: SeedDocument[] = SEED_DOCUMENTS) {
  const h = await sqliteHarness();
  harnesses.push(h);
  await h.seed(docs);
  new Users(h.db).add('anna', 'clerk', { by: SYSTEM_ACTOR });
  const backend = new SqliteSearchBackend(h.db);
  const known = [...docs];
  const idOf = (filename: string) =>
    String(h.db.prepare('SELECT id FROM documents WHERE sha256 = ?').pluck().get(known.find((d) => d.filename === filename)!.sha256));
  /** Ingests one more document the way ingestion does (the making-visible transaction applies the rules). */
  const ingest = async (d: SeedDocument) => {
    known.push(d);
    await seedSqlite(h.db, h.dataDir, [d]);
  };
  const sees = async (v: Viewer, filename: string) => (await backend.document(idOf(filename), v)) !== null;
  return { ...h, backend, idOf, sees, ingest, store: new Restrictions(h.db) };
}

/** A copy of a seed document under a new name and content hash (a new file of the same case). */
function another(d: SeedDocument, filename: string): SeedDocument {
  return { ...d, filename, sha256: d.sha256.replace(/^.{8}/, 'feedbeef') };
}

afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

describe('Restrictions', () => {
  it('a case rule covers the case now, in any written form of the signature, and each new document of it as it becomes searchable', async () => {
    const a = await archive();
    const rule = a.store.add({ scope: 'case', value: 'wua-zrb.6740.1.123.2019', principals: [{ kind: 'user', value: 'anna' }] }, admin);
    expect(rule.value).toBe('WUA-ZRB.6740.1.123.2019');
    expect(await a.sees(ewa, 'decyzja_pnb_123_2019.pdf')).toBe(false);
    expect(await a.sees(ewa, 'wniosek.pdf')).toBe(false);
    expect(await a.sees(anna, 'decyzja_pnb_123_2019.pdf')).toBe(true);
    expect(await a.sees(ewa, 'decyzja_wz_1444.pdf')).toBe(true);

    await a.ingest(another(bySeedName('wniosek.pdf'), 'uzupelnienie.pdf'));
    expect(await a.sees(ewa, 'uzupelnienie.pdf')).toBe(false);
    expect(await a.sees(anna, 'uzupelnienie.pdf')).toBe(true);
    expect(a.store.get(rule.id)!.documents).toBe(4); // the permit, the application, the draft being indexed, the new one
  });

  it('a case rule covers case numbers stored with look-alike dashes or letters, and new documents stored so', async () => {
    // As an archive holds them from before signatures were normalised (a raw --case value), or as a
    // document management system wrote them.
    const permit = bySeedName('decyzja_pnb_123_2019.pdf');
    const a = await archive([{ ...permit, caseNumber: 'WUA\u2010ZRB.6740.1.123.2019' }, bySeedName('decyzja_wz_1444.pdf')]);
    const rule = a.store.add({ scope: 'case', value: 'WUA-ZRB.6740.1.123.2019', principals: [{ kind: 'user', value: 'anna' }] }, admin);
    expect(rule.documents).toBe(1);
    expect(await a.sees(ewa, 'decyzja_pnb_123_2019.pdf')).toBe(false);
    expect(await a.sees(anna, 'decyzja_pnb_123_2019.pdf')).toBe(true);
    expect(await a.sees(ewa, 'decyzja_wz_1444.pdf')).toBe(true);
    await a.ingest({ ...another(permit, 'pismo.pdf'), caseNumber: 'WU\u0410\u2013ZRB.6740.1.123.2019' });
    expect(await a.sees(ewa, 'pismo.pdf')).toBe(false);
    // Not a signature at all: still compared with look-alikes, case and spaces folded.
    const odd = await archive([{ ...permit, caseNumber: 'Sprawa\u2011sporna\u00a0nr 7' }]);
    expect(odd.store.add({ scope: 'case', value: 'sprawa-sporna nr 7', principals: [{ kind: 'user', value: 'anna' }] }, admin).documents).toBe(1);
  });

  it('a folder rule covers what was stored from under the folder, not from a folder whose name merely starts the same', async () => {
    const a = await archive();
    const source = a.db.prepare('SELECT source_path FROM documents WHERE id = ?').pluck().get(Number(a.idOf('decyzja_wz_1444.pdf'))) as string;
    const folder = path.dirname(source);
    const prefixOnly = a.store.add({ scope: 'folder', value: folder.slice(0, -1), principals: [{ kind: 'role', value: 'supervisor' }] }, admin);
    expect(prefixOnly.documents).toBe(0);
    const rule = a.store.add({ scope: 'folder', value: `${folder}${path.sep}`, principals: [{ kind: 'role', value: 'supervisor' }] }, admin);
    expect(rule).toMatchObject({ value: folder, documents: 1 });
    expect(await a.sees(ewa, 'decyzja_wz_1444.pdf')).toBe(false);
    expect(await a.sees(sonia, 'decyzja_wz_1444.pdf')).toBe(true);
    // The whole data dir holds every seed's source folder.
    expect(a.store.add({ scope: 'folder', value: a.dataDir, principals: [{ kind: 'role', value: 'admin' }] }, admin).documents).toBe(SEED_DOCUMENTS.length);
  });

  it('several rules on a document admit only who every rule admits; lifting one restores what the others allow', async () => {
    const a = await archive();
    const permit = a.idOf('decyzja_pnb_123_2019.pdf');
    const first = a.store.add({ scope: 'document', value: permit, principals: [{ kind: 'user', value: 'anna' }, { kind: 'role', value: 'supervisor' }] }, admin);
    const second = a.store.add({ scope: 'document', value: permit, principals: [{ kind: 'role', value: 'clerk' }] }, admin);
    expect([await a.sees(anna, 'decyzja_pnb_123_2019.pdf'), await a.sees(sonia, 'decyzja_pnb_123_2019.pdf'), await a.sees(ewa, 'decyzja_pnb_123_2019.pdf')]).toEqual([true, false, false]);
    a.store.remove(second.id, admin);
    expect([await a.sees(anna, 'decyzja_pnb_123_2019.pdf'), await a.sees(sonia, 'decyzja_pnb_123_2019.pdf'), await a.sees(ewa, 'decyzja_pnb_123_2019.pdf')]).toEqual([true, true, false]);
    a.store.remove(first.id, admin);
    expect(await a.sees(ewa, 'decyzja_pnb_123_2019.pdf')).toBe(true);
    expect(a.store.list()).toEqual([]);
    expect(a.store.list({ includeRemoved: true }).map((r) => [r.id, r.removedBy, r.documents])).toEqual([[first.id, 'cli:test', 0], [second.id, 'cli:test', 0]]);
    expect(() => a.store.remove(first.id, admin)).toThrow(/nie ma aktywnego ograniczenia/);
  });

  it('records every addition and removal in the audit trail, and the chain still verifies', async () => {
    const a = await archive();
    const rule = a.store.add({ scope: 'case', value: 'UA-AB/7351/784/2010', principals: [{ kind: 'role', value: 'supervisor' }], reason: 'kontrola' }, admin);
    a.store.remove(rule.id, admin);
    const log = new AuditLog(a.db);
    const events = log.list({ action: 'restriction.added', limit: 10, offset: 0 }).items.concat(log.list({ action: 'restriction.removed', limit: 10, offset: 0 }).items);
    expect(events.map((e) => [e.action, e.actorName, e.target, e.details])).toEqual([
      ['restriction.added', 'cli:test', `restriction:${rule.id}`, { id: rule.id, scope: 'case', value: 'UA-AB/7351/784/2010', principals: [{ kind: 'role', value: 'supervisor' }], reason: 'kontrola', documents: 1 }],
      ['restriction.removed', 'cli:test', `restriction:${rule.id}`, { id: rule.id, scope: 'case', value: 'UA-AB/7351/784/2010', principals: [{ kind: 'role', value: 'supervisor' }], documents: 1 }],
    ]);
    expect(log.verify().ok).toBe(true);
  });

  it('refuses a rule nobody could use or that names nothing, and stores nothing then', async () => {
    const a = await archive();
    const refused = (input: unknown) => {
      try {
        a.store.add(input, admin);
      } catch (err) {
        return err instanceof DomainError ? `${err.code}: ${err.message}` : String(err);
      }
      return 'accepted';
    };
    expect(refused({ scope: 'case', value: 'X', principals: [{ kind: 'user', value: 'ktos' }] })).toBe('invalid_restriction: nie ma użytkownika ktos');
    expect(refused({ scope: 'case', value: 'X', principals: [{ kind: 'role', value: 'szef' }] })).toMatch(/^invalid_restriction: nieznana rola: szef/);
    expect(refused({ scope: 'case', value: 'X', principals: [] })).toMatch(/^invalid_restriction: .*co najmniej jednego/);
    expect(refused({ scope: 'folder', value: 'wzgledna', principals: [{ kind: 'role', value: 'clerk' }] })).toMatch(/^invalid_restriction: folder musi być ścieżką bezwzględną/);
    expect(refused({ scope: 'document', value: '999999', principals: [{ kind: 'role', value: 'clerk' }] })).toMatch(/^document_not_found/);
    expect(refused({ scope: 'shelf', value: 'X', principals: [{ kind: 'role', value: 'clerk' }] })).toMatch(/^invalid_restriction/);
    expect(a.store.list({ includeRemoved: true })).toEqual([]);
  });
});

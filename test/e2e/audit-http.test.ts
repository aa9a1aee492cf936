/**
 * The supervisors' audit API over HTTP on the ingested sample archive: a clerk searches; a
 * supervisor finds that search in the log, reopens it exactly as the clerk got it, records verdicts
 * (a newer one supersedes, nothing is edited) and reads the weekly summary. Clerks and records staff
 * are refused; bad input is a 400, an unknown search a 404. Every audit view shows what its reader
 * may see now: identifiers masked for an admin (not a PESEL-visible role by default), documents of
 * a case restricted to someone else never named — in stored searches and in events alike. Reading
 * the trail is recorded, one entry per read.
 */
import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { createApp } from '../../server/http/app.js';
import { silentLogger } from '../../server/log.js';
import { localDay } from '../../server/domain/time.js';
import { appDeps, createSearchRuntime, type SearchRuntime } from '../../server/main.js';
import type { AgentResponse } from '../../server/services/agent.service.js';
import { sampleArchiveCopy } from '../helpers/sample-archive.js';

const SIGNATURE = 'WUA-ZRB.6740.1.786.2019';
const QUESTION = `Jaka decyzja zapadła w sprawie ${SIGNATURE}?`;
const PESEL = '85010112345';

interface Listed {
  total: number;
  searches: { id: string; userName: string | null; createdAt: string; question: string; mode: string; resultCount: number }[];
}
interface Opened {
  id: string;
  question: string;
  userName: string;
  response: AgentResponse;
  verdicts: { rank: number; documentId: string; verdict: string; userName: string; createdAt: string }[];
  history: { verdict: string; documentId: string | null }[];
}
interface Event {
  seq: number;
  action: string;
  actorName: string | null;
  target: string | null;
  details: Record<string, unknown>;
}
interface Events {
  total: number;
  events: Event[];
}

describe('audit API: past searches and verdicts', () => {
  let dataDir: string;
  let rt: SearchRuntime;
  let server: http.Server;
  let base: string;
  const tokens: Record<'clerk' | 'records' | 'supervisor' | 'admin', string> = { clerk: '', records: '', supervisor: '', admin: '' };
  let shown: AgentResponse;

  const call = (who: keyof typeof tokens, path: string, body?: unknown) =>
    fetch(base + path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${tokens[who]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const json = async <T>(res: Response, status = 200): Promise<T> => {
    expect(res.status).toBe(status);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    dataDir = await sampleArchiveCopy('audit-http');
    rt = await createSearchRuntime(loadConfig({ KWERENDA_DATA_DIR: dataDir }), { logger: silentLogger });
    tokens.clerk = rt.users.add('anna', 'clerk').token;
    tokens.records = rt.users.add('rafal', 'records').token;
    tokens.supervisor = rt.users.add('sonia', 'supervisor').token;
    tokens.admin = rt.users.add('adam', 'admin').token;
    const app = createApp(appDeps(rt));
    server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    shown = await json<AgentResponse>(await call('clerk', '/api/agent/search', { question: QUESTION }));
    expect(shown.results.length).toBeGreaterThan(1);
  }, 600_000);

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await rt?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the clerk\'s search with who, when, question, mode and result count; filters by user and date', async () => {
    const all = await json<Listed>(await call('supervisor', '/api/audit/searches'));
    const row = all.searches.find((s) => s.id === shown.id);
    expect(row).toMatchObject({ userName: 'anna', question: QUESTION, mode: shown.mode, resultCount: shown.results.length });
    expect(row!.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    const today = localDay(row!.createdAt, 'Europe/Warsaw'); // the filters name the city's days
    const byAnna = await json<Listed>(await call('supervisor', `/api/audit/searches?user=anna&dateFrom=${today}&dateTo=${today}`));
    expect(byAnna.searches.map((s) => s.id)).toContain(shown.id);
    expect((await json<Listed>(await call('supervisor', '/api/audit/searches?user=sonia'))).total).toBe(0);
    const tomorrow = new Date(Date.parse(today) + 86_400_000).toISOString().slice(0, 10);
    expect((await json<Listed>(await call('supervisor', `/api/audit/searches?dateFrom=${tomorrow}`))).total).toBe(0);
    const yesterday = new Date(Date.parse(today) - 86_400_000).toISOString().slice(0, 10);
    expect((await json<Listed>(await call('admin', `/api/audit/searches?dateTo=${yesterday}`))).total).toBe(0);

    await json(await call('supervisor', '/api/audit/searches?dateFrom=2026-13-45x'), 400);
    await json(await call('supervisor', `/api/audit/searches?dateFrom=${tomorrow}&dateTo=${today}`), 400);
    await json(await call('supervisor', '/api/audit/searches?sort=question'), 400);
  });

  it('opens the search exactly as the clerk received it', async () => {
    const opened = await json<Opened>(await call('supervisor', `/api/audit/searches/${shown.id}`));
    expect(opened.response).toEqual(shown);
    expect(opened.userName).toBe('anna');
    expect(opened.verdicts).toEqual([]);
  });

  it('records verdicts with who and when; a newer verdict supersedes, the history stays', async () => {
    const first = await json<{ rank: number; verdict: string; documentId: string }>(
      await call('supervisor', `/api/audit/searches/${shown.id}/verdicts`, { rank: 1, verdict: 'relevant' }), 201);
    expect(first).toMatchObject({ rank: 1, verdict: 'relevant', documentId: shown.results[0]!.document.id });
    await json(await call('admin', `/api/audit/searches/${shown.id}/verdicts`, { rank: 1, verdict: 'citation_wrong' }), 201);
    await json(await call('supervisor', `/api/audit/searches/${shown.id}/verdicts`, { rank: 2, verdict: 'not_relevant' }), 201);

    const opened = await json<Opened>(await call('supervisor', `/api/audit/searches/${shown.id}`));
    expect(opened.verdicts.map((v) => [v.rank, v.verdict, v.userName])).toEqual([
      [1, 'citation_wrong', 'adam'],
      [2, 'not_relevant', 'sonia'],
    ]);
    expect(opened.history.map((v) => v.verdict)).toEqual(['relevant', 'citation_wrong', 'not_relevant']);
    expect(opened.response).toEqual(shown);

    // Append-only in the database itself, not only through the API.
    expect(() => rt.db.prepare("UPDATE verdicts SET verdict = 'relevant'").run()).toThrow(/append-only/);
    expect(() => rt.db.prepare('DELETE FROM verdicts').run()).toThrow(/append-only/);
  });

  it('summarises current verdicts per week', async () => {
    const s = await json<{ weeks: { weekStart: string; relevant: number; notRelevant: number; citationWrong: number; total: number; precision: number }[] }>(
      await call('supervisor', '/api/audit/verdicts/summary'));
    const now = new Date();
    const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - ((now.getUTCDay() + 6) % 7)));
    expect(s.weeks).toEqual([
      { weekStart: monday.toISOString().slice(0, 10), relevant: 0, notRelevant: 1, citationWrong: 1, total: 2, precision: 0 },
    ]);
  });

  it('rejects a rank the search did not show, an unknown verdict, extra fields; 404 for an unknown search', async () => {
    const url = `/api/audit/searches/${shown.id}/verdicts`;
    for (const body of [
      { rank: shown.results.length + 1, verdict: 'relevant' },
      { rank: 0, verdict: 'relevant' },
      { rank: '1', verdict: 'relevant' },
      { rank: 1, verdict: 'maybe' },
      { rank: 1 },
      { rank: 1, verdict: 'relevant', note: 'x' },
    ]) {
      const e = await json<{ error: { code: string; message: string } }>(await call('supervisor', url, body), 400);
      expect(e.error.code).toBe('invalid_verdict');
    }
    const bad = await fetch(base + url, { method: 'POST', headers: { authorization: `Bearer ${tokens.supervisor}`, 'content-type': 'application/json' }, body: '{"rank":' });
    expect(bad.status).toBe(400);
    await json(await call('supervisor', '/api/audit/searches/00000000-0000-4000-8000-000000000000'), 404);
    await json(await call('supervisor', '/api/audit/searches/00000000-0000-4000-8000-000000000000/verdicts', { rank: 1, verdict: 'relevant' }), 404);
    await json(await call('supervisor', '/api/audit/searches/..%2F..%2Fetc'), 404);
    const opened = await json<Opened>(await call('supervisor', `/api/audit/searches/${shown.id}`));
    expect(opened.history).toHaveLength(3);
  });

  it('refuses clerks and records staff with a Polish 403, and writes nothing for them', async () => {
    for (const who of ['clerk', 'records'] as const) {
      for (const [path, body] of [
        ['/api/audit/searches', undefined],
        [`/api/audit/searches/${shown.id}`, undefined],
        [`/api/audit/searches/${shown.id}/verdicts`, { rank: 1, verdict: 'relevant' }],
        ['/api/audit/verdicts/summary', undefined],
        ['/api/audit/searches/unknown', undefined],
      ] as const) {
        const e = await json<{ error: { code: string; message: string } }>(await call(who, path, body), 403);
        expect(e.error.code).toBe('forbidden');
        expect(e.error.message).toMatch(/brak uprawnień/);
        expect(JSON.stringify(e)).not.toContain(QUESTION);
      }
    }
    expect((await fetch(`${base}/api/audit/searches`)).status).toBe(401);
    const opened = await json<Opened>(await call('supervisor', `/api/audit/searches/${shown.id}`));
    expect(opened.history).toHaveLength(3);
  });

  it('masks identifiers in every audit view for a role that may not see them (admin by default)', async () => {
    const own = await json<AgentResponse>(await call('supervisor', '/api/agent/search', { question: `decyzja dla inwestora PESEL ${PESEL} w sprawie ${SIGNATURE}` }));
    const listed = (who: 'supervisor' | 'admin') => call(who, '/api/audit/searches?user=sonia').then((r) => json<Listed>(r));
    expect(JSON.stringify(await listed('supervisor'))).toContain(PESEL);
    const forAdmin = await listed('admin');
    expect(forAdmin.searches.find((s) => s.id === own.id)!.question).toContain('•'.repeat(11));
    expect(JSON.stringify(forAdmin)).not.toContain(PESEL);

    const opened = await json<Opened>(await call('admin', `/api/audit/searches/${own.id}`));
    expect(opened.question).toContain('•'.repeat(11));
    expect(JSON.stringify(opened)).not.toContain(PESEL);
    expect((await json<Opened>(await call('supervisor', `/api/audit/searches/${own.id}`))).response).toEqual(own);

    const events = await json<Events>(await call('admin', '/api/audit/events?action=search&user=sonia'));
    expect(events.events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain(PESEL);
    expect(JSON.stringify(await json<Events>(await call('supervisor', '/api/audit/events?action=search&user=sonia')))).toContain(PESEL);
  });

  it('names no document of a case restricted to someone else, in stored searches and in events', async () => {
    const restricted = shown.results.filter((r) => r.document.caseNumber === SIGNATURE).map((r) => r.document.id);
    expect(restricted.length).toBeGreaterThan(0);
    await json(await call('clerk', `/api/documents/${restricted[0]}`)); // a view, logged before the rule
    const REASON = 'postępowanie prokuratorskie w toku';
    await json(await call('admin', '/api/restrictions', { scope: 'case', value: SIGNATURE, principals: [{ kind: 'user', value: 'adam' }], reason: REASON }), 201);

    const opened = await json<Opened>(await call('supervisor', `/api/audit/searches/${shown.id}`));
    const hiddenRanks = shown.results.filter((r) => restricted.includes(r.document.id)).map((r) => r.rank);
    for (const rank of hiddenRanks) expect(opened.response.results.find((r) => r.rank === rank)).toEqual({ rank, restricted: true });

    const all = await json<Events>(await call('supervisor', '/api/audit/events?limit=200'));
    const named = (e: Event) => restricted.some((id) => e.target === id || e.details.documentId === id || (e.details.resultIds as unknown[] | undefined)?.includes(id));
    expect(all.events.filter(named)).toEqual([]);
    const rule = all.events.find((e) => e.action === 'restriction.added')!;
    expect(rule.details).toEqual({ id: expect.any(Number), scope: 'case', restricted: true });
    expect(JSON.stringify(all)).not.toContain(REASON);
    const view = all.events.find((e) => e.action === 'document.view' && e.actorName === 'anna')!;
    expect(view).toMatchObject({ target: null, details: { restricted: true } });
    const search = all.events.find((e) => e.action === 'search' && e.details.searchId === shown.id)!;
    expect((search.details.resultIds as (string | null)[]).filter((x) => x === null)).toHaveLength(hiddenRanks.length);
    expect(all.events.some((e) => e.action === 'verdict' && hiddenRanks.includes(e.details.rank as number) && e.details.documentId === null)).toBe(true);

    // The admin the rule names sees all of it.
    const forAdam = await json<Events>(await call('admin', '/api/audit/events?limit=200'));
    expect(forAdam.events.find((e) => e.action === 'restriction.added')!.details).toMatchObject({ value: SIGNATURE, reason: REASON });
    expect(forAdam.events.filter(named).length).toBeGreaterThan(0);
  });

  it('records each read of the trail (who, which view, filters), one entry per read, none for a refused one', async () => {
    const count = () => (rt.db.prepare("SELECT count(*) AS n FROM audit_events WHERE action = 'audit.read'").get() as { n: number }).n;
    const before = count();
    await json(await call('supervisor', '/api/audit/events?user=anna&action=document'));
    await json(await call('supervisor', `/api/audit/searches/${shown.id}`));
    await json(await call('supervisor', '/api/audit/searches?user=anna'));
    await json(await call('supervisor', '/api/audit/verdicts/summary'));
    await json(await call('supervisor', '/api/audit/events?dateFrom=bad'), 400);
    await json(await call('supervisor', '/api/audit/searches/00000000-0000-4000-8000-000000000000'), 404);
    expect(count()).toBe(before + 4);

    const reads = await json<Events>(await call('admin', '/api/audit/events?action=audit.read&user=sonia&limit=4'));
    expect(reads.events.map((e) => [e.details.view, e.target, e.details.filters ?? null])).toEqual([
      ['verdicts.summary', null, null],
      ['searches', null, { user: 'anna', limit: 50, offset: 0 }],
      ['search', `search:${shown.id}`, null],
      ['events', null, { user: 'anna', action: 'document', limit: 50, offset: 0 }],
    ]);
    // The event log leaves reads out unless asked: reading it again and again does not grow it.
    const a = await json<Events>(await call('supervisor', '/api/audit/events'));
    const b = await json<Events>(await call('supervisor', '/api/audit/events'));
    expect(b.total).toBe(a.total);
    expect(a.events.some((e) => e.action === 'audit.read')).toBe(false);
  });
});

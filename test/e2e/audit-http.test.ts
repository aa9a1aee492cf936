/**
 * The supervisors' audit API over HTTP on the ingested sample archive: a clerk searches; a
 * supervisor finds that search in the log, reopens it exactly as the clerk got it, records verdicts
 * (a newer one supersedes, nothing is edited) and reads the weekly summary. Clerks and records staff
 * are refused; bad input is a 400, an unknown search a 404.
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

const QUESTION = 'Jaka decyzja zapadła w sprawie WUA-ZRB.6740.1.786.2019?';

interface Listed {
  total: number;
  searches: { id: string; userName: string | null; createdAt: string; question: string; mode: string; resultCount: number }[];
}
interface Opened {
  id: string;
  userName: string;
  response: AgentResponse;
  verdicts: { rank: number; documentId: string; verdict: string; userName: string; createdAt: string }[];
  history: { verdict: string }[];
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
});

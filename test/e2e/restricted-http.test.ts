/**
 * A restricted case over HTTP, on a real server over the ingested sample archive: the admin
 * restricts case WUA-ZRB.6743.1.2043.2016 (an objection and the notification it answers) to user
 * anna. Clerk ewa then asks for it every way a clerk could — signature, parcel, address, investor,
 * words only it contains, a paraphrase — and opens its ids directly: nothing of it comes back, and
 * `notFound` reads exactly as for identifiers no document has. Counts drop by it; a supervisor
 * reopening anna's search sees its results as `{rank, restricted: true}` and cannot judge them; a
 * model's plan term that only the case contains is not grounded for ewa. Anna gets all of it, and
 * lifting the rule gives it back to everyone.
 */
import fs from 'node:fs';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { silentLogger } from '../../server/log.js';
import { createHttpServer, createSearchRuntime, type SearchRuntime } from '../../server/main.js';
import type { AgentResponse } from '../../server/services/agent.service.js';
import { blockNetwork, reply, startOpenAiStub, type OpenAiStub } from '../helpers/openai-stub.js';
import { sampleArchiveCopy, sampleFile } from '../helpers/sample-archive.js';

const SIG = 'WUA-ZRB.6743.1.2043.2016';
const FILES = [`${SIG}/sprzeciw.pdf`, `${SIG}/zgłoszenie.png`];
type Who = 'anna' | 'ewa' | 'sonia' | 'rafal' | 'adam';

/** Questions about the case, each with a twin about something no document has (same shape). */
const IDENTIFIER_QUESTIONS: [string, string, string][] = [
  ['signature', `Jaka decyzja zapadła w sprawie ${SIG}?`, 'WUA-ZRB.6743.1.2099.2016'],
  ['parcel', 'co wydano dla działki 282/12 obręb Pracze Odrzańskie', '282/99'],
  ['address', 'garaż przy ul. Szczecińska 103', 'Szczecińska 999'],
  ['investor', 'sprawy Pani Żanety Żak', 'Żanety Żuk'],
];
const ORIGINAL: Record<string, string> = { signature: SIG, parcel: '282/12', address: 'Szczecińska 103', investor: 'Żanety Żak' };
const OWN_WORDS = 'dach jednospadowy z blachy trapezowej w kolorze grafitowym';
const PARAPHRASE = 'urząd nie zgodził się na wolnostojący garaż zgłoszony bez pozwolenia';

describe('a restricted case over HTTP', () => {
  let dataDir: string;
  let rt: SearchRuntime;
  let llmRt: SearchRuntime;
  let stub: OpenAiStub;
  let unblock: () => void;
  const servers: http.Server[] = [];
  let base = '';
  let llmBase = '';
  const tokens = {} as Record<Who, string>;
  let hidden: string[] = [];
  let shas: string[] = [];
  let ruleId = 0;
  let before: { documents: number; pages: number };

  const call = (who: Who, path: string, opts: { method?: string; body?: unknown; llm?: boolean } = {}) =>
    fetch((opts.llm ? llmBase : base) + path, {
      method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
      headers: { authorization: `Bearer ${tokens[who]}`, ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
    });
  const json = async <T>(res: Response, status = 200): Promise<T> => {
    expect(res.status, await res.clone().text()).toBe(status);
    return (await res.json()) as T;
  };
  const ask = async (who: Who, question: string, llm = false) =>
    json<AgentResponse>(await call(who, '/api/agent/search', { body: { question }, llm }));
  const direct = async (who: Who, q: string) => json<AgentResponse>(await call(who, `/api/search?q=${encodeURIComponent(q)}`));
  const ids = (r: AgentResponse) => r.results.map((x) => x.document.id);
  const showsHidden = (r: AgentResponse) => ids(r).some((id) => hidden.includes(id));
  /** The response with its id, question and the identifier's value taken out. */
  const shape = (r: AgentResponse, value: string) =>
    JSON.parse(JSON.stringify({ ...r, id: null, question: null }).split(value).join('<X>')) as unknown;

  beforeAll(async () => {
    dataDir = await sampleArchiveCopy('restricted-http');
    stub = await startOpenAiStub();
    unblock = blockNetwork();
    rt = await createSearchRuntime(loadConfig({ KWERENDA_DATA_DIR: dataDir }), { logger: silentLogger });
    llmRt = await createSearchRuntime(
      loadConfig({ KWERENDA_DATA_DIR: dataDir, LLM_BASE_URL: stub.baseUrl, LLM_MODEL: 'bielik', LLM_RERANK: 'false', LLM_TIMEOUT_MS: '5000' }),
      { logger: silentLogger },
    );
    const roles: Record<Who, 'clerk' | 'supervisor' | 'records' | 'admin'> = { anna: 'clerk', ewa: 'clerk', sonia: 'supervisor', rafal: 'records', adam: 'admin' };
    for (const [who, role] of Object.entries(roles) as [Who, typeof roles[Who]][]) tokens[who] = rt.users.add(who, role).token;
    for (const [r, set] of [[rt, (u: string) => (base = u)], [llmRt, (u: string) => (llmBase = u)]] as const) {
      const server = await createHttpServer(r, '127.0.0.1', 0);
      servers.push(server);
      const addr = server.address();
      set(`http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`);
    }
    shas = FILES.map((f) => sampleFile(f).sha256);
    hidden = (rt.db.prepare('SELECT id FROM documents WHERE sha256 IN (?, ?) ORDER BY id').pluck().all(...shas) as number[]).map(String);
    expect(hidden).toHaveLength(2);
    before = await json(await call('rafal', '/api/archive/overview'));
    // Before the rule, ewa finds the case like any other.
    expect(showsHidden(await ask('ewa', IDENTIFIER_QUESTIONS[0]![1]))).toBe(true);
    const rule = await json<{ id: number; documents: number }>(
      await call('adam', '/api/restrictions', { body: { scope: 'case', value: SIG, principals: [{ kind: 'user', value: 'anna' }], reason: 'postępowanie wyjaśniające' } }),
      201,
    );
    expect(rule.documents).toBe(2);
    ruleId = rule.id;
  }, 600_000);

  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
    await rt?.close();
    await llmRt?.close();
    await stub?.close();
    unblock?.();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the rule is listed for admins only, and its addition is in the audit trail', async () => {
    const listed = await json<{ restrictions: { id: number; scope: string; value: string; principals: unknown[] }[] }>(await call('adam', '/api/restrictions'));
    expect(listed.restrictions).toEqual([expect.objectContaining({ id: ruleId, scope: 'case', value: SIG, principals: [{ kind: 'user', value: 'anna' }] })]);
    await json(await call('anna', '/api/restrictions'), 403);
    await json(await call('sonia', '/api/restrictions', { body: { scope: 'case', value: SIG, principals: [{ kind: 'role', value: 'supervisor' }] } }), 403);
    await json(await call('adam', '/api/restrictions', { body: { scope: 'case', value: SIG, principals: [{ kind: 'user', value: 'nieznany' }] } }), 400);
    await json(await call('adam', '/api/restrictions', { body: { scope: 'folder', value: 'względna/ścieżka', principals: [{ kind: 'role', value: 'clerk' }] } }), 400);
    const events = await json<{ events: { action: string; actorName: string; details: Record<string, unknown> }[] }>(
      await call('adam', '/api/audit/events?action=restriction.added'),
    );
    expect(events.events).toEqual([
      expect.objectContaining({ actorName: 'adam', details: expect.objectContaining({ id: ruleId, scope: 'case', value: SIG, principals: [{ kind: 'user', value: 'anna' }] }) }),
    ]);
    // A supervisor the rule does not name sees that a rule was added, not what it covers or whom it admits.
    const seen = await json<{ events: { actorName: string; details: Record<string, unknown> }[] }>(await call('sonia', '/api/audit/events?action=restriction.added'));
    expect(seen.events).toEqual([expect.objectContaining({ actorName: 'adam', details: { id: ruleId, scope: 'case', restricted: true } })]);
    expect(JSON.stringify(seen)).not.toContain(SIG);
  });

  it.each(IDENTIFIER_QUESTIONS)('ewa asking by %s gets what she would get for one no document has', async (_kind, question, twin) => {
    const real = await ask('ewa', question);
    expect(showsHidden(real)).toBe(false);
    expect(real.notFound ?? []).toHaveLength(1);
    const none = await ask('ewa', question.replace(ORIGINAL[_kind]!, twin));
    expect(shape(real, ORIGINAL[_kind]!)).toEqual(shape(none, twin));
    expect(showsHidden(await direct('ewa', question))).toBe(false);
    // Anna, whom the rule names, finds it, and nothing is reported missing.
    const hers = await ask('anna', question);
    expect(showsHidden(hers)).toBe(true);
    expect(hers.notFound).toBeUndefined();
  });

  it('words only the case contains and a paraphrase of it find nothing of it for ewa, and it for anna', async () => {
    for (const q of [OWN_WORDS, PARAPHRASE]) {
      expect(showsHidden(await ask('ewa', q)), q).toBe(false);
      expect(showsHidden(await direct('ewa', q)), q).toBe(false);
      expect(showsHidden(await ask('anna', q)), q).toBe(true);
    }
  });

  it('its document, page, page image and files answer ewa exactly like a document that does not exist', async () => {
    for (const suffix of ['', '/pages/1', '/pages/1/image', '/file/masked']) {
      const missing = await call('ewa', `/api/documents/999999${suffix}`);
      for (const id of hidden) {
        const res = await call('ewa', `/api/documents/${id}${suffix}`);
        expect([res.status, await res.json()], `${id}${suffix}`).toEqual([missing.status, await missing.clone().json()]);
      }
      expect(missing.status).toBe(404);
      // Anna opens the same.
      const hers = await call('anna', `/api/documents/${hidden[0]}${suffix}`);
      expect(hers.status, suffix).toBe(200);
    }
    expect((await json<{ error: { code: string } }>(await call('ewa', `/api/documents/${hidden[1]}/file/masked`), 404)).error.code).toBe('document_not_found');
    // The original, for a role that may download originals but is not named in the restriction.
    const missing = await (await call('rafal', '/api/documents/999999/file')).json();
    for (const id of hidden) {
      const res = await call('rafal', `/api/documents/${id}/file`);
      expect([res.status, await res.json()], `${id}/file`).toEqual([404, missing]);
    }
  });

  it('the documents of an original file (by its SHA-256) are listed to anna and answer ewa like a file not in the archive', async () => {
    type Listed = { sha256: string; documents: { id: string; source: { sha256: string }; metadata: { kind: string; page: number | null }[] }[] };
    const hers = await json<Listed>(await call('anna', `/api/documents?sha256=${shas[0]!.toUpperCase()}`));
    expect(hers.sha256).toBe(shas[0]);
    expect(hers.documents.map((d) => d.id)).toEqual([hidden[0]]);
    expect(hers.documents[0]!.source.sha256).toBe(shas[0]);
    expect(hers.documents[0]!.metadata.some((m) => m.kind === 'caseNumber' && m.page !== null)).toBe(true);
    const unknown = await json<Listed>(await call('ewa', `/api/documents?sha256=${'0'.repeat(64)}`));
    expect(await json<Listed>(await call('ewa', `/api/documents?sha256=${shas[0]}`))).toEqual({ ...unknown, sha256: shas[0] });
    expect(unknown.documents).toEqual([]);
    for (const bad of ['', '?sha256=abc', `?sha256=${'g'.repeat(64)}`]) {
      const err = await json<{ error: { code: string; message: string } }>(await call('anna', `/api/documents${bad}`), 400);
      expect(err.error.code, bad).toBe('invalid_request');
      expect(err.error.message, bad).toMatch(/sha256/);
    }
  });

  it('the archive overview counts only what the viewer may read', async () => {
    const pages = rt.db.prepare('SELECT count(*) FROM pages WHERE document_id IN (?, ?)').pluck().get(...hidden) as number;
    for (const who of ['rafal', 'sonia', 'adam'] as const) {
      const o = await json<{ documents: number; pages: number }>(await call(who, '/api/archive/overview'));
      expect([who, o.documents, o.pages]).toEqual([who, before.documents - 2, before.pages - pages]);
    }
  });

  it("a supervisor reopening anna's search sees its restricted results as {rank, restricted: true} and cannot judge them", async () => {
    const shown = await ask('anna', IDENTIFIER_QUESTIONS[0]![1]);
    const ranks = shown.results.filter((r) => hidden.includes(r.document.id)).map((r) => r.rank);
    expect(ranks.length).toBeGreaterThan(0);
    const opened = await json<{ response: AgentResponse & { results: Record<string, unknown>[] } }>(await call('sonia', `/api/audit/searches/${shown.id}`));
    for (const r of opened.response.results) {
      if (ranks.includes(r.rank as number)) expect(r).toEqual({ rank: r.rank, restricted: true });
      else expect(r).toEqual(shown.results.find((x) => x.rank === r.rank));
    }
    const text = JSON.stringify(opened);
    for (const leak of [...shas, 'sprzeciw.pdf', 'zgłoszenie.png', 'Żak', 'DECYZJA NR 879/2016']) expect(text).not.toContain(leak);
    const refused = await json<{ error: { code: string } }>(
      await call('sonia', `/api/audit/searches/${shown.id}/verdicts`, { body: { rank: ranks[0], verdict: 'relevant' } }),
      403,
    );
    expect(refused.error.code).toBe('result_restricted');
    const visible = shown.results.find((r) => !ranks.includes(r.rank));
    if (visible) await json(await call('sonia', `/api/audit/searches/${shown.id}/verdicts`, { body: { rank: visible.rank, verdict: 'relevant' } }), 201);
  });

  it("a model's plan term that only the case contains is grounded for anna, not for ewa; the case it followed is not named to a supervisor", async () => {
    stub.setFallback((req) =>
      JSON.stringify(req.body).includes('garaży')
        ? reply.json({ steps: [{ type: 'identifier', kind: 'parcel', value: '282/12' }, { type: 'keyword', query: 'zgłoszenie garażu' }, { type: 'followCase' }] })
        : undefined,
    );
    const question = 'jakie pisma dotyczą garaży';
    const ewas = await ask('ewa', question, true);
    expect(JSON.stringify(ewas.plan)).not.toContain('282/12');
    expect(showsHidden(ewas)).toBe(false);
    const annas = await ask('anna', question, true);
    expect(annas.mode).toBe('llm');
    expect(annas.plan.find((s) => s.label.includes('282/12'))?.hits).toBe(2);
    expect(annas.plan.at(-1)!.label).toContain(SIG);
    expect(showsHidden(annas)).toBe(true);
    const opened = await json<unknown>(await call('sonia', `/api/audit/searches/${annas.id}`));
    expect(JSON.stringify(opened)).not.toContain(SIG);
    expect(stub.unexpected).toEqual([]);
  });

  it('lifting the rule gives the case back to everyone, and is in the audit trail', async () => {
    await json(await call('adam', `/api/restrictions/${ruleId}`, { method: 'DELETE' }));
    await json(await call('adam', `/api/restrictions/${ruleId}`, { method: 'DELETE' }), 404);
    await json(await call('ewa', `/api/documents/${hidden[0]}`));
    expect(showsHidden(await ask('ewa', IDENTIFIER_QUESTIONS[1]![1]))).toBe(true);
    expect(await json(await call('rafal', '/api/archive/overview'))).toEqual(before);
    const events = await json<{ events: { details: Record<string, unknown> }[] }>(await call('adam', '/api/audit/events?action=restriction.removed'));
    expect(events.events).toEqual([expect.objectContaining({ details: expect.objectContaining({ id: ruleId, scope: 'case', value: SIG, documents: 2 }) })]);
    const seen = await json<{ events: { details: Record<string, unknown> }[] }>(await call('sonia', '/api/audit/events?action=restriction.removed'));
    expect(seen.events).toEqual([expect.objectContaining({ details: { id: ruleId, scope: 'case', restricted: true } })]);
  });
});

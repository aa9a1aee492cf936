/**
 * The MCP server with the SDK's own client, over both transports, on the ingested sample archive:
 * streamable HTTP on a real API server (`/mcp`, also `/api/mcp`; bearer tokens) and stdio (`kwerenda mcp`
 * spawned as a process). A search returns what `POST /api/agent/search` returns, every citation is
 * the stored page text, pages come back with the span marked, roles and tokens are enforced, a bad
 * argument is an MCP error and not a crash, and the audit trail has the search.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb } from 'pdf-lib';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { silentLogger } from '../../server/log.js';
import { createHttpServer, createSearchRuntime, type SearchRuntime } from '../../server/main.js';
import { hashPassword } from '../../server/security/passwords.js';
import type { AgentResponse } from '../../server/services/agent.service.js';
import { fontBytes } from '../../fixtures/fonts.js';
import { cliPath, tempDir } from '../helpers/paths.js';
import { sampleArchiveCopy, sampleFile } from '../helpers/sample-archive.js';

const SIGNATURE_QUESTION = 'wszystkie pisma w sprawie WUA-ZWZ.6730.2.531.2022';
const PASSWORD = 'Haslo-do-testu-MCP-2024';
const PESEL = '85010112345';

/** A born-digital application naming its investor by PESEL (the sample archive holds none). */
async function writeApplication(file: string): Promise<void> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const font = await pdf.embedFont(fontBytes('sans-r'), { subset: true });
  const page = pdf.addPage([595, 842]);
  const lines = [
    'WNIOSEK O POZWOLENIE NA BUDOWĘ',
    'Znak sprawy: WUA-ZRB.6740.1.555.2021',
    `Inwestor: Jan Kowalski, PESEL ${PESEL}, zamieszkały we Wrocławiu.`,
    'Wnoszę o wydanie pozwolenia na budowę garażu wolnostojącego na działce nr 45/7 obręb Oporów.',
  ];
  lines.forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 22, size: 9.5, font, color: rgb(0, 0, 0) }));
  fs.writeFileSync(file, await pdf.save());
}

interface ToolResult {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
}

/** What must be equal between two searches of the same question (their ids differ). */
const shown = (r: AgentResponse) => ({
  mode: r.mode,
  plan: r.plan,
  notFound: r.notFound,
  results: r.results.map((x) => ({ rank: x.rank, id: x.document.id, sha256: x.document.source.sha256, citations: x.citations })),
});

describe('MCP server (SDK client, streamable HTTP and stdio)', () => {
  let dataDir: string;
  let rt: SearchRuntime;
  let server: Server;
  let base: string;
  let clerk: string;
  let records: string;
  let httpAnswer: AgentResponse;
  const clients: Client[] = [];

  const connectHttp = async (token: string, at: '/mcp' | '/api/mcp' = '/mcp'): Promise<Client> => {
    const client = new Client({ name: 'kwerenda-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(base + at), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    clients.push(client);
    return client;
  };
  const call = async (client: Client, name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as ToolResult;

  /** Each citation is the stored page text (HTTP page endpoint), and get_page marks exactly that span. */
  async function expectCitationsVerify(client: Client, r: AgentResponse): Promise<void> {
    let checked = 0;
    for (const res of r.results) {
      for (const c of res.citations) {
        const page = (await (await fetch(`${base}/api/documents/${res.document.id}/pages/${c.page}`, { headers: { authorization: `Bearer ${clerk}` } })).json()) as { text: string };
        expect(page.text.slice(c.start, c.end)).toBe(c.quote);
        const got = await call(client, 'get_page', { id: res.document.id, page: c.page, start: c.start, end: c.end });
        expect(got.isError).toBeFalsy();
        const s = got.structuredContent as { text: string; span: { quote: string }; marked: string };
        expect(s.text).toBe(page.text);
        expect(s.span.quote).toBe(c.quote);
        expect(got.content[0]!.text).toBe(`${page.text.slice(0, c.start)}«${c.quote}»${page.text.slice(c.end)}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  }

  beforeAll(async () => {
    dataDir = await sampleArchiveCopy('mcp');
    rt = await createSearchRuntime(loadConfig({ KWERENDA_DATA_DIR: dataDir }), { logger: silentLogger });
    clerk = rt.users.add('anna', 'clerk', { passwordHash: await hashPassword(PASSWORD) }).token;
    records = rt.users.add('roman', 'records').token;
    server = await createHttpServer(rt, '127.0.0.1', 0);
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const res = await fetch(`${base}/api/agent/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${clerk}`, 'content-type': 'application/json' },
      body: JSON.stringify({ question: SIGNATURE_QUESTION }),
    });
    expect(res.status).toBe(200);
    httpAnswer = (await res.json()) as AgentResponse;
    expect(httpAnswer.results.map((r) => r.document.source.sha256)).toContain(sampleFile('WUA-ZWZ.6730.2.531.2022/decyzja_WZ.pdf').sha256);
  }, 600_000);

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await rt?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the tools and the page resource; every description carries the quoting rule', async () => {
    const client = await connectHttp(clerk);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['get_document', 'get_page', 'search_archive']);
    for (const t of tools) {
      expect(t.description).toContain('verified');
      expect(t.description).toContain('Quote citations exactly as given');
      expect(t.description).toContain('Never present a conclusion');
    }
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((r) => r.uriTemplate)).toEqual(['kwerenda://documents/{id}/pages/{n}']);
  });

  it('search_archive over HTTP answers what POST /api/agent/search answers; citations are the page text; the search is audited', async () => {
    const client = await connectHttp(clerk);
    const got = await call(client, 'search_archive', { question: SIGNATURE_QUESTION });
    expect(got.isError).toBeFalsy();
    const r = got.structuredContent as unknown as AgentResponse;
    expect(JSON.parse(got.content[0]!.text!)).toEqual(r);
    expect(shown(r)).toEqual(shown(httpAnswer));
    expect(r.results.length).toBeGreaterThan(0);
    await expectCitationsVerify(client, r);

    const stored = rt.searches.get(r.id);
    expect(stored).toMatchObject({ userId: rt.users.byName('anna')!.id, question: SIGNATURE_QUESTION });
    const audit = rt.db.prepare("SELECT actor_name, action FROM audit_events WHERE target = ?").all(`search:${r.id}`);
    expect(audit).toEqual([{ actor_name: 'anna', action: 'search' }]);
    const pageViews = rt.db.prepare("SELECT count(*) AS n FROM audit_events WHERE action = 'page.view' AND actor_name = 'anna'").get() as { n: number };
    expect(pageViews.n).toBeGreaterThan(0);
  });

  it('search_archive says when no document meets every condition, as POST /api/agent/search does, with each result\'s conditions', async () => {
    // The sample archive's only refusal for a block of flats is from 2010.
    const question = 'odmowa pozwolenia na budowę budynku wielorodzinnego 2015';
    const client = await connectHttp(clerk);
    const r = (await call(client, 'search_archive', { question })).structuredContent as unknown as AgentResponse;
    expect(r.conditions?.map((c) => c.kind)).toEqual(['docType', 'object', 'period', 'outcome']);
    expect(r.partial?.unmet.map((c) => c.kind)).toContain('period');
    expect(r.results.every((x) => (x.conditions ?? []).length === r.conditions!.length)).toBe(true);
    const http = (await (await fetch(`${base}/api/agent/search`, { method: 'POST', headers: { authorization: `Bearer ${clerk}`, 'content-type': 'application/json' }, body: JSON.stringify({ question }) })).json()) as AgentResponse;
    expect(r.partial).toEqual(http.partial);
  });

  it('answers at /mcp and at /api/mcp alike: the same tools, the same search', async () => {
    const root = await connectHttp(clerk, '/mcp');
    const api = await connectHttp(clerk, '/api/mcp');
    expect((await api.listTools()).tools.map((t) => t.name).sort()).toEqual((await root.listTools()).tools.map((t) => t.name).sort());
    const a = (await call(root, 'search_archive', { question: SIGNATURE_QUESTION })).structuredContent as unknown as AgentResponse;
    const b = (await call(api, 'search_archive', { question: SIGNATURE_QUESTION })).structuredContent as unknown as AgentResponse;
    expect(shown(a)).toEqual(shown(httpAnswer));
    expect(shown(b)).toEqual(shown(httpAnswer));
    expect(a.id).not.toBe(b.id); // two searches, both recorded
    expect(rt.searches.get(a.id)).toMatchObject({ question: SIGNATURE_QUESTION });
    expect(rt.searches.get(b.id)).toMatchObject({ question: SIGNATURE_QUESTION });
  });

  it('get_document and the page resource return the document and the stored page text', async () => {
    const client = await connectHttp(clerk);
    const first = httpAnswer.results[0]!;
    const doc = await call(client, 'get_document', { id: first.document.id });
    expect(doc.structuredContent).toMatchObject({ id: first.document.id, source: { sha256: first.document.source.sha256 } });
    const c = first.citations[0]!;
    const res = await client.readResource({ uri: `kwerenda://documents/${first.document.id}/pages/${c.page}` });
    const text = (res.contents[0] as { text: string }).text;
    expect(text.slice(c.start, c.end)).toBe(c.quote);
    const missing = await call(client, 'get_document', { id: '999999' });
    expect(missing.isError).toBe(true);
    expect(missing.content[0]!.text).toContain('nie ma takiego dokumentu');
  });

  it('a records-role token is refused search but may read documents', async () => {
    const client = await connectHttp(records);
    const got = await call(client, 'search_archive', { question: SIGNATURE_QUESTION });
    expect(got.isError).toBe(true);
    expect(got.content[0]!.text).toContain('brak uprawnień: wyszukiwanie w archiwum');
    const doc = await call(client, 'get_document', { id: httpAnswer.results[0]!.document.id });
    expect(doc.isError).toBeFalsy();
  });

  it('no token → 401; a browser session cookie alone is refused; the client cannot connect without a token', async () => {
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } };
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    for (const at of ['/mcp', '/api/mcp']) {
      const anon = await fetch(base + at, { method: 'POST', headers, body: JSON.stringify(init) });
      expect(anon.status, at).toBe(401);
      expect(((await anon.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
      const wrong = await fetch(base + at, { method: 'POST', headers: { ...headers, authorization: 'Bearer nie-ma-takiego' }, body: JSON.stringify(init) });
      expect(wrong.status, at).toBe(401);
      const get = await fetch(base + at, { headers: { authorization: `Bearer ${clerk}` } });
      expect(get.status, at).toBe(405);
      expect(get.headers.get('cache-control'), at).toBe('no-store');
    }
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'anna', password: PASSWORD }) });
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('kw_session='))!.split(';')[0]!;
    const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
    for (const at of ['/mcp', '/api/mcp']) {
      const bySession = await fetch(base + at, { method: 'POST', headers: { ...headers, cookie, 'x-csrf-token': csrf }, body: JSON.stringify(init) });
      expect(bySession.status, at).toBe(400);
      expect(((await bySession.json()) as { error: { code: string } }).error.code).toBe('bearer_required');
      const client = new Client({ name: 'anon', version: '1.0.0' });
      await expect(client.connect(new StreamableHTTPClientTransport(new URL(base + at)))).rejects.toThrow();
    }
  });

  it('a bad argument is an MCP error, and the server keeps answering', async () => {
    const client = await connectHttp(clerk);
    for (const args of [{ question: SIGNATURE_QUESTION, limit: 500 }, { question: 42 }, { question: SIGNATURE_QUESTION, filters: { dateFrom: 'wczoraj' } }]) {
      const bad = await call(client, 'search_archive', args);
      expect(bad.isError).toBe(true);
      expect(bad.content[0]!.text).toMatch(/invalid|Invalid/);
    }
    const span = await call(client, 'get_page', { id: httpAnswer.results[0]!.document.id, page: 1, start: 5, end: 10_000_000 });
    expect(span.isError).toBe(true);
    expect(span.content[0]!.text).toContain('invalid_span');
    await expect(client.readResource({ uri: 'kwerenda://documents/999999/pages/1' })).rejects.toThrow(/nie ma takiego dokumentu/);
    expect((await call(client, 'search_archive', { question: SIGNATURE_QUESTION, limit: 3 })).isError).toBeFalsy();
  });

  it('kwerenda mcp over stdio acts as the named user and answers like the API', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [cliPath, 'mcp', '--user', 'anna', '--data', dataDir],
      env: { ...(process.env as Record<string, string>), KWERENDA_LOG_LEVEL: 'warn' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'kwerenda-stdio-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const got = await call(client, 'search_archive', { question: SIGNATURE_QUESTION });
      expect(got.isError).toBeFalsy();
      const r = got.structuredContent as unknown as AgentResponse;
      expect(shown(r)).toEqual(shown(httpAnswer));
      const c = r.results[0]!.citations[0]!;
      const page = await call(client, 'get_page', { id: r.results[0]!.document.id, page: c.page, start: c.start, end: c.end });
      expect((page.structuredContent as { span: { quote: string } }).span.quote).toBe(c.quote);
      expect(rt.searches.get(r.id)).toMatchObject({ userId: rt.users.byName('anna')!.id });
    } finally {
      await client.close();
    }
  });

  it('kwerenda mcp checks its user before every call: disabled or given another role, it is refused at once (audited)', async () => {
    rt.users.add('marta', 'clerk');
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [cliPath, 'mcp', '--user', 'marta', '--data', dataDir],
      env: { ...(process.env as Record<string, string>), KWERENDA_LOG_LEVEL: 'warn' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'kwerenda-stdio-disabled', version: '1.0.0' });
    await client.connect(transport);
    const id = httpAnswer.results[0]!.document.id;
    try {
      expect((await call(client, 'get_document', { id })).isError).toBeFalsy();
      rt.users.setDisabled('marta', true);
      const refused = await call(client, 'get_document', { id });
      expect(refused.isError).toBe(true);
      expect(refused.content[0]!.text).toBe('user_disabled: użytkownik marta jest zablokowany');
      expect((await call(client, 'search_archive', { question: SIGNATURE_QUESTION })).content[0]!.text).toContain('user_disabled');
      await expect(client.readResource({ uri: `kwerenda://documents/${id}/pages/1` })).rejects.toThrow(/user_disabled/);

      rt.users.setDisabled('marta', false);
      rt.users.setRole('marta', 'records');
      const changed = await call(client, 'get_page', { id, page: 1 });
      expect(changed.isError).toBe(true);
      expect(changed.content[0]!.text).toContain('role_changed: rola użytkownika marta zmieniła się (clerk → records)');
    } finally {
      await client.close();
    }
    const denied = rt.db.prepare("SELECT actor_name, details FROM audit_events WHERE action = 'auth.denied' AND actor_name = 'marta' ORDER BY seq").all() as { details: string }[];
    expect(denied.map((d) => JSON.parse(d.details) as { route: string; reason: string }).map((d) => [d.route, d.reason])).toEqual([
      ['mcp:get_document', 'user_disabled'],
      ['mcp:search_archive', 'user_disabled'],
      ['mcp:document-page', 'user_disabled'],
      ['mcp:get_page', 'role_changed'],
    ]);
  });

  it('kwerenda mcp refuses an unknown user with a message on stderr and nothing on stdout', async () => {
    const r = spawnSync(process.execPath, [cliPath, 'mcp', '--user', 'nikt-taki', '--data', dataDir], { encoding: 'utf8', input: '' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('nie ma użytkownika nikt-taki');
  });
  it('search_archive calls count against the per-user search limit, one limit for /mcp and /api/mcp; listing tools does not', async () => {
    const limited = await createSearchRuntime(loadConfig({ KWERENDA_DATA_DIR: dataDir, KWERENDA_RATE_SEARCH_PER_MIN: '2' }), { logger: silentLogger });
    const srv = await createHttpServer(limited, '127.0.0.1', 0);
    try {
      const addr = srv.address();
      const origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
      const [client, viaApi] = [new Client({ name: 'limited', version: '1.0.0' }), new Client({ name: 'limited-api', version: '1.0.0' })];
      await client.connect(new StreamableHTTPClientTransport(new URL(`${origin}/mcp`), { requestInit: { headers: { authorization: `Bearer ${clerk}` } } }));
      await viaApi.connect(new StreamableHTTPClientTransport(new URL(`${origin}/api/mcp`), { requestInit: { headers: { authorization: `Bearer ${clerk}` } } }));
      clients.push(client, viaApi);
      expect((await call(client, 'search_archive', { question: SIGNATURE_QUESTION, limit: 1 })).isError).toBeFalsy();
      expect((await call(viaApi, 'search_archive', { question: SIGNATURE_QUESTION, limit: 1 })).isError).toBeFalsy();
      await expect(call(client, 'search_archive', { question: SIGNATURE_QUESTION, limit: 1 })).rejects.toThrow(/rate_limited/);
      await expect(call(viaApi, 'search_archive', { question: SIGNATURE_QUESTION, limit: 1 })).rejects.toThrow(/rate_limited/);
      expect((await client.listTools()).tools).toHaveLength(3);
      expect((await call(client, 'get_document', { id: httpAnswer.results[0]!.document.id })).isError).toBeFalsy();

      // Every search in a JSON-RPC batch counts: another user's batch of three searches exceeds a limit of two.
      const batch = (token: string, n: number) =>
        fetch(`${origin}/mcp`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
          body: JSON.stringify(
            Array.from({ length: n }, (_, i) => ({ jsonrpc: '2.0', id: i + 1, method: 'tools/call', params: { name: 'search_archive', arguments: { question: SIGNATURE_QUESTION, limit: 1 } } })),
          ),
        });
      const three = await batch(limited.users.add('bartosz', 'clerk').token, 3);
      expect(three.status).toBe(429);
      expect(((await three.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
      const searchesBefore = (limited.db.prepare("SELECT count(*) AS n FROM searches WHERE user_id = (SELECT id FROM users WHERE name = 'bartosz')").get() as { n: number }).n;
      expect(searchesBefore).toBe(0);
      // A batch of two within the limit is answered (two searches), and it used up the minute's budget.
      const celina = limited.users.add('celina', 'clerk').token;
      const two = await batch(celina, 2);
      expect(two.status).toBe(200);
      expect(((await two.json()) as unknown[]).length).toBe(2);
      expect((await batch(celina, 1)).status).toBe(429);
    } finally {
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
      await limited.close();
    }
  });

  // Last: it adds a document to the archive the other tests compare against.
  it('PESEL numbers are masked for a clerk as over HTTP (search, page), and a clerk may not search by one', async () => {
    const input = tempDir('mcp-pesel');
    try {
      await writeApplication(path.join(input, 'wniosek.pdf'));
      const ingest = spawnSync(process.execPath, [cliPath, 'ingest', input, '--data', dataDir], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, KWERENDA_PROGRESS: 'none' } });
      expect(ingest.status, ingest.stderr).toBe(0);
    } finally {
      fs.rmSync(input, { recursive: true, force: true });
    }
    const supervisor = rt.users.add('sonia', 'supervisor').token;
    const question = 'wniosek inwestora Jana Kowalskiego o budowę garażu wolnostojącego';
    const client = await connectHttp(clerk);
    const got = await call(client, 'search_archive', { question });
    const r = got.structuredContent as unknown as AgentResponse;
    const hit = r.results.find((x) => x.citations.some((c) => c.quote.includes('•'.repeat(11))));
    expect(hit, JSON.stringify(r.results.map((x) => x.citations.map((c) => c.quote)))).toBeDefined();
    expect(JSON.stringify(got)).not.toContain(PESEL);
    const c = hit!.citations.find((x) => x.quote.includes('•'))!;
    const page = await call(client, 'get_page', { id: hit!.document.id, page: c.page, start: c.start, end: c.end });
    expect(JSON.stringify(page)).not.toContain(PESEL);
    expect((page.structuredContent as { span: { quote: string } }).span.quote).toBe(c.quote);
    const byNumber = await call(client, 'search_archive', { question: `PESEL ${PESEL}` });
    expect(byNumber.isError).toBe(true);
    expect(byNumber.content[0]!.text).toContain('pesel_search_forbidden');

    const sup = await connectHttp(supervisor);
    const full = await call(sup, 'get_page', { id: hit!.document.id, page: c.page });
    expect((full.structuredContent as { text: string }).text).toContain(PESEL);
  });
});

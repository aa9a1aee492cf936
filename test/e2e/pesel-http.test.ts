/**
 * PESEL and identity-card numbers over HTTP. The sample archive holds none, so a small born-digital
 * application naming an investor by PESEL and ID card is ingested into a fresh archive with
 * `kwerenda ingest`. A clerk finds it but sees `•` in place of the numbers — in quotes, the page text,
 * the title, the metadata and the file name — with offsets that still line up; asking by the number
 * is refused. A supervisor sees the numbers, finds the document by them, and reopening the clerk's
 * search sees exactly what the clerk saw. On the page image the numbers are covered for the clerk.
 * KWERENDA_PESEL_VISIBLE_ROLES decides who sees them.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb } from 'pdf-lib';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fontBytes } from '../../fixtures/fonts.js';
import { ConfigError, loadConfig } from '../../server/config.js';
import type { SearchRuntime } from '../../server/main.js';
import type { AgentResponse } from '../../server/services/agent.service.js';
import { serveArchive, type ServedArchive } from '../helpers/http-server.js';
import { cliPath, tempDir } from '../helpers/paths.js';

const PESEL = '85010112345';
const ID_CARD = 'ABA 300000';
const FILE = `wniosek_${PESEL}.pdf`;
const LINES = [
  'WNIOSEK O POZWOLENIE NA BUDOWĘ',
  'Znak sprawy: WUA-ZRB.6740.1.555.2021',
  'Wrocław, dnia 12 marca 2021 r.',
  `Inwestor: Jan Kowalski, PESEL ${PESEL}, legitymujący się dowodem osobistym ${ID_CARD},`,
  'zamieszkały przy ul. Jagodzińskiej 29, 52-214 Wrocław.',
  'Wnoszę o wydanie pozwolenia na budowę garażu wolnostojącego na działce nr 45/7 obręb Oporów.',
];
const QUESTION = 'wniosek inwestora Jana Kowalskiego o budowę garażu wolnostojącego';

/** A power of attorney naming two people by identifiers in other common written forms. */
const PROXY_FILE = 'pelnomocnictwo.pdf';
const PROXY_LINES = [
  'PEŁNOMOCNICTWO',
  'Znak sprawy: WUA-ZRB.6730.1.14.2019',
  'Wrocław, dnia 3 lutego 2020 r.',
  'Mocodawca: Maria Nowak, PESEL 770707 11118, dowód osobisty AXB912345,',
  'współwłaściciel: Piotr Nowak, PESEL 02.27.08.036.24, dowód osobisty axy-212345,',
  'udzielają pełnomocnictwa w sprawie rozbudowy domu jednorodzinnego na działce nr 12/3 obręb Leśnica.',
];
const PROXY_QUESTION = 'pełnomocnictwo: mocodawca Maria Nowak, współwłaściciel Piotr Nowak';
/** Every identifier of the power of attorney as its page writes it, and its digits alone. */
const PROXY_SECRETS = ['770707 11118', '77070711118', 'AXB912345', '02.27.08.036.24', '02270803624', 'axy-212345', '212345'];

async function writePdf(file: string, lines: readonly string[]): Promise<void> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const font = await pdf.embedFont(fontBytes('sans-r'), { subset: true });
  const page = pdf.addPage([595, 842]);
  lines.forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 22, size: 9.5, font, color: rgb(0, 0, 0) }));
  fs.writeFileSync(file, await pdf.save());
}

interface PageBody {
  text: string;
  words: unknown[];
}

describe('PESEL and identity-card numbers are masked for roles that may not see them', () => {
  const dirs: string[] = [];
  let rt: SearchRuntime;
  let served: ServedArchive;
  let base: string;
  const tokens: Record<string, string> = {};

  const call = (who: string, p: string, body?: unknown, at = base) =>
    fetch(at + p, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${tokens[who]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const ask = async (who: string, question: string, at = base): Promise<AgentResponse> => {
    const res = await call(who, '/api/agent/search', { question }, at);
    expect(res.status).toBe(200);
    return (await res.json()) as AgentResponse;
  };
  const ours = (r: AgentResponse) => r.results.find((x) => x.document.source.sha256 === sha)!;
  let sha: string;
  let docId: string;
  let proxySha: string;
  let proxyId: string;

  beforeAll(async () => {
    const input = tempDir('pesel-input');
    const data = tempDir('pesel-data');
    dirs.push(input, data);
    await writePdf(path.join(input, FILE), LINES);
    await writePdf(path.join(input, PROXY_FILE), PROXY_LINES);
    const ingest = spawnSync(process.execPath, [cliPath, 'ingest', input, '--data', data], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, KWERENDA_PROGRESS: 'none' } });
    expect(ingest.status, ingest.stderr).toBe(0);

    served = await serveArchive(data);
    rt = served.rt;
    for (const [name, role] of [['anna', 'clerk'], ['rafal', 'records'], ['sonia', 'supervisor'], ['adam', 'admin']] as const) {
      tokens[name] = rt.users.add(name, role).token;
    }
    const byName = (name: string) =>
      rt.db.prepare("SELECT id, sha256 FROM documents WHERE status = 'ready' AND filename = ?").get(name) as { id: number; sha256: string };
    const doc = byName(FILE);
    [docId, sha] = [String(doc.id), doc.sha256];
    const proxy = byName(PROXY_FILE);
    [proxyId, proxySha] = [String(proxy.id), proxy.sha256];
    base = served.base;
  }, 300_000);

  afterAll(async () => {
    await served?.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('the stored page holds the numbers (the archive itself is not altered)', async () => {
    const page = (await (await call('sonia', `/api/documents/${docId}/pages/1`)).json()) as PageBody;
    expect(page.text).toContain(PESEL);
    expect(page.text).toContain(ID_CARD);
  });

  it('a clerk finds the application but sees • in quotes, title and file name; quotes are still slices of the page', async () => {
    const r = await ask('anna', QUESTION);
    const hit = ours(r);
    expect(hit).toBeDefined();
    const json = JSON.stringify(r);
    for (const secret of [PESEL, '850101', '12345', ID_CARD, '300000']) expect(json).not.toContain(secret);
    expect(hit.document.source.filename).toBe(`wniosek_${'•'.repeat(11)}.pdf`);
    expect(hit.citations.some((c) => c.quote.includes('•'.repeat(11)))).toBe(true);

    const shown = (await (await call('anna', `/api/documents/${docId}/pages/1`)).json()) as PageBody;
    const full = (await (await call('sonia', `/api/documents/${docId}/pages/1`)).json()) as PageBody;
    expect(shown.text).not.toContain(PESEL);
    expect(shown.text).toContain(`PESEL ${'•'.repeat(11)},`);
    expect(shown.text).toContain(`osobistym ${'•'.repeat(10)},`);
    expect(shown.text.length).toBe(full.text.length);
    expect(shown.words).toEqual(full.words);
    for (const c of hit.citations) {
      expect(c.quote).toBe(shown.text.slice(c.start, c.end));
      expect(c.quote.length).toBe(c.end - c.start);
    }
  });

  it('masks the document view for every role that may not see the numbers, not for a supervisor', async () => {
    for (const who of ['anna', 'rafal', 'adam']) {
      const res = await call(who, `/api/documents/${docId}`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text, who).not.toContain(PESEL);
      expect(text, who).toContain(`wniosek_${'•'.repeat(11)}.pdf`);
      expect(((await (await call(who, `/api/documents/${docId}/pages/1`)).json()) as PageBody).text, who).not.toContain(ID_CARD);
    }
    expect(await (await call('sonia', `/api/documents/${docId}`)).text()).toContain(FILE);
  });

  it('covers the numbers on the page image and in the download\'s file name for a clerk; the supervisor gets the scan as it is', async () => {
    type Word = { start: number; end: number; box: { x0: number; y0: number; x1: number; y1: number } };
    const page = (await (await call('sonia', `/api/documents/${docId}/pages/1`)).json()) as { text: string; words: Word[] };
    const at = page.text.indexOf(PESEL);
    const word = page.words.find((w) => w.start <= at && at < w.end)!;
    const title = page.words[0]!;
    const grey = async (who: string) => {
      const res = await call(who, `/api/documents/${docId}/pages/1/image`);
      expect(res.status).toBe(200);
      const { data, info } = await sharp(Buffer.from(await res.arrayBuffer())).greyscale().raw().toBuffer({ resolveWithObject: true });
      /** Mean and spread of the pixels inside a normalised box. */
      return (b: Word['box']) => {
        const px: number[] = [];
        for (let y = Math.ceil(b.y0 * info.height); y < Math.floor(b.y1 * info.height); y++) {
          for (let x = Math.ceil(b.x0 * info.width); x < Math.floor(b.x1 * info.width); x++) px.push(data[y * info.width + x]!);
        }
        const mean = px.reduce((a, v) => a + v, 0) / px.length;
        return { mean, spread: Math.max(...px) - Math.min(...px) };
      };
    };
    const [clerk, supervisor] = [await grey('anna'), await grey('sonia')];
    expect(supervisor(word.box).spread).toBeGreaterThan(100); // dark digits on white paper
    expect(clerk(word.box).spread).toBeLessThan(10); // one solid box
    expect(Math.abs(clerk(title.box).mean - supervisor(title.box).mean)).toBeLessThan(3); // the rest is untouched

    // Clerks do not get originals (documents.original); the masked rendition's name is masked too.
    const file = await call('anna', `/api/documents/${docId}/file/masked`);
    expect(file.status).toBe(200);
    expect(decodeURIComponent(file.headers.get('content-disposition') ?? '')).not.toContain(PESEL);
    expect(decodeURIComponent((await call('sonia', `/api/documents/${docId}/file`)).headers.get('content-disposition') ?? '')).toContain(PESEL);
  });

  it('refuses a clerk\'s search by a PESEL or ID-card number, however it is written, and records nothing', async () => {
    const before = (rt.db.prepare('SELECT count(*) AS n FROM searches').get() as { n: number }).n;
    const refused = [
      call('anna', '/api/agent/search', { question: `kto ma PESEL ${PESEL}?` }),
      call('anna', '/api/agent/search', { question: 'PESEL 850101 12345' }),
      call('anna', '/api/agent/search', { question: `dowód ${ID_CARD}` }),
      call('anna', '/api/agent/search', { question: 'garaż', filters: { parcel: PESEL } }),
      call('anna', `/api/search?q=${PESEL}`),
      call('adam', `/api/search?q=ABA300000`),
    ];
    for (const res of await Promise.all(refused)) {
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: unknown }).error).toEqual({
        code: 'pesel_search_forbidden',
        message: 'wyszukiwanie według numeru PESEL lub numeru dowodu osobistego jest dostępne tylko dla: osoba nadzorująca',
      });
    }
    // An 11-digit number that is not a valid PESEL is an ordinary question.
    expect((await call('anna', '/api/agent/search', { question: 'numer 85010112346' })).status).toBe(200);
    expect((rt.db.prepare('SELECT count(*) AS n FROM searches').get() as { n: number }).n).toBe(before + 1);
  });

  it('a supervisor finds the document by the PESEL and sees the numbers', async () => {
    for (const q of [PESEL, `PESEL ${PESEL}`]) {
      const r = await ask('sonia', q);
      expect(r.results[0]?.document.source.sha256, q).toBe(sha);
      expect(JSON.stringify(r)).toContain(PESEL);
    }
  });

  it('the supervisor reopening the clerk\'s search sees exactly what the clerk saw', async () => {
    const shown = await ask('anna', QUESTION);
    const res = await call('sonia', `/api/audit/searches/${shown.id}`);
    expect(res.status).toBe(200);
    const opened = (await res.json()) as { response: AgentResponse };
    expect(opened.response).toEqual(shown);
    expect(JSON.stringify(opened)).not.toContain(PESEL);
  });

  it('KWERENDA_PESEL_VISIBLE_ROLES decides who sees them (here clerks, not supervisors)', async () => {
    expect(loadConfig({}).security.peselVisibleRoles).toEqual(['supervisor']);
    expect(loadConfig({ KWERENDA_PESEL_VISIBLE_ROLES: '' }).security.peselVisibleRoles).toEqual([]);
    expect(() => loadConfig({ KWERENDA_PESEL_VISIBLE_ROLES: 'supervisor,boss' })).toThrow(ConfigError);
    expect(() => loadConfig({ KWERENDA_PESEL_VISIBLE_ROLES: 'boss' })).toThrow(/KWERENDA_PESEL_VISIBLE_ROLES/);

    const other = await serveArchive(rt.config.dataDir, { KWERENDA_PESEL_VISIBLE_ROLES: 'clerk, admin' });
    try {
      const at = other.base;
      expect(JSON.stringify(await ask('anna', PESEL, at))).toContain(PESEL);
      expect(await (await call('sonia', `/api/documents/${docId}`, undefined, at)).text()).not.toContain(PESEL);
      const refused = await call('sonia', '/api/agent/search', { question: PESEL }, at);
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/dostępne tylko dla: (urzędnik, administrator|administrator, urzędnik)$/);
    } finally {
      await other.close();
    }
  });
  it('masks identifiers in the other written forms too: in results, the stored search and MCP tools', async () => {
    const page = (await (await call('sonia', `/api/documents/${proxyId}/pages/1`)).json()) as PageBody;
    for (const secret of ['770707 11118', 'AXB912345', '02.27.08.036.24', 'axy-212345']) expect(page.text).toContain(secret);

    const r = await ask('anna', PROXY_QUESTION);
    const hit = r.results.find((x) => x.document.source.sha256 === proxySha)!;
    expect(hit).toBeDefined();
    expect(hit.citations.some((c) => c.quote.includes(`PESEL ${'•'.repeat(15)}, dowód osobisty ${'•'.repeat(10)},`)), JSON.stringify(hit.citations)).toBe(true);
    const stored = await (await call('sonia', `/api/audit/searches/${r.id}`)).json();
    const shownPage = (await (await call('anna', `/api/documents/${proxyId}/pages/1`)).json()) as PageBody;
    expect(shownPage.text.length).toBe(page.text.length);
    expect(shownPage.text).toContain(`Nowak, PESEL ${'•'.repeat(12)}, dowód osobisty ${'•'.repeat(9)},`);
    for (const c of hit.citations) expect(c.quote).toBe(shownPage.text.slice(c.start, c.end));

    const mcp = new Client({ name: 'kwerenda-test', version: '1.0.0' });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${tokens.anna}` } } }));
    try {
      const found = await mcp.callTool({ name: 'search_archive', arguments: { question: PROXY_QUESTION } });
      const text = await mcp.callTool({ name: 'get_page', arguments: { id: proxyId, page: 1 } });
      for (const [where, shown] of Object.entries({ results: r, stored, shownPage, found, text })) {
        for (const secret of PROXY_SECRETS) expect(JSON.stringify(shown), `${where}: ${secret}`).not.toContain(secret);
      }
    } finally {
      await mcp.close();
    }
  });

  it('a clerk finds nothing through the digits of an identifier, however the question writes them; a supervisor does', async () => {
    const cases: [question: string, holder: () => string][] = [
      ['axb912345', () => proxySha],
      ['770707 i 11118', () => proxySha],
      ['770707', () => proxySha],
      ['850101-12345', () => sha],
    ];
    for (const [q, holder] of cases) {
      for (const path of ['/api/agent/search', `/api/search?q=${encodeURIComponent(q)}`]) {
        const res = path.startsWith('/api/agent') ? await call('anna', path, { question: q }) : await call('anna', path);
        if (res.status === 403) {
          expect(((await res.json()) as { error: { code: string } }).error.code, `${q} ${path}`).toBe('pesel_search_forbidden');
          continue;
        }
        expect(res.status, `${q} ${path}`).toBe(200);
        const r = (await res.json()) as AgentResponse;
        expect(r.results, `${q} ${path}`).toEqual([]);
      }
      const r = await ask('sonia', q);
      expect(r.results[0]?.document.source.sha256, q).toBe(holder());
      expect(r.results[0]?.confidence, q).toBe('high');
    }
    // The whole numbers, in the forms people write them, are refused outright.
    for (const q of ['axb912345', '770707 i 11118', 'PESEL: 850101, nr 12345', '850101-12345', 'AXB-912345']) {
      expect((await call('anna', '/api/agent/search', { question: q })).status, q).toBe(403);
    }
    // Beside a word, part of a number makes no difference for a clerk: the power of attorney is found
    // by the word, ranked and scored as with digits that are nowhere in the archive. For a supervisor
    // the number counts.
    const seen = (r: AgentResponse) => r.results.map((x) => [x.document.id, x.confidence, x.score]);
    expect(seen(await ask('anna', 'pełnomocnictwo 770707'))).toEqual(seen(await ask('anna', 'pełnomocnictwo 770708')));
    const [real, other] = [await ask('sonia', 'pełnomocnictwo 770707'), await ask('sonia', 'pełnomocnictwo 770708')];
    expect(real.results[0]?.document.id).toBe(proxyId);
    expect(real.results[0]!.score).toBeGreaterThan(other.results.find((x) => x.document.id === proxyId)?.score ?? 0);
  });
});

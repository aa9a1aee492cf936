/**
 * End to end over HTTP on the sample archive ingested from its scans (real OCR): a clerk's questions
 * come back as the right documents with citations that are exactly the stored page text; bad input
 * gets a 4xx and the server stays up.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchRuntime } from '../../server/main.js';
import type { AgentResponse } from '../../server/services/agent.service.js';
import { sampleArchiveCopy, sampleFile } from '../helpers/sample-archive.js';
import { serveArchive, type ServedArchive } from '../helpers/http-server.js';

const FORBIDDEN_KEYS = ['answer', 'summary', 'conclusion', 'explanation', 'reasoning', 'rationale', 'comment', 'message'];

/** Every key anywhere in a JSON value. */
function keysOf(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) keysOf(x, out);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.add(k);
      keysOf(x, out);
    }
  }
  return out;
}

describe('HTTP API on the ingested sample archive', () => {
  let dataDir: string;
  let rt: SearchRuntime;
  let server: Server;
  let served: ServedArchive | undefined;
  let base: string;
  let token: string;

  const api = (path: string, init: RequestInit = {}) =>
    fetch(base + path, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
  const ask = async (question: string, extra: Record<string, unknown> = {}): Promise<AgentResponse> => {
    const res = await api('/api/agent/search', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question, ...extra }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as AgentResponse;
  };
  const shaOf = (p: string) => sampleFile(p).sha256;

  /** Every citation must be exactly the stored page text, as served by the page endpoint. */
  async function expectCitationsVerify(r: AgentResponse): Promise<void> {
    for (const res of r.results) {
      expect(res.citations.length).toBeGreaterThan(0);
      for (const c of res.citations) {
        const page = (await (await api(`/api/documents/${res.document.id}/pages/${c.page}`)).json()) as { text: string };
        expect(page.text.slice(c.start, c.end)).toBe(c.quote);
        expect(c.boxes?.length ?? 0).toBeGreaterThan(0);
      }
    }
  }

  beforeAll(async () => {
    dataDir = await sampleArchiveCopy('http');
    served = await serveArchive(dataDir);
    ({ rt, server, base } = served);
    token = rt.users.add('anna', 'clerk').token;
  }, 600_000);

  afterAll(async () => {
    await served?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers /healthz without a token', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('refuses /api without a valid token', async () => {
    const variants: Record<string, string>[] = [{}, { authorization: 'Bearer kw_wrong' }, { authorization: `Basic ${token}` }, { authorization: 'Bearer' }];
    for (const headers of variants) {
      const res = await fetch(`${base}/api/agent/search`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"question":"decyzja"}' });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    const doc = await fetch(`${base}/api/documents/1`);
    expect(doc.status).toBe(401);
  });

  it('finds the decision of a case by its signature, first, with verified citations', async () => {
    const r = await ask('Jaka decyzja zapadła w sprawie WUA-ZRB.6740.1.786.2019?');
    expect(r.mode).toBe('rules');
    expect(r.degraded).toBeUndefined();
    expect(r.notFound).toBeUndefined();
    expect(r.results[0]!.document.source.sha256).toBe(shaOf('WUA-ZRB.6740.1.786.2019/skan_decyzja.pdf'));
    expect(r.results[0]!.confidence).toBe('high');
    expect(r.results[0]!.document).toMatchObject({ caseNumber: 'WUA-ZRB.6740.1.786.2019', docType: 'decyzja o pozwoleniu na budowę', date: '2019-04-29' });
    expect(r.plan.map((s) => s.label).join(' | ')).toContain('WUA-ZRB.6740.1.786.2019');
    for (const res of r.results) {
      expect(res.score).toBeGreaterThanOrEqual(0);
      expect(res.score).toBeLessThanOrEqual(1);
    }
    await expectCitationsVerify(r);
  });

  it('finds every document of a case when asked for the whole case', async () => {
    const r = await ask('wszystkie pisma w sprawie UA-AB/7351/650/2010');
    const shas = r.results.map((x) => x.document.source.sha256);
    for (const p of ['UA-AB_7351_650_2010/postanowienie_uzupełnienie.tif', 'UA-AB_7351_650_2010/decyzja_odmowa.pdf', 'UA-AB_7351_650_2010/odwołanie.tif']) {
      expect(shas.slice(0, 3)).toContain(shaOf(p));
    }
    await expectCitationsVerify(r);
  });

  it('finds documents about a parcel and cites the parcel', async () => {
    const r = await ask('co wydano dla działki 412/8 obręb Stare Miasto');
    expect(r.notFound).toBeUndefined();
    const top = r.results.slice(0, 3).map((x) => x.document.source.sha256);
    expect(top).toContain(shaOf('UA-AB_7351_650_2010/decyzja_odmowa.pdf'));
    const cited = r.results[0]!.citations.map((c) => c.quote).join(' ');
    expect(cited).toContain('412/8');
  });

  it('says plainly that nothing mentions a parcel that is not in the archive', async () => {
    const r = await ask('co wydano dla działki 99/9 obręb Oporów');
    expect(r.notFound).toEqual([{ kind: 'parcel', value: '99/9 (obręb Oporów)' }]);
    for (const res of r.results) expect(res.confidence).toBe('low');
    // "52/441" is not a parcel anywhere, though the postcode "52-441" has the same two numbers in a row.
    const r3 = await ask('działka 52/441');
    expect(r3.notFound).toEqual([{ kind: 'parcel', value: '52/441' }]);
    for (const res of r3.results) expect(res.confidence).toBe('low');
    const r2 = await ask('decyzja w sprawie WUA-ZRB.6740.1.999.2031');
    expect(r2.notFound).toEqual([{ kind: 'caseNumber', value: 'WUA-ZRB.6740.1.999.2031' }]);
    for (const res of r2.results) expect(res.confidence).toBe('low');
  });

  it('writes no prose: no answer-like field anywhere in a response', async () => {
    const r = await ask('odmowa pozwolenia na budowę budynku wielorodzinnego 2010');
    const keys = keysOf(r);
    for (const k of FORBIDDEN_KEYS) expect(keys.has(k)).toBe(false);
    expect(r.results.map((x) => x.document.source.sha256)).toContain(shaOf('UA-AB_7351_650_2010/decyzja_odmowa.pdf'));
  });

  it('judges the question\'s type and period against each result, with the stored value and its span as evidence', async () => {
    const r = await ask('odmowa pozwolenia na budowę budynku wielorodzinnego 2010');
    const refusal = r.results.find((x) => x.document.source.sha256 === shaOf('UA-AB_7351_650_2010/decyzja_odmowa.pdf'))!;
    expect(r.conditions?.map((c) => c.kind)).toEqual(['docType', 'object', 'period', 'outcome']);
    expect(refusal.conditions?.map((c) => [c.kind, c.met])).toEqual([['docType', 'yes'], ['object', 'yes'], ['period', 'yes'], ['outcome', 'yes']]);
    // The refusal meets everything asked: the answer is not partial.
    expect(r.partial).toBeUndefined();
    for (const c of refusal.conditions ?? []) {
      const page = (await (await api(`/api/documents/${refusal.document.id}/pages/${c.citation!.page}`)).json()) as { text: string };
      expect(page.text.slice(c.citation!.start, c.citation!.end)).toBe(c.citation!.quote);
    }
    // Another year or another type is shown as such, and never above low.
    for (const x of r.results.filter((y) => y.conditions?.some((c) => c.met === 'no'))) expect(x.confidence).toBe('low');
    expect(r.results.some((x) => x.conditions?.some((c) => c.met === 'no' && c.citation))).toBe(true);
  });

  it('shows a met condition whose citation no longer stands on its page as not shown, and its result is not high', async () => {
    const question = 'odmowa pozwolenia na budowę budynku wielorodzinnego 2010';
    const isRefusal = (x: { document: { source: { sha256: string } } }) => x.document.source.sha256 === shaOf('UA-AB_7351_650_2010/decyzja_odmowa.pdf');
    const before = (await ask(question)).results.find(isRefusal)!;
    expect(before.confidence).toBe('high');
    const row = rt.db.prepare("SELECT id, raw FROM metadata WHERE document_id = ? AND kind = 'docType'").get(Number(before.document.id)) as { id: number; raw: string };
    rt.db.prepare('UPDATE metadata SET raw = ? WHERE id = ?').run(`${row.raw} (zmienione)`, row.id);
    try {
      const after = (await ask(question)).results.find(isRefusal)!;
      expect(after.conditions?.find((c) => c.kind === 'docType')).toMatchObject({ met: 'unknown' });
      expect(after.conditions?.find((c) => c.kind === 'docType')?.citation).toBeUndefined();
      expect(after.confidence).toBe('medium');
    } finally {
      rt.db.prepare('UPDATE metadata SET raw = ? WHERE id = ?').run(row.raw, row.id);
    }
  });

  it('says when no document meets every condition, and shows the closest with what each lacks', async () => {
    // The archive holds a 2010 refusal for a block of flats, none from 2015.
    const r = await ask('odmowa pozwolenia na budowę budynku wielorodzinnego 2015');
    expect(r.results.length).toBeGreaterThan(0);
    expect(r.partial?.unmet.map((c) => c.kind)).toContain('period');
    for (const x of r.results) expect(x.confidence).not.toBe('high');
    const refusal = r.results.find((x) => x.document.source.sha256 === shaOf('UA-AB_7351_650_2010/decyzja_odmowa.pdf'))!;
    const period = refusal.conditions?.find((c) => c.kind === 'period');
    expect(period).toMatchObject({ value: '2015', met: 'no' });
    expect(period?.citation?.value.startsWith('2010-')).toBe(true);
    expect(refusal.confidence).toBe('low');
  });

  it('applies filters from the request', async () => {
    const r = await ask('decyzja', { filters: { caseNumber: 'WUA-ZWZ.6730.2.531.2022' } });
    expect(r.results.length).toBeGreaterThan(0);
    for (const res of r.results) expect(res.document.caseNumber).toBe('WUA-ZWZ.6730.2.531.2022');
    const d = await ask('pełnomocnictwo', { filters: { dateFrom: '2014-01-01', dateTo: '2014-12-31' } });
    expect(d.results.map((x) => x.document.source.sha256)).toEqual([shaOf('nieprzypisane/pelnomocnictwo_bez_znaku.pdf')]);
  });

  it('serves the direct hybrid search', async () => {
    const res = await api(`/api/search?q=${encodeURIComponent('warunki zabudowy Krzyki')}&limit=3`);
    expect(res.status).toBe(200);
    const r = (await res.json()) as AgentResponse;
    expect(r.mode).toBe('hybrid');
    expect(r.results.length).toBeLessThanOrEqual(3);
    expect(r.results.map((x) => x.document.source.sha256)).toContain(shaOf('WUA-ZWZ.6730.2.531.2022/decyzja_WZ.pdf'));
    expect((await api('/api/search')).status).toBe(400);
    expect((await api('/api/search?q=a&q=b')).status).toBe(400);
    expect((await api('/api/search?q=dom&limit=x')).status).toBe(400);
  });

  it('serves a document, its pages with word boxes, its page image and, to a clerk, a PDF of its pages for the original', async () => {
    const r = await ask('decyzja w sprawie WUA-ZRB.6740.1.786.2019');
    const id = r.results[0]!.document.id;
    const doc = (await (await api(`/api/documents/${id}`)).json()) as { source: { sha256: string }; metadata: { kind: string; page: number | null; start: number | null; end: number | null; raw: string }[] };
    expect(doc.metadata.some((m) => m.kind === 'caseNumber')).toBe(true);
    const page = (await (await api(`/api/documents/${id}/pages/1`)).json()) as { text: string; words: { start: number; end: number; box: { x0: number } }[] };
    for (const m of doc.metadata.filter((x) => x.page === 1 && x.start !== null)) expect(page.text.slice(m.start!, m.end!)).toBe(m.raw);
    expect(page.words.length).toBeGreaterThan(20);
    const img = await api(`/api/documents/${id}/pages/1/image`);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toMatch(/^image\//);
    expect((await img.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    expect((await api(`/api/documents/${id}/file`)).status).toBe(403);
    const file = await api(`/api/documents/${id}/file/masked`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toContain('skan_decyzja.pdf');
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(createHash('sha256').update(bytes).digest('hex')).not.toBe(doc.source.sha256);
  });

  it('answers unknown documents and pages with 404 and a JSON error', async () => {
    for (const p of ['/api/documents/999999', '/api/documents/abc', '/api/documents/1/pages/0', '/api/documents/1/pages/999', '/api/documents/1/pages/x', '/api/documents/%E0%A4%A', '/api/nope']) {
      const res = await api(p);
      expect([400, 404]).toContain(res.status);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(typeof body.error.code).toBe('string');
      expect(typeof body.error.message).toBe('string');
    }
  });

  it('rejects bad requests with 4xx and {error: {code, message}}', async () => {
    const post = (body: string | Buffer, type = 'application/json') =>
      api('/api/agent/search', { method: 'POST', headers: { 'content-type': type }, body });
    const cases: [string | Buffer, number, string?][] = [
      ['{}', 400],
      ['{"question": ""}', 400],
      ['{"question": "   "}', 400],
      ['{"question": 42}', 400],
      ['{"question": ["a"]}', 400],
      ['{"question": null}', 400],
      ['[]', 400],
      ['"decyzja"', 400],
      ['{"question": "decyzja"', 400],
      ['not json at all', 400],
      [JSON.stringify({ question: 'x'.repeat(501) }), 400],
      [JSON.stringify({ question: 'decyzja', limit: 0 }), 400],
      [JSON.stringify({ question: 'decyzja', limit: 1000 }), 400],
      [JSON.stringify({ question: 'decyzja', filters: { dateFrom: 'wczoraj' } }), 400],
      [JSON.stringify({ question: 'decyzja', filters: { nope: 1 } }), 400],
      [JSON.stringify({ question: 'decyzja', extra: true }), 400],
      [JSON.stringify({ question: 'y'.repeat(200_000) }), 413],
      ['question=decyzja', 400, 'application/x-www-form-urlencoded'],
      ['{"question":"decyzja"}', 400, 'text/plain'],
    ];
    for (const [body, status, type] of cases) {
      const res = await post(body, type);
      expect(res.status, String(body).slice(0, 60)).toBe(status);
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect(json.error.code).toMatch(/^[a-z_]+$/);
      expect(json.error.message.length).toBeGreaterThan(0);
    }
  });

  it('survives hostile questions: query syntax, junk and invalid UTF-8 never make a 5xx', async () => {
    const hostile = [
      `"; DROP TABLE documents; --`,
      `decyzja" OR 1=1 --`,
      'NEAR(decyzja pozwolenie) AND NOT * OR ^',
      'title:(decyzja) AND _exists_:pesel OR /.*/ OR decyzja~2 OR "a"^5 {!lucene}',
      '45/7 - . / : ( ) [ ] { } * ? \\ ~ ^ ! & |',
      'działka \u0000\u0001\u202e\ufeff 45/7 🏠🏠 \ud800',
      'ł'.repeat(500),
      '*',
      '""',
    ];
    for (const q of hostile) {
      const res = await api('/api/agent/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: q }) });
      expect([200, 400], q).toContain(res.status);
      if (res.status === 200) await expectCitationsVerify((await res.json()) as AgentResponse);
    }
    const bad = Buffer.concat([Buffer.from('{"question":"decyzja '), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}')]);
    const res = await api('/api/agent/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: bad });
    expect([200, 400]).toContain(res.status);
    const latin = await api('/api/agent/search', { method: 'POST', headers: { 'content-type': 'application/json; charset=koi8-r' }, body: '{"question":"x"}' });
    expect(latin.status).toBeGreaterThanOrEqual(400);
    expect(latin.status).toBeLessThan(500);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('records each search as it was shown, with who asked', async () => {
    const r = await ask('decyzja o warunkach zabudowy');
    const stored = rt.searches.get(r.id)!;
    expect(stored.userId).toBe(rt.users.byName('anna')!.id);
    expect(stored.response).toEqual(r);
  });
});

/**
 * The document types the search form offers (`GET /api/doc-types`) and the MCP `get_document` tool
 * by an original file's SHA-256, on a real server over a small archive whose documents carry
 * issuer, outcome, references, a mentioned date and a model-proposed value (test/helpers/
 * metadata-archive.ts). One judgment is restricted to anna: clerk ewa's type counts and her
 * answers by hash read as if it did not exist; anna's include it. The tool answers what
 * `GET /api/documents?sha256=` answers, metadata with spans and provenance, and each read is
 * in the audit trail.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { silentLogger } from '../../server/log.js';
import { createHttpServer, createSearchRuntime, type SearchRuntime } from '../../server/main.js';
import { SYSTEM_ACTOR } from '../../server/store/users.js';
import { tempDir } from '../helpers/paths.js';
import { META, METADATA_DOCUMENTS, bySha, writeMetadataArchive } from '../helpers/metadata-archive.js';

type Who = 'anna' | 'ewa' | 'sonia';
interface Meta { kind: string; value: string; raw: string; page: number | null; start: number | null; end: number | null; origin: string; extra?: Record<string, string> }
interface Doc { id: string; source: { sha256: string }; metadata: Meta[] }
interface ToolResult { isError?: boolean; content: { type: string; text?: string }[]; structuredContent?: Record<string, unknown> }

describe('document types and get_document by SHA-256', () => {
  let dataDir: string;
  let rt: SearchRuntime;
  let server: Server;
  let base = '';
  const tokens = {} as Record<Who, string>;
  let restrictedId = '';
  const clients: Client[] = [];

  const get = (who: Who | null, path: string) => fetch(base + path, { headers: who ? { authorization: `Bearer ${tokens[who]}` } : {} });
  const json = async <T>(res: Response, status = 200): Promise<T> => {
    expect(res.status, await res.clone().text()).toBe(status);
    return (await res.json()) as T;
  };
  const mcp = async (who: Who): Promise<Client> => {
    const client = new Client({ name: 'kwerenda-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${tokens[who]}` } } }));
    clients.push(client);
    return client;
  };
  const getDocument = async (client: Client, args: Record<string, unknown>) => (await client.callTool({ name: 'get_document', arguments: args })) as ToolResult;

  beforeAll(async () => {
    dataDir = tempDir('doc-types-mcp');
    await writeMetadataArchive(dataDir);
    rt = await createSearchRuntime(loadConfig({ KWERENDA_DATA_DIR: dataDir }), { logger: silentLogger });
    tokens.anna = rt.users.add('anna', 'clerk').token;
    tokens.ewa = rt.users.add('ewa', 'clerk').token;
    tokens.sonia = rt.users.add('sonia', 'supervisor').token;
    restrictedId = String(rt.db.prepare('SELECT id FROM documents WHERE sha256 = ?').pluck().get(bySha(META.secondJudgment)));
    rt.restrictions.add({ scope: 'document', value: restrictedId, principals: [{ kind: 'user', value: 'anna' }] }, SYSTEM_ACTOR);
    server = await createHttpServer(rt, '127.0.0.1', 0);
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await rt?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the types with counts, most first; a restricted document is not counted; a document without a type is not listed', async () => {
    type Types = { docTypes: { value: string; count: number }[] };
    expect(await json<Types>(await get('anna', '/api/doc-types'))).toEqual({
      docTypes: [
        { value: 'wyrok', count: 2 },
        { value: 'decyzja o pozwoleniu na budowę', count: 1 },
        { value: 'postanowienie', count: 1 },
      ],
    });
    // For ewa the second judgment does not exist: one judgment, and equal counts in value order.
    const ewa = await json<Types>(await get('ewa', '/api/doc-types'));
    expect(ewa).toEqual({
      docTypes: [
        { value: 'decyzja o pozwoleniu na budowę', count: 1 },
        { value: 'postanowienie', count: 1 },
        { value: 'wyrok', count: 1 },
      ],
    });
    expect(await json<Types>(await get('sonia', '/api/doc-types'))).toEqual(ewa);
    // Nothing else changes the answer (the route takes no input).
    expect(await json<Types>(await get('ewa', '/api/doc-types?docType=wyrok&limit=x'))).toEqual(ewa);
  });

  it('refuses a caller who is not signed in, with the error body', async () => {
    const err = await json<{ error: { code: string; message: string } }>(await get(null, '/api/doc-types'), 401);
    expect(err.error.code).toBe('unauthorized');
    expect(err.error.message).toEqual(expect.any(String));
  });

  it('get_document by sha256 answers what GET /api/documents?sha256= answers, with metadata spans and provenance', async () => {
    const sha = bySha(META.judgment);
    const http = await json<{ sha256: string; documents: Doc[] }>(await get('ewa', `/api/documents?sha256=${sha}`));
    const client = await mcp('ewa');
    const got = await getDocument(client, { sha256: sha.toUpperCase() });
    expect(got.isError).toBeFalsy();
    expect(got.structuredContent).toEqual(http);
    expect(JSON.parse(got.content[0]!.text!)).toEqual(http);
    const [doc] = (got.structuredContent as { documents: Doc[] }).documents;
    expect(doc!.source.sha256).toBe(sha);
    const text = METADATA_DOCUMENTS.find((d) => d.filename === META.judgment)!.pages[0]!.text;
    const of = (kind: string) => doc!.metadata.filter((m) => m.kind === kind);
    expect(of('issuer').map((m) => m.value)).toEqual(['Wojewódzki Sąd Administracyjny we Wrocławiu']);
    expect(of('outcome')).toEqual([expect.objectContaining({ value: 'oddala skargę', origin: 'llm', page: 1 })]);
    expect(of('date').map((m) => [m.value, m.extra?.role])).toEqual(expect.arrayContaining([['2021-06-10', 'document'], ['2020-05-05', 'mentioned']]));
    for (const m of doc!.metadata) expect(text.slice(m.start!, m.end!), m.kind).toBe(m.raw);
  });

  it('by sha256, a restricted document answers like a file not in the archive; the reader it admits gets it', async () => {
    const sha = bySha(META.secondJudgment);
    const ewa = await mcp('ewa');
    const hidden = await getDocument(ewa, { sha256: sha });
    const unknown = await getDocument(ewa, { sha256: 'a'.repeat(64) });
    expect(hidden.isError).toBeFalsy();
    expect(hidden.structuredContent).toEqual({ sha256: sha, documents: [] });
    expect(unknown.structuredContent).toEqual({ sha256: 'a'.repeat(64), documents: [] });
    const anna = await mcp('anna');
    const hers = await getDocument(anna, { sha256: sha });
    expect((hers.structuredContent as { documents: Doc[] }).documents.map((d) => d.id)).toEqual([restrictedId]);

    // The trail as stored (a supervisor's view of it hides what the rule hides from her).
    const views = rt.db.prepare("SELECT actor_name AS who, target, details FROM audit_events WHERE action = 'document.view'").all() as { who: string; target: string; details: string }[];
    expect(views.filter((v) => v.who === 'anna' && v.target === restrictedId).map((v) => JSON.parse(v.details))).toEqual([{ via: 'sha256' }]);
    expect(views.filter((v) => v.who === 'ewa' && v.target === restrictedId)).toEqual([]);
  });

  it('a malformed hash, or both id and sha256, or neither, is a tool error, not a crash', async () => {
    const client = await mcp('ewa');
    const id = String(rt.db.prepare('SELECT id FROM documents WHERE sha256 = ?').pluck().get(bySha(META.permit)));
    for (const args of [{ sha256: 'abc' }, { sha256: 'g'.repeat(64) }, { id, sha256: bySha(META.permit) }, {}]) {
      const got = await getDocument(client, args).catch((err: Error) => ({ isError: true, content: [{ type: 'text', text: err.message }] }) as ToolResult);
      expect(got.isError, JSON.stringify(args)).toBe(true);
      expect(got.content[0]!.text, JSON.stringify(args)).toMatch(/sha256|id/);
    }
    // By id, as before.
    const byId = await getDocument(client, { id });
    expect(byId.isError).toBeFalsy();
    expect(byId.structuredContent).toMatchObject({ id, source: { sha256: bySha(META.permit) } });
  });
});

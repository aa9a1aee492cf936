import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { refusedPort, reply, useOpenAiStub, type OpenAiStub } from '../../test/helpers/openai-stub.js';
import type { MetaValue } from '../../ingest/types.js';
import { loadConfig } from '../config.js';
import { LlmMetadataProposer, metadataJsonSchema, parseMetadataReply } from './metadata-proposer.js';

const currentStub = useOpenAiStub();
let stub: OpenAiStub;
beforeEach(() => {
  stub = currentStub();
});

function proposer(env: Record<string, string> = {}, baseUrl = stub.baseUrl): LlmMetadataProposer {
  const config = loadConfig({ LLM_BASE_URL: baseUrl, LLM_MODEL: 'bielik-11b', LLM_TIMEOUT_MS: '1500', ...env });
  return LlmMetadataProposer.fromConfig(config.llm);
}

const PAGE = [
  'Prezydent Wrocławia',
  'Wrocław, 5 czerwca 2020 r.',
  'Obwieszczenie o wydaniu decyzji w sprawie ustalenia lokalizacji inwestycji celu publicznego dla zadania',
  'polegającego na przebudowie sieci wodociągowej',
  'Zgodnie z art. 53 ust. 1 ustawy zawiadamia się strony o wydaniu decyzji.',
].join('\n');

const pages = [
  { page: 1, text: '' },
  { page: 2, text: PAGE },
];

const rules: MetaValue[] = [
  { kind: 'date', value: '2020-06-05', raw: '5 czerwca 2020 r.', page: 2, start: 29, end: 46, origin: 'text', extra: { role: 'document' } },
];

describe('LlmMetadataProposer', () => {
  it('asks only for the kinds the rules left unknown, showing the start of the first page with text', async () => {
    stub.enqueue(
      reply.json({
        proposals: [
          { kind: 'docType', value: 'obwieszczenie', quote: 'Obwieszczenie o wydaniu decyzji' },
          { kind: 'issuer', value: 'Prezydent Wrocławia', quote: 'Prezydent Wrocławia' },
        ],
      }),
    );
    const out = await proposer().propose(pages, rules);
    expect(out.failure).toBeNull();
    expect(out.values.map((v) => [v.kind, v.value, v.raw, v.page, v.origin])).toEqual([
      ['docType', 'obwieszczenie', 'Obwieszczenie o wydaniu decyzji', 2, 'llm'],
      ['issuer', 'Prezydent Wrocławia', 'Prezydent Wrocławia', 2, 'llm'],
    ]);
    for (const v of out.values) {
      expect(PAGE.slice(v.start!, v.end!)).toBe(v.raw);
      expect(v.extra?.model).toBe('bielik-11b');
    }
    const body = stub.requests[0]?.body;
    expect(body.response_format.json_schema.name).toBe('document_metadata');
    expect(body.response_format.json_schema.schema).toEqual(metadataJsonSchema(['docType', 'caseNumber', 'issuer', 'outcome']));
    const user: string = body.messages[1].content;
    expect(user).toContain('Obwieszczenie o wydaniu decyzji');
    expect(user).not.toMatch(/^- date/m);
    expect(user).toMatch(/^- docType/m);
  });

  it('sends at most the configured characters of the page, and a quote past them is not kept', async () => {
    const long = `${'Uzasadnienie. '.repeat(300)}\nPrezydent Wrocławia`;
    stub.enqueue(reply.json({ proposals: [{ kind: 'issuer', value: 'Prezydent Wrocławia', quote: 'Prezydent Wrocławia' }] }));
    const p = new LlmMetadataProposer(
      (await import('./client.js')).createLlmClient(loadConfig({ LLM_BASE_URL: stub.baseUrl, LLM_MODEL: 'm' }).llm),
      { timeoutMs: 1500, maxChars: 1000 },
    );
    const out = await p.propose([{ page: 1, text: long }], rules);
    expect(out.values).toEqual([]);
    expect(out.rejected.quote).toBe(1);
    const user: string = stub.requests[0]?.body.messages[1].content;
    const shown = /<<<STRONA\n([\s\S]*)\nSTRONA>>>/.exec(user)?.[1] ?? '';
    expect(shown.startsWith('Uzasadnienie.')).toBe(true);
    expect(shown.length).toBeLessThanOrEqual(1000);
    expect(shown).not.toContain('Prezydent');
  });

  it('keeps only grounded proposals and ignores kinds already known', async () => {
    stub.enqueue(
      reply.json({
        proposals: [
          { kind: 'date', value: '2021-01-01', quote: 'Wrocław, 5 czerwca 2020 r.' },
          { kind: 'outcome', value: 'udziela pozwolenia na budowę', quote: 'udziela pozwolenia na budowę' },
          { kind: 'docType', value: 'decyzja', quote: 'decyzji w sprawie ustalenia' },
        ],
      }),
    );
    const out = await proposer().propose(pages, rules);
    expect(out.values).toEqual([]);
    expect(out.rejected).toMatchObject({ known: 1, quote: 1, unsupported: 1 });
  });

  it('does not ask when nothing is missing or no page has text', async () => {
    const all: MetaValue[] = [
      ...rules,
      ...(['docType', 'caseNumber', 'issuer', 'outcome'] as const).map(
        (kind): MetaValue => ({ kind, value: 'x', raw: 'x', page: null, start: null, end: null, origin: 'cli' }),
      ),
    ];
    expect(await proposer().propose(pages, all)).toMatchObject({ values: [], asked: false, failure: null });
    expect(await proposer().propose([{ page: 1, text: '  \n' }], [])).toMatchObject({ values: [], asked: false });
    expect(stub.requests).toHaveLength(0);
  });

  it('gives nothing, without throwing, on invalid output, an HTTP error, a timeout or no server', async () => {
    stub.enqueue(reply.invalidJson('{"proposals": [ {"kind": "docType"'));
    expect(await proposer().propose(pages, rules)).toMatchObject({ values: [], failure: 'invalid_output' });
    stub.enqueue(reply.json({ proposals: [{ kind: 'parcel', value: '45/7', quote: '45/7' }] }));
    expect(await proposer().propose(pages, rules)).toMatchObject({ values: [], failure: 'invalid_output' });
    stub.enqueue(reply.status(500));
    expect(await proposer().propose(pages, rules)).toMatchObject({ values: [], failure: 'unavailable' });
    stub.enqueue(reply.hang());
    expect(await proposer({ LLM_TIMEOUT_MS: '200' }).propose(pages, rules)).toMatchObject({ values: [], failure: 'timeout' });
    const port = await refusedPort();
    expect(await proposer({}, `http://127.0.0.1:${port}/v1`).propose(pages, rules)).toMatchObject({ values: [], failure: 'unavailable' });
  });

  it('reads a reply in a Markdown fence and puts every proposal on the page shown', () => {
    expect(parseMetadataReply('```json\n{"proposals":[{"kind":"issuer","value":"A","quote":"A b"}]}\n```', 3)).toEqual([
      { kind: 'issuer', value: 'A', quote: 'A b', page: 3 },
    ]);
    expect(parseMetadataReply('{"proposals":[],"note":"x"}', 1)).toBeNull();
  });
});

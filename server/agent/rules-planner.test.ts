import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import type { SearchFilters } from '../domain/types.js';
import { MAX_STEPS, zPlan, type PlanStep } from './plan.js';
import { RulesPlanner } from './rules-planner.js';

const planner = new RulesPlanner();
const plan = async (q: string, filters?: SearchFilters): Promise<PlanStep[]> =>
  (await planner.plan(q, filters ? { filters } : {})).steps;
const ofType = <T extends PlanStep['type']>(steps: PlanStep[], type: T): Extract<PlanStep, { type: T }>[] =>
  steps.filter((s): s is Extract<PlanStep, { type: T }> => s.type === type);

describe('the questions from the issue', () => {
  it('"Jaka decyzja zapadła w sprawie WUA-ZRB.6740.1.123.2019?" → the case, its decisions, the rest of the case', async () => {
    const steps = await plan('Jaka decyzja zapadła w sprawie WUA-ZRB.6740.1.123.2019?');
    expect(steps[0]).toEqual({ type: 'identifier', kind: 'caseNumber', value: 'WUA-ZRB.6740.1.123.2019' });
    expect(ofType(steps, 'filter')).toContainEqual({
      type: 'filter', filters: { caseNumber: 'WUA-ZRB.6740.1.123.2019', docType: 'decyzja' },
    });
    expect(ofType(steps, 'keyword').map((s) => s.query)).toContain('WUA-ZRB.6740.1.123.2019 decyzja');
    expect(steps.at(-1)).toEqual({ type: 'followCase' });
  });

  it('"co wydano dla działki 45/7 obręb Oporów" → the parcel in its precinct, decisions first', async () => {
    const steps = await plan('co wydano dla działki 45/7 obręb Oporów');
    expect(steps[0]).toEqual({ type: 'identifier', kind: 'parcel', value: '45/7', precinct: 'Oporów' });
    const keyword = ofType(steps, 'keyword');
    expect(keyword.map((s) => s.filters ?? null)).toEqual([{ docType: 'decyzja' }, null]);
    expect(keyword.every((s) => s.query === '45/7 Oporów')).toBe(true);
  });

  it('"odmowa pozwolenia na rozbudowę domu na Leśnicy około 2016" → cues filter a step beside unfiltered ones', async () => {
    const steps = await plan('odmowa pozwolenia na rozbudowę domu na Leśnicy około 2016');
    const cues = { docType: 'decyzja o odmowie pozwolenia na budowę', dateFrom: '2015-01-01', dateTo: '2017-12-31', precinct: 'Leśnica' };
    expect(ofType(steps, 'filter')).toEqual([{ type: 'filter', filters: cues }]);
    const keyword = ofType(steps, 'keyword');
    expect(keyword).toContainEqual({ type: 'keyword', query: 'odmowa pozwolenia rozbudowę domu Leśnicy', filters: cues });
    expect(keyword).toContainEqual({ type: 'keyword', query: 'odmowa pozwolenia rozbudowę domu Leśnicy' });
    // The embedding model reads the question as asked, small words included, numbers left out.
    expect(ofType(steps, 'semantic')).toEqual([{ type: 'semantic', query: 'odmowa pozwolenia na rozbudowę domu na Leśnicy około' }]);
  });

  it('"wszystkie pisma w sprawie UA-AB/7351/784/2010" → every document of the case', async () => {
    const steps = await plan('wszystkie pisma w sprawie UA-AB/7351/784/2010');
    expect(steps).toEqual([
      { type: 'identifier', kind: 'caseNumber', value: 'UA-AB/7351/784/2010' },
      { type: 'filter', filters: { caseNumber: 'UA-AB/7351/784/2010' } },
      { type: 'followCase' },
    ]);
  });
});

describe('more questions', () => {
  it('type + time: the documents of that type and period, and the words', async () => {
    const steps = await plan('decyzje o warunkach zabudowy z 2022');
    const f = { docType: 'decyzja o warunkach zabudowy', dateFrom: '2022-01-01', dateTo: '2022-12-31' };
    expect(steps[0]).toEqual({ type: 'filter', filters: f });
    expect(ofType(steps, 'keyword')).toContainEqual({ type: 'keyword', query: 'decyzje warunkach zabudowy' });
  });

  it('an address, an investor and a folder-style signature become identifier steps', async () => {
    expect((await plan('pozwolenie na budowę przy ul. Kwiatowej 12'))[0]).toEqual({ type: 'identifier', kind: 'address', value: 'ul. Kwiatowa 12' });
    expect((await plan('sprawy Jana Kowalskiego'))[0]).toEqual({ type: 'identifier', kind: 'investor', value: 'Jana Kowalskiego' });
    expect((await plan('akta sprawy UA-AB_7351_784_2010'))[0]).toEqual({ type: 'identifier', kind: 'caseNumber', value: 'UA-AB/7351/784/2010' });
  });

  it('a paraphrase without identifiers gets keyword and semantic steps and no followCase', async () => {
    const steps = await plan('zgoda na rozbudowę budynku mieszkalnego od strony ogrodu');
    expect(ofType(steps, 'keyword').length).toBeGreaterThanOrEqual(1);
    expect(ofType(steps, 'semantic')).toHaveLength(1);
    expect(ofType(steps, 'followCase')).toHaveLength(0);
  });

  it('keeps a question with many identifiers within MAX_STEPS, identifiers first', async () => {
    const steps = await plan(
      'wszystkie pisma w sprawach WUA-ZRB.6740.1.1.2019, WUA-ZRB.6740.1.2.2019, WUA-ZRB.6740.1.3.2019 dla działek 1/1, 2/2, 3/3 ' +
        'przy ul. Kwiatowej 1 Jana Kowalskiego odmowa pozwolenia na rozbudowę w 2016',
    );
    expect(steps.length).toBeLessThanOrEqual(MAX_STEPS);
    expect(steps.slice(0, 4).every((s) => s.type === 'identifier')).toBe(true);
  });
});

describe('the clerk\'s filters', () => {
  it('are on every step that takes filters, and win over cues read from the question', async () => {
    const clerk = { docType: 'postanowienie', dateFrom: '2010-01-01' };
    const steps = await plan('odmowa pozwolenia na rozbudowę domu na Leśnicy około 2016', clerk);
    for (const s of steps) {
      if (s.type === 'identifier' || s.type === 'followCase') continue;
      expect(s.filters, JSON.stringify(s)).toMatchObject(clerk);
    }
  });

  it('alone, with nothing to search in the question, list what they select', async () => {
    expect(await plan('co?', { precinct: 'Oporów' })).toEqual([{ type: 'filter', filters: { precinct: 'Oporów' } }]);
  });
});

describe('any input', () => {
  it('gives a valid plan for hostile or odd questions', async () => {
    const inputs = ['co?', '"; DROP TABLE x; --', 'title:(a OR b)^2 NEAR/3', '💥'.repeat(500), 'a'.repeat(10_000), '1/2 '.repeat(2000)];
    for (const q of inputs) {
      const p = await planner.plan(q, {});
      expect(zPlan.safeParse(p).success, q.slice(0, 40)).toBe(true);
      expect(p.steps.length).toBeLessThanOrEqual(MAX_STEPS);
    }
  });

  it('refuses an empty question with a domain error', async () => {
    await expect(planner.plan('   ', {})).rejects.toBeInstanceOf(DomainError);
    await expect(planner.plan('\u0000\u200b', {})).rejects.toMatchObject({ code: 'invalid_question' });
  });
});

import { describe, expect, it } from 'vitest';
import { fold } from '../../ingest/metadata/index.js';
import type { Plan, PlanStep, SearchFilters } from '../agent/plan.js';
import { groundPlan, type ExistsInArchive } from './grounding.js';
import { sameLexeme } from './grounding-terms.js';

/** A tiny archive with phrase search semantics like FTS5 (folded tokens, contiguous). */
const ARCHIVE = [
  'Na podstawie art. 28 ust. 2 ustawy z dnia 7 lipca 1994 r. – Prawo budowlane (Dz. U. z 2019 r. poz. 1186) oraz Prawa budowlanego',
  'Inwestor: Zbigniew Mazur, ul. Jagodzińska 29, działka nr 45, AM-18, obręb Oporów. Wrocław, dnia 29.04.2019 r. Znak: WUA-ZRB.6740.1.786.2019',
  'działki nr 412/8 i 102/4 obręb Stare Miasto; inwestor Przedsiębiorstwo Budowlane „Ślęża” S.A.; Prezydent Wrocławia',
  'Pełnomocnik: Jan Wiśniewski. Działki nr 282/12 i 282/13, obręb Pracze Odrzańskie; inwestor Żaneta Żak',
].map(tokens);

function tokens(s: string): string[] {
  return fold(s).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

function archive(): ExistsInArchive & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (term: string): Promise<boolean> => {
    calls.push(term);
    const t = tokens(term);
    return t.length > 0 && ARCHIVE.some((doc) => doc.some((_, i) => t.every((w, j) => doc[i + j] === w)));
  };
  return Object.assign(fn, { calls });
}

const plan = (...steps: PlanStep[]): Plan => ({ steps });
const kw = (query: string, filters?: SearchFilters): PlanStep =>
  filters ? { type: 'keyword', query, filters } : { type: 'keyword', query };

describe('groundPlan: legal references', () => {
  it('cuts an invented article ("art. 999 Prawa budowlanego") and keeps the words the archive has', async () => {
    const r = await groundPlan(plan(kw('pozwolenie na budowę art. 999 Prawa budowlanego')), 'pozwolenia na budowę domu', archive());
    expect(r.plan).toEqual(plan(kw('pozwolenie na budowę Prawa budowlanego')));
    expect(r.dropped).toEqual([{ step: 0, term: 'art. 999', reason: expect.stringMatching(/legal reference/) }]);
  });

  it('drops a step that was nothing but an invented regulation', async () => {
    const r = await groundPlan(
      plan({ type: 'semantic', query: 'art. 999 ust. 3 Dz. U. z 2031 r. poz. 77' }, kw('pozwolenie na budowę')),
      'pozwolenie na budowę',
      archive(),
    );
    expect(r.plan).toEqual(plan(kw('pozwolenie na budowę')));
    expect(r.dropped.map((d) => d.term)).toEqual(['art. 999 ust. 3', 'Dz. U. z 2031 r. poz. 77', 'semantic: art. 999 ust. 3 Dz. U. z 2031 r. poz. 77']);
  });

  it('keeps a reference the archive contains, and one the question names without asking the archive', async () => {
    const a = archive();
    const r = await groundPlan(
      plan(kw('art. 28 ust. 2 pozwolenie'), kw('samowola artykuł 48')),
      'samowola budowlana, art. 48 Prawa budowlanego',
      a,
    );
    expect(r.dropped).toEqual([]);
    expect(r.plan?.steps).toHaveLength(2);
    expect(a.calls).toEqual(['art. 28 ust. 2']);
  });

  it('does not let the model extend a reference from the question ("art. 28" → "art. 28 ust. 7")', async () => {
    const r = await groundPlan(plan(kw('decyzja art. 28 ust. 7')), 'decyzja art. 28', archive());
    expect(r.plan).toEqual(plan(kw('decyzja')));
    expect(r.dropped[0]?.term).toBe('art. 28 ust. 7');
  });
});

describe('groundPlan: signatures', () => {
  it('drops an invented signature from a query and an identifier step that names one', async () => {
    const r = await groundPlan(
      plan(kw('decyzja WUA-ZRB.6740.1.999.2020'), { type: 'identifier', kind: 'caseNumber', value: 'AB.6740.2.45.2021' }),
      'decyzja o pozwoleniu na budowę',
      archive(),
    );
    expect(r.plan).toEqual(plan(kw('decyzja')));
    expect(r.dropped.map((d) => d.term)).toEqual(['WUA-ZRB.6740.1.999.2020', 'AB.6740.2.45.2021']);
  });

  it.each([
    ['wua-zrb.6740.1.123.2019', 'WUA-ZRB.6740.1.123.2019'],
    ['sprawa WUA-ZRB. 6740.1.123.2019', 'WUA-ZRB.6740.1.123.2019'],
    ['UA-AB_7351_650_2010', 'UA-AB/7351/650/2010'],
    ['UA-AB/7351/650/2010', 'ua-ab / 7351 / 650 / 2010'],
  ])('accepts a signature written differently from the question (%s → %s) without asking the archive', async (q, written) => {
    const a = archive();
    const r = await groundPlan(plan({ type: 'identifier', kind: 'caseNumber', value: written }), `pisma w sprawie ${q}`, a);
    expect(r.dropped).toEqual([]);
    expect(r.plan?.steps).toHaveLength(1);
    expect(a.calls).toEqual([]);
  });

  it('keeps a signature that is not in the question but is in the archive', async () => {
    const r = await groundPlan(plan(kw('WUA-ZRB.6740.1.786.2019 decyzja')), 'decyzja dla Mazura', archive());
    expect(r.dropped).toEqual([]);
  });
});

describe('groundPlan: parcels, numbers and dates', () => {
  it('drops an invented parcel "99/9" and keeps the question\'s "45/7"', async () => {
    const r = await groundPlan(
      plan(kw('działka 45/7 99/9'), { type: 'identifier', kind: 'parcel', value: '99/9', precinct: 'Oporów' }),
      'co wydano dla działki 45/7 obręb Oporów',
      archive(),
    );
    expect(r.plan).toEqual(plan(kw('działka 45/7')));
    expect(r.dropped.map((d) => d.term)).toEqual(['99/9', '99/9']);
  });

  it('keeps a parcel found in the archive and drops only an invented precinct', async () => {
    const r = await groundPlan(
      plan({ type: 'identifier', kind: 'parcel', value: '412/8', precinct: 'Zalesie Górne' }),
      'działka na Starym Mieście',
      archive(),
    );
    expect(r.plan).toEqual(plan({ type: 'identifier', kind: 'parcel', value: '412/8' }));
    expect(r.dropped).toEqual([{ step: 0, term: 'Zalesie Górne', reason: expect.stringMatching(/precinct/) }]);
  });

  it('keeps from an invented number run only the numbers the question names', async () => {
    const r = await groundPlan(plan(kw('zgłoszenie 6740 1 9 2020')), 'zgłoszenia z 2020', archive());
    expect(r.plan).toEqual(plan(kw('zgłoszenie 2020')));
    expect(r.dropped.map((d) => d.term)).toEqual(['6740', '1', '9']);
  });

  it('treats the same date written differently as grounded, and drops an invented one', async () => {
    const ok = await groundPlan(plan(kw('decyzja 29.04.2019')), 'decyzja z 29 kwietnia 2019 r.', archive());
    expect(ok.dropped).toEqual([]);
    const bad = await groundPlan(plan(kw('decyzja 30 kwietnia 2018 r.')), 'decyzja dla Mazura', archive());
    expect(bad.plan).toEqual(plan(kw('decyzja')));
    expect(bad.dropped[0]?.term).toBe('30 kwietnia 2018 r.');
  });

  it('allows date filters near a year of the question and drops the others', async () => {
    const r = await groundPlan(
      plan({ type: 'filter', filters: { docType: 'decyzja', dateFrom: '2015-01-01', dateTo: '2017-12-31' } }, kw('rozbudowa', { dateFrom: '2009-01-01' })),
      'odmowy pozwolenia na rozbudowę ok. 2016',
      archive(),
    );
    expect(r.plan).toEqual(plan({ type: 'filter', filters: { docType: 'decyzja', dateFrom: '2015-01-01', dateTo: '2017-12-31' } }, kw('rozbudowa')));
    expect(r.dropped.map((d) => d.term)).toEqual(['2009-01-01']);
  });
});

describe('groundPlan: names', () => {
  it('drops an invented person, keeps inflected and reordered names from the question without archive calls', async () => {
    const a = archive();
    const r = await groundPlan(
      plan(kw('Mazur Zbigniew decyzja'), kw('decyzja Jan Kowalski')),
      'decyzje dla Zbigniewa Mazura',
      a,
    );
    expect(r.plan).toEqual(plan(kw('Mazur Zbigniew decyzja'), kw('decyzja')));
    expect(r.dropped.map((d) => d.term)).toEqual(['Jan Kowalski']);
    expect(a.calls).toEqual(['Jan Kowalski']);
  });

  it('does not take a different surname sharing a prefix for an inflected form', async () => {
    expect(sameLexeme('nowak', 'nowaka')).toBe(true);
    expect(sameLexeme('lesnicy', 'lesnica')).toBe(true);
    expect(sameLexeme('kowalskiego', 'kowalski')).toBe(true);
    expect(sameLexeme('nowak', 'nowacki')).toBe(false);
    expect(sameLexeme('mazur', 'mazurek')).toBe(false);
    const r = await groundPlan(plan(kw('Nowacki budowa')), 'budowa dla Nowaka', archive());
    expect(r.plan).toEqual(plan(kw('budowa')));
  });

  it('keeps a name the archive has as a phrase, drops words of an invented combination', async () => {
    const r = await groundPlan(
      plan(kw('Prezydent Wrocławia decyzja'), kw('Zbigniew Nowak decyzja')),
      'decyzja',
      archive(),
    );
    expect(r.plan).toEqual(plan(kw('Prezydent Wrocławia decyzja'), kw('decyzja')));
    expect(r.dropped.map((d) => d.term)).toEqual(['Zbigniew Nowak']);
  });

  it('splits a run of names from different sources, but will not complete a question name with an archive word', async () => {
    const r = await groundPlan(
      plan(kw('sprzeciw Żak Pracze Odrzańskie'), kw('Jan Żak zgłoszenie')),
      'sprzeciw dla Żak',
      archive(),
    );
    // "Jan" alone is in the archive, but "Jan Żak" is not a person the archive or the question knows.
    expect(r.plan).toEqual(plan(kw('sprzeciw Żak Pracze Odrzańskie'), kw('Żak zgłoszenie')));
    expect(r.dropped.map((d) => d.term)).toEqual(['Jan']);
  });

  it('takes a preposition or conjunction that only led into a cut term along with it', async () => {
    const r = await groundPlan(
      plan({ type: 'semantic', query: 'decyzja dla Jana Kowalskiego na działce 45/7 i 99/9' }),
      'decyzja na działce 45/7',
      archive(),
    );
    expect(r.plan).toEqual(plan({ type: 'semantic', query: 'decyzja na działce 45/7' }));
  });

  it('grounds investor and address steps as a whole: question words or the archive phrase', async () => {
    const r = await groundPlan(
      plan(
        { type: 'identifier', kind: 'investor', value: 'Zbigniew Mazur' },
        { type: 'identifier', kind: 'investor', value: 'Jan Mazur' },
        { type: 'identifier', kind: 'address', value: 'ul. Jagodzińska 31' },
        { type: 'identifier', kind: 'address', value: 'ul. Oporowska 43' },
      ),
      'budynek przy Oporowskiej 43, inwestor Mazur',
      archive(),
    );
    expect(r.plan?.steps.map((s) => s.type === 'identifier' && s.value)).toEqual(['Zbigniew Mazur', 'ul. Oporowska 43']);
    expect(r.dropped.map((d) => d.term)).toEqual(['Jan Mazur', 'ul. Jagodzińska 31']);
  });

  it('folds case and diacritics, ł included', async () => {
    const a = archive();
    const r = await groundPlan(plan(kw('Wrocław Jagodzińska ŚLĘŻA')), 'WROCLAW ul. jagodzinska, slezy', a);
    expect(r.dropped).toEqual([]);
    expect(a.calls).toEqual([]);
  });
});

describe('groundPlan: filters, empty plans, archive failures', () => {
  it('drops invented filter values but trusts the clerk\'s own filters', async () => {
    const r = await groundPlan(
      plan(
        { type: 'filter', filters: { caseNumber: 'XY.6740.1.1.2021' } },
        kw('decyzja', { precinct: 'Biskupin Dolny', parcel: '77/7' }),
      ),
      'decyzja',
      archive(),
      { filters: { parcel: '77/7' } },
    );
    expect(r.plan).toEqual(plan(kw('decyzja', { parcel: '77/7' })));
    expect(r.dropped.map((d) => d.term)).toEqual(['XY.6740.1.1.2021', 'filter', 'Biskupin Dolny']);
  });

  it('returns no plan when nothing searching is left (a lone followCase does not count)', async () => {
    const r = await groundPlan(plan(kw('art. 999'), { type: 'followCase' }), 'decyzja', archive());
    expect(r.plan).toBeNull();
  });

  it('treats a failing archive check as "not found" and asks once per term', async () => {
    const calls: string[] = [];
    const failing: ExistsInArchive = async (t) => {
      calls.push(t);
      throw new Error('backend down');
    };
    const r = await groundPlan(plan(kw('Kowalski budowa'), kw('Kowalski rozbiórka')), 'budowa i rozbiórka', failing);
    expect(r.plan).toEqual(plan(kw('budowa'), kw('rozbiórka')));
    expect(calls).toEqual(['Kowalski']);
  });
});

describe('groundPlan: conditions', () => {
  const withConditions = (conditions: Plan['conditions']): Plan => ({ steps: [kw('pozwolenie na budowę')], conditions });

  it('keeps the conditions the question states, in the model\'s official words or the question\'s', async () => {
    const q = 'odmowa PnB dla domku w Poznaniu w 2002 roku';
    const r = await groundPlan(
      withConditions([
        { kind: 'object', value: 'dom jednorodzinny' },
        { kind: 'period', value: '2002' },
        { kind: 'town', value: 'Poznań' },
        { kind: 'docType', value: 'decyzja o odmowie pozwolenia na budowę' },
      ]),
      q,
      archive(),
    );
    expect(r.plan?.conditions?.map((c) => c.kind)).toEqual(['object', 'period', 'town', 'docType']);
    expect(r.dropped).toEqual([]);
  });

  it('drops a condition the question does not state: another object, another year, a name it never gives', async () => {
    const r = await groundPlan(
      withConditions([
        { kind: 'object', value: 'garaż' },
        { kind: 'period', value: '2005' },
        { kind: 'name', value: 'Żabiniec' },
        { kind: 'object', value: 'domek' },
      ]),
      'pozwolenie na budowę domku w 2002 roku',
      archive(),
    );
    expect(r.plan?.conditions).toEqual([{ kind: 'object', value: 'domek' }]);
    expect(r.dropped.map((d) => [d.step, d.term])).toEqual([[-1, 'garaż'], [-1, '2005'], [-1, 'Żabiniec']]);
  });
});

import { describe, expect, it } from 'vitest';
import type { DocumentRecord, MetadataHit } from '../domain/types.js';
import { askedConditions, conditionsOf, namesAgree, outcomesAgree, tally, townsAgree, type ConditionCues, type DocumentText } from './conditions.js';

const hit = (kind: MetadataHit['kind'], value: string, extra?: Record<string, string>): MetadataHit => ({
  documentId: '1', kind, value, raw: value, page: 1, start: 0, end: value.length, origin: 'text', ...(extra ? { extra } : {}),
});

function doc(over: Partial<DocumentRecord>): DocumentRecord {
  return {
    id: '1', title: null, caseNumber: null, docType: null, date: null, source: { filename: 'a.pdf', sha256: 'x' },
    pageCount: 1, kind: 'pdf', ocrPages: 0, meanConfidence: null, metadata: [], ...over,
  };
}

const cues = (over: Partial<ConditionCues>): ConditionCues => ({ docTypes: [], precincts: [], issuers: [], outcomes: [], ...over });
const met = (d: DocumentRecord, c: ConditionCues) => conditionsOf(d, c).map((x) => `${x.kind}:${x.met}`);

describe('conditionsOf', () => {
  const judgment2006 = doc({ docType: 'wyrok WSA', date: '2006-05-10', metadata: [hit('docType', 'wyrok WSA'), hit('date', '2006-05-10', { role: 'document' })] });
  const wsa2006 = cues({ docTypes: ['wyrok WSA'], dateFrom: '2006-01-01', dateTo: '2006-12-31' });

  it('says yes for a stored type and date that satisfy the question, with the value as evidence', () => {
    const c = conditionsOf(judgment2006, wsa2006);
    expect(c.map((x) => x.met)).toEqual(['yes', 'yes']);
    expect(c[1]!.citation?.value).toBe('2006-05-10');
    expect(c[1]!.value).toBe('2006');
  });

  it('says no for another year or another type, unknown when the document shows none', () => {
    expect(met(doc({ docType: 'wyrok NSA', date: '2007-01-02' }), wsa2006)).toEqual(['docType:no', 'period:no']);
    expect(met(doc({}), wsa2006)).toEqual(['docType:unknown', 'period:unknown']);
  });

  it('treats a less precise stored type as not shown, a prefix asked ("wyrok") as met by both courts', () => {
    expect(met(doc({ docType: 'decyzja' }), cues({ docTypes: ['decyzja o pozwoleniu na budowę'] }))).toEqual(['docType:unknown']);
    expect(met(doc({ docType: 'wyrok NSA' }), cues({ docTypes: ['wyrok'] }))).toEqual(['docType:yes']);
    expect(met(doc({ docType: 'wyrok NSA' }), cues({ docTypes: ['wyrok WSA', 'wyrok NSA'] }))).toEqual(['docType:yes']);
  });

  it('judges the issuer and the outcome by the stored values, inflection and "zaskarżoną" aside', () => {
    const d = doc({ metadata: [hit('issuer', 'Wojewoda Mazowiecki'), hit('outcome', 'uchyla decyzję')] });
    expect(met(d, cues({ issuers: ['Wojewody Mazowieckiego'], outcomes: ['uchyla zaskarżoną decyzję'] }))).toEqual(['issuer:yes', 'outcome:yes']);
    expect(met(d, cues({ issuers: ['Wojewoda Łódzki'], outcomes: ['oddala skargę'] }))).toEqual(['issuer:no', 'outcome:no']);
    expect(met(doc({}), cues({ issuers: ['Wojewoda Łódzki'] }))).toEqual(['issuer:unknown']);
  });

  it('places a document by its parcels: the precinct asked, another one, or none', () => {
    const here = doc({ metadata: [hit('parcel', '16/1', { obreb: 'Januszówka' })] });
    const there = doc({ metadata: [hit('parcel', '16/1', { obreb: 'Blachownia' })] });
    const q = cues({ precincts: ['Januszówka'] });
    expect(met(here, q)).toEqual(['precinct:yes']);
    expect(met(there, q)).toEqual(['precinct:no']);
    expect(met(doc({}), q)).toEqual(['precinct:unknown']);
  });

  it('has no conditions for a question without cues', () => {
    expect(conditionsOf(judgment2006, cues({}))).toEqual([]);
    expect(tally(conditionsOf(doc({}), wsa2006))).toEqual({ yes: 0, no: 0, unknown: 2 });
  });
});

describe('namesAgree / outcomesAgree', () => {
  it('spells out court abbreviations and ignores case endings', () => {
    expect(namesAgree('WSA we Wrocławiu', 'Wojewódzki Sąd Administracyjny we Wrocławiu')).toBe(true);
    expect(namesAgree('Wojewódzki Sąd Administracyjny', 'Wojewódzki Sąd Administracyjny w Krakowie')).toBe(true);
    expect(namesAgree('WSA we Wrocławiu', 'Wojewódzki Sąd Administracyjny w Krakowie')).toBe(false);
    expect(namesAgree('NSA', 'Wojewódzki Sąd Administracyjny w Krakowie')).toBe(false);
  });
  it('keeps the object of an outcome: a cassation appeal is not a complaint', () => {
    expect(outcomesAgree('oddala skargę kasacyjną', 'oddala skargę')).toBe(false);
    expect(outcomesAgree('oddala skargę', 'oddala skargę kasacyjną')).toBe(true);
  });
});

/** One page of text, read whole or not. */
const read = (text: string, complete = true): DocumentText => ({ pages: [{ page: 1, text }], complete });
const judged = (d: DocumentRecord, c: ConditionCues, t: DocumentText) => conditionsOf(d, c, t);

// Openings of real texts from the development corpus (../shared/corpus/real-text, t048 and t039) and of the synthetic generator's decisions.
const PLAN_RULING =
  'Wyrok nr Sygn. akt II SA/Wr 461/12 Wojewódzkiego Sądu Administracyjnego we Wrocławiu z dnia 19 września 2012r. wydany po rozpoznaniu sprawy ze skargi ' +
  'Wojewody Dolnośląskiego na uchwałę Rady Miejskiej Wrocławia z dnia 19 kwietnia 2012 r. nr XXV/566/12 w przedmiocie\nuchwalenia miejscowego planu ' +
  'zagospodarowania przestrzennego w rejonie wschodnich odcinków rzeki Odry i Oławy we Wrocławiu';
const DEMOLITION_RULING =
  'Wojewódzki Sąd Administracyjny w Krakowie po rozpoznaniu na rozprawie w dniu 21 grudnia 2015 r. sprawy ze skargi M. S. na decyzję Nr (...) ' +
  'Wojewódzkiego Inspektora Nadzoru Budowlanego w K. w przedmiocie nakazu rozbiórki I. uchyla zaskarżoną decyzję. Uzasadnienie: budynek gospodarczy ' +
  'wzniesiono bez wymaganego pozwolenia na budowę.';
const HOUSE_PERMIT =
  'Wrocław, dnia 12 marca 2019 r.\nDECYZJA NR 412/2019\nPo rozpatrzeniu wniosku w sprawie wydania pozwolenia na budowę Prezydent Miasta Wrocławia ' +
  'zatwierdza projekt budowlany i udziela pozwolenia na budowę dla inwestycji polegającej na budowie budynku mieszkalnego jednorodzinnego ' +
  'wolnostojącego na działce nr 45/7, obręb Oporów.';
const LODZ_DECISION = 'Łódź, dnia 12 lipca 2024 r.\nPrezydent Miasta Łodzi\nustala warunki zabudowy dla inwestycji przy ul. Zgierskiej.';

describe('conditions read from the text', () => {
  const none = doc({});

  it('reads the matter where the document states it: another stated matter is a no, with the words that state it', () => {
    const [pnb] = judged(none, cues({ subjects: ['pnb'] }), read(PLAN_RULING));
    expect(pnb).toMatchObject({ kind: 'subject', value: 'pozwolenie na budowę', met: 'no' });
    expect(pnb!.citation?.quote).toBe('uchwalenia miejscowego planu zagospodarowania przestrzennego');
    expect(PLAN_RULING.slice(pnb!.citation!.start, pnb!.citation!.end)).toBe(pnb!.citation!.quote);
    expect(judged(none, cues({ subjects: ['mpzp'] }), read(PLAN_RULING))[0]!.met).toBe('yes');
    // "uchwała planistyczna" asked, "miejscowy plan" stated: the narrower name is the same matter.
    expect(judged(none, cues({ subjects: ['uchwala-mpzp'] }), read(PLAN_RULING.replace('uchwalenia miejscowego', 'miejscowego')))[0]!.met).toBe('yes');
    // "w przedmiocie nakazu rozbiórki": a permit mentioned in the reasons is not the matter.
    expect(judged(none, cues({ subjects: ['pnb'] }), read(DEMOLITION_RULING))[0]!.met).toBe('no');
    expect(judged(none, cues({ subjects: ['rozbiorka'] }), read(DEMOLITION_RULING))[0]!.met).toBe('yes');
  });

  it('takes the matter from a document that states none when it names it, and from the stored type', () => {
    expect(judged(none, cues({ subjects: ['pnb'] }), read('Inwestor wystąpił o pozwolenie na budowę garażu.'))[0]!.met).toBe('yes');
    expect(judged(none, cues({ subjects: ['pnb'] }), read('Ogłoszenie o naborze na stanowisko urzędnicze.'))[0]!.met).toBe('unknown');
    const permit = doc({ docType: 'decyzja o warunkach zabudowy', metadata: [hit('docType', 'decyzja o warunkach zabudowy')] });
    expect(judged(permit, cues({ subjects: ['wz'] }), read('DECYZJA'))[0]!.met).toBe('yes');
  });

  it('reads the object: named, another object named, or none', () => {
    const house = judged(none, cues({ objects: ['dom'] }), read(HOUSE_PERMIT))[0]!;
    expect(house).toMatchObject({ kind: 'object', value: 'budynek mieszkalny jednorodzinny', met: 'yes' });
    expect(house.citation?.quote).toBe('budynku mieszkalnego jednorodzinnego');
    const garage = judged(none, cues({ objects: ['garaz'] }), read(HOUSE_PERMIT))[0]!;
    expect(garage).toMatchObject({ met: 'no', citation: { quote: 'budynku mieszkalnego jednorodzinnego' } });
    expect(judged(none, cues({ objects: ['stacja-bazowa'] }), read(PLAN_RULING))[0]!.met).toBe('unknown');
  });

  it('reads what is done apart from what is built: an add-on storey is not a change of use, a house names no works', () => {
    const storey = 'DECYZJA NR 240/2015 o warunkach zabudowy dla inwestycji polegającej na nadbudowie budynku mieszkalnego wielorodzinnego.';
    expect(judged(none, cues({ objects: ['zmiana-uzytkowania'] }), read(storey))[0]).toMatchObject({ kind: 'object', value: 'zmiana sposobu użytkowania', met: 'no', citation: { quote: 'nadbudowie' } });
    expect(judged(none, cues({ objects: ['blok'] }), read(storey))[0]!.met).toBe('yes');
    // The house permit names a building and no works: an extension is not shown, nor contradicted.
    expect(judged(none, cues({ objects: ['rozbudowa'] }), read(HOUSE_PERMIT))[0]!.met).toBe('unknown');
  });

  it('places a document in a town by its dateline, office or court, and not by a town it merely mentions', () => {
    expect(judged(none, cues({ towns: ['Poznaniu'] }), read(LODZ_DECISION))[0]).toMatchObject({ kind: 'town', value: 'w Poznaniu', met: 'no', citation: { quote: 'Łódź' } });
    expect(judged(none, cues({ towns: ['Łodzi'] }), read(LODZ_DECISION))[0]!.met).toBe('yes');
    expect(judged(none, cues({ towns: ['Krakowie'] }), read(DEMOLITION_RULING))[0]!.met).toBe('yes');
    expect(judged(none, cues({ towns: ['Poznaniu'] }), read('Projekt planu wyłożono do publicznego wglądu.'))[0]!.met).toBe('unknown');
    // A court's seat is not where the matter is: a ruling of the court in Kraków says nothing about Wrocław.
    expect(judged(none, cues({ towns: ['Wrocławiu'] }), read(DEMOLITION_RULING))[0]!.met).toBe('unknown');
    // A gmina's office decides for its villages: named in the text, the village is met.
    const village = 'Michałowice, dnia 3 maja 2021 r.\nWójt Gminy Michałowice zawiadamia o wszczęciu postępowania dla działki przy ul. Sąsiedzkiej w Sokołowie.';
    expect(judged(none, cues({ towns: ['Sokołowie'] }), read(village))[0]).toMatchObject({ met: 'yes', citation: { quote: 'Sokołowie' } });
    expect(judged(none, cues({ towns: ['Pleszewie'] }), read(village))[0]).toMatchObject({ met: 'no', citation: { quote: 'Michałowice' } });
  });

  it('agrees on a town whatever its case ending', () => {
    for (const [a, b] of [['Poznaniu', 'Poznań'], ['Wieliczce', 'Wieliczka'], ['Łodzi', 'Łódź'], ['Krakowie', 'Krakowa'], ['Brus', 'Brusy'], ['Sokołowie', 'Sokołów']] as const) {
      expect(townsAgree(a, b), `${a} ~ ${b}`).toBe(true);
    }
    for (const [a, b] of [['Krakowie', 'Krosno'], ['Łodzi', 'Łomża'], ['Poznaniu', 'Pozezdrze']] as const) expect(townsAgree(a, b), `${a} ≁ ${b}`).toBe(false);
  });

  it('says a name the question gives is missing only when the whole document was read', () => {
    const notice = 'Wyłożenie do publicznego wglądu projektu miejscowego planu zagospodarowania przestrzennego obszaru "ŻABINIEC".';
    expect(judged(none, cues({ names: ['Żabiniec'] }), read(notice))[0]).toMatchObject({ met: 'yes', citation: { quote: 'ŻABINIEC' } });
    expect(judged(none, cues({ names: ['Jacinki'] }), read(notice))[0]!.met).toBe('no');
    expect(judged(none, cues({ names: ['Jacinki'] }), read(notice, false))[0]!.met).toBe('unknown');
  });

  it('judges identifiers by what the search found, citing where the document writes them', () => {
    const cited = conditionsOf(none, cues({}), read(HOUSE_PERMIT), [
      { kind: 'parcel', value: '45/7', written: '45/7', found: true },
      { kind: 'caseNumber', value: 'WUA-ZRB.6740.1.1.2019', written: 'WUA-ZRB.6740.1.1.2019', found: false },
    ]);
    expect(cited[0]).toMatchObject({ kind: 'parcel', met: 'yes', citation: { quote: '45/7' } });
    expect(cited[1]).toMatchObject({ kind: 'caseNumber', met: 'no' });
    // Identifiers have their own part of the score: the tally counts the other conditions.
    expect(tally(cited)).toEqual({ yes: 0, no: 0, unknown: 0 });
  });

  it('lists the conditions as the clerk reads them, in the order they are judged', () => {
    const asked = askedConditions(
      cues({ docTypes: ['decyzja o pozwoleniu na budowę'], objects: ['dom'], precincts: ['Oporów'], towns: ['Poznaniu'], dateFrom: '2002-01-01', dateTo: '2002-12-31' }),
      [{ kind: 'parcel', value: '45/7' }],
    );
    expect(asked.map((a) => `${a.kind}: ${a.value}`)).toEqual([
      'parcel: 45/7', 'docType: decyzja o pozwoleniu na budowę', 'object: budynek mieszkalny jednorodzinny', 'precinct: Oporów', 'town: w Poznaniu', 'period: 2002',
    ]);
  });
});

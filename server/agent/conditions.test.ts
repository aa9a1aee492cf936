import { describe, expect, it } from 'vitest';
import type { DocumentRecord, MetadataHit } from '../domain/types.js';
import { conditionsOf, namesAgree, outcomesAgree, tally, type ConditionCues } from './conditions.js';

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

import { describe, expect, it } from 'vitest';
import { findParcels } from './parcels.js';

type P = { value: string; obreb?: string; obrebNr?: string; arkusz?: string };

function parcels(text: string): P[] {
  return findParcels(text).map((h) => {
    expect(text.slice(h.start, h.end).replace(/\s+/g, '')).toBe(h.value);
    const p: P = { value: h.value };
    if (h.obreb !== undefined) p.obreb = h.obreb;
    if (h.obrebNr !== undefined) p.obrebNr = h.obrebNr;
    if (h.arkusz !== undefined) p.arkusz = h.arkusz;
    return p;
  });
}

describe('findParcels: keyword-led', () => {
  it.each<[string, P[]]>([
    ['na działce nr 45/7 we Wrocławiu', [{ value: '45/7' }]],
    ['dz. nr 45/7', [{ value: '45/7' }]],
    ['dz.nr 45/7', [{ value: '45/7' }]],
    ['działka 123 położona przy', [{ value: '123' }]],
    ['na działkach nr 12, 13/4 i 15/2', [{ value: '12' }, { value: '13/4' }, { value: '15/2' }]],
    ['działki nr 12, 13/4 i 15/2 położone', [{ value: '12' }, { value: '13/4' }, { value: '15/2' }]],
    ['działek nr ewid. 101/3, 101/4', [{ value: '101/3' }, { value: '101/4' }]],
    ['działki o numerze ewidencyjnym 7/12', [{ value: '7/12' }]],
    ['działki gruntowej oznaczonej nr 88', [{ value: '88' }]],
    ['działki nr: 5/1 oraz 5/2', [{ value: '5/1' }, { value: '5/2' }]],
    ['działka nr 45 / 7', [{ value: '45/7' }]],
    ['OCR: dzialka nr 45/7', [{ value: '45/7' }]],
    ['OCR: dz nr 45/7', [{ value: '45/7' }]],
    ['capitals: DZIAŁKA NR 45/7', [{ value: '45/7' }]],
  ])('%s', (text, expected) => {
    expect(parcels(text)).toEqual(expected);
  });
});

describe('findParcels: precinct and map sheet', () => {
  it.each<[string, P[]]>([
    ['dz. ewid. 45/7, AM-12, obręb Oporów', [{ value: '45/7', obreb: 'Oporów', arkusz: '12' }]],
    [
      'na działce nr 45/7, AM-12, obręb Oporów, przy ul. Kwiatowej 12',
      [{ value: '45/7', obreb: 'Oporów', arkusz: '12' }],
    ],
    ['nr 45/7 (arkusz mapy 12, obręb Oporów)', [{ value: '45/7', obreb: 'Oporów', arkusz: '12' }]],
    ['działka nr 3/1 obr. Leśnica, ark. 3', [{ value: '3/1', obreb: 'Leśnica', arkusz: '3' }]],
    ['obr. Leśnica, ark. 3, dz. nr 45/7', [{ value: '45/7', obreb: 'Leśnica', arkusz: '3' }]],
    ['działka nr 12 obręb 0025 Oporów', [{ value: '12', obreb: 'Oporów', obrebNr: '0025' }]],
    ['działka nr 12, obręb 0025', [{ value: '12', obreb: '0025' }]],
    ['działki nr 7 i 8, obręb Psie Pole, AM 4', [
      { value: '7', obreb: 'Psie Pole', arkusz: '4' },
      { value: '8', obreb: 'Psie Pole', arkusz: '4' },
    ]],
    ['działka nr 1/2 w obrębie Stare Miasto', [{ value: '1/2', obreb: 'Stare Miasto' }]],
    ['OCR: dzialka nr 45/7 obreb Oporow', [{ value: '45/7', obreb: 'Oporow' }]],
    ['w obrębie ewidencyjnym Różanka na działce nr 9', [{ value: '9', obreb: 'Różanka' }]],
    ['działka nr 12 obręb Oporów Wrocław', [{ value: '12', obreb: 'Oporów' }]],
  ])('%s', (text, expected) => {
    expect(parcels(text)).toEqual(expected);
  });

  it('does not carry a precinct across a sentence end', () => {
    expect(parcels('Teren obejmuje działkę nr 5. Obręb Oporów jest objęty planem.')).toEqual([{ value: '5' }]);
  });

  it('gives each parcel the precinct of its own clause', () => {
    expect(parcels('działka nr 12 obręb Oporów oraz działka nr 15 obręb Leśnica')).toEqual([
      { value: '12', obreb: 'Oporów' },
      { value: '15', obreb: 'Leśnica' },
    ]);
  });
});

describe('findParcels: rejects', () => {
  it.each([
    ['a bare fraction', 'stosunek 45/7 w tabeli'],
    ['a bare number', 'nr 45/7 w rejestrze'],
    ['area', 'działka o powierzchni 1200 m2'],
    ['a date after the keyword', 'działki, 14.03.2019'],
    ['Dziennik Ustaw', '(Dz. U. z 2019 r. poz. 1186)'],
    ['Dz.U. compact', '(Dz.U.2020.1333)'],
    ['a postcode', 'ul. Kwiatowa 12, 54-123 Wrocław'],
    ['a signature', 'Znak: UA-AB/7351/784/2010'],
    ['precinct without parcel', 'obręb Oporów, arkusz mapy 12'],
    ['a house number', 'ul. Kwiatowa 12/4'],
  ])('%s', (_name, text) => {
    expect(findParcels(text)).toEqual([]);
  });

  it('stops the list at a postcode or an area', () => {
    expect(parcels('działka nr 45/7, 54-123 Wrocław')).toEqual([{ value: '45/7' }]);
    expect(parcels('działki nr 12 i 13, 1200 m2')).toEqual([{ value: '12' }, { value: '13' }]);
  });

  it('ignores a lower-case "am" as a map sheet', () => {
    expect(findParcels('nr 12 am 3 ok')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { findFolderSignatures, findSignatures, normaliseSignature, signatureLabel } from './signature.js';

function values(text: string): string[] {
  const hits = findSignatures(text);
  for (const h of hits) expect(h.end).toBeGreaterThan(h.start);
  return hits.map((h) => h.value);
}

describe('findSignatures: JRWA style', () => {
  it.each([
    ['Znak: WUA-ZRB.6740.1.123.2019', 'WUA-ZRB.6740.1.123.2019'],
    ['Nr sprawy: AB.6740.2.45.2021', 'AB.6740.2.45.2021'],
    ['znak sprawy WAB-III.6740.15.2018 (prosimy powoływać się)', 'WAB-III.6740.15.2018'],
    ['W odpowiedzi na pismo GKN.6730.12.2020 z dnia', 'GKN.6730.12.2020'],
    ['sygn. WUA-ZRB.6743.3.17.2022.', 'WUA-ZRB.6743.3.17.2022'],
    ['Znak:WUA-ZRB.6733.7.2016', 'WUA-ZRB.6733.7.2016'],
  ])('%s', (text, expected) => {
    expect(values(text)).toEqual([expected]);
  });

  it.each([
    ['spaces around dots', 'Znak: WUA-ZRB. 6740.1.123.2019', 'WUA-ZRB.6740.1.123.2019'],
    ['spaces everywhere', 'Znak: WUA - ZRB . 6740 . 1 . 123 . 2019', 'WUA-ZRB.6740.1.123.2019'],
    ['comma instead of dot', 'Znak: WUA-ZRB,6740,1.123.2019', 'WUA-ZRB.6740.1.123.2019'],
    ['O for 0', 'Znak: WUA-ZRB.674O.1.123.2O19', 'WUA-ZRB.6740.1.123.2019'],
    ['o for 0', 'Znak: AB.674o.2.45.2o21', 'AB.6740.2.45.2021'],
    ['l for 1', 'Znak: WUA-ZRB.6740.l.123.2019', 'WUA-ZRB.6740.1.123.2019'],
    ['I and | for 1', 'Znak: WUA-ZRB.6740.I.|23.2019', 'WUA-ZRB.6740.1.123.2019'],
    ['S for 5', 'Znak: AB.6740.2.4S.2021', 'AB.6740.2.45.2021'],
    ['B for 8', 'Znak: AB.6740.2.4B.2018', 'AB.6740.2.48.2018'],
    ['line break inside', 'Znak: WUA-ZRB.6740.1.\n123.2019', 'WUA-ZRB.6740.1.123.2019'],
    ['line break after hyphen', 'Znak: WUA-\nZRB.6740.1.123.2019', 'WUA-ZRB.6740.1.123.2019'],
    ['lower-case roman numerals as l', 'znak: WAB-lll.6740.15.2018', 'WAB-III.6740.15.2018'],
    ['trailing clerk initials', 'Znak: WUA-ZRB.6740.1.123.2019.AK', 'WUA-ZRB.6740.1.123.2019'],
  ])('OCR variant: %s', (_name, text, expected) => {
    expect(values(text)).toEqual([expected]);
  });

  it('keeps raw spans exact', () => {
    const text = 'Wrocław, dnia 14.03.2019 r.\nZnak: WUA - ZRB. 674O.1.\n123.2019\nDECYZJA';
    const [hit] = findSignatures(text);
    expect(hit).toBeDefined();
    expect(text.slice(hit!.start, hit!.end)).toBe('WUA - ZRB. 674O.1.\n123.2019');
  });

  it('finds several signatures in one text', () => {
    const text =
      'Znak: WUA-ZRB.6740.1.123.2019. W nawiązaniu do decyzji AB.6740.2.45.2017 oraz UA-AB/7351/784/2010.';
    expect(values(text)).toEqual(['WUA-ZRB.6740.1.123.2019', 'AB.6740.2.45.2017', 'UA-AB/7351/784/2010']);
  });
});

describe('findSignatures: slash style', () => {
  it.each([
    ['UA-AB/7351/784/2010', 'UA-AB/7351/784/2010'],
    ['Znak: AB-II/7353-12/456/09', 'AB-II/7353-12/456/09'],
    ['UA-AB / 7351 / 784 / 2010', 'UA-AB/7351/784/2010'],
    ['sygn. akt WAB-I/7351/12/3/2008', 'WAB-I/7351/12/3/2008'],
    ['Znak: UA-AB/735l/7B4/20l0', 'UA-AB/7351/784/2010'],
    ['AB-II / 7353 - 12 / 456 / 09', 'AB-II/7353-12/456/09'],
  ])('%s', (text, expected) => {
    expect(values(text)).toEqual([expected]);
  });
});

describe('findSignatures: no false positives', () => {
  it.each([
    ['a date', 'Wrocław, dnia 14.03.2019 r.'],
    ['an ISO date', 'data: 2019-03-14'],
    ['a parcel', 'działka nr 45/7, AM-12, obręb Oporów'],
    ['a parcel list', 'działki nr 12, 13/4 i 15/2'],
    ['an amount', 'opłata skarbowa w wysokości 1.234.567,89 zł'],
    ['a PESEL', 'PESEL 85010112345'],
    ['a phone number', 'tel. 71 777 77 77, fax 71.777.77.77'],
    ['Dziennik Ustaw', 'Prawo budowlane (Dz. U. 2020 poz. 1333 ze zm.)'],
    ['Dziennik Ustaw compact', '(Dz.U.2020.1333)'],
    ['Dziennik Ustaw with year', '(Dz. U. z 2019 r. poz. 1186)'],
    ['article references', 'art. 28 ust. 1, art. 33 ust. 2 pkt 1 i § 2.1.2019'],
    ['paragraph reference', '§ 12.1.2019 rozporządzenia'],
    ['a list with "Nr"', 'Nr 1234, 5, 2019'],
    ['"Nr." in front of bare numbers', 'Decyzja Nr. 6740.1.123.2019'],
    ['an NIP', 'NIP: 896-000-56-73'],
    ['a KW number', 'KW nr WR1K/00012345/6'],
    ['a postcode', '54-123 Wrocław'],
    ['a year that is no year', 'AB.6740.1.123.1234'],
    ['no case number before the year', 'AB.6740.2019'],
    ['a lower-case word as prefix', 'zgodnie z par.6740.1.123.2019'],
    ['a long word as prefix', 'Kowalskiego.6740.1.123.2019'],
    ['too much OCR noise', 'AB.SOBO.lI.SOlO'],
  ])('%s', (_name, text) => {
    expect(values(text)).toEqual([]);
  });
});

describe('normaliseSignature', () => {
  it.each([
    ['WUA-ZRB.6740.1.123.2019', 'WUA-ZRB.6740.1.123.2019'],
    ['  wua-zrb. 6740.1.123.2019 ', 'WUA-ZRB.6740.1.123.2019'],
    ['ab.6740.2.45.2021', 'AB.6740.2.45.2021'],
    ['UA-AB / 7351 / 784 / 2010', 'UA-AB/7351/784/2010'],
    ['UA-AB_7351_784_2010', 'UA-AB/7351/784/2010'],
    ['WUA-ZRB_6740_1_123_2019', 'WUA-ZRB.6740.1.123.2019'],
    ['AB-II_7353-12_456_09', 'AB-II/7353-12/456/09'],
    ['WUA-ZRB.674O.l.123.2O19', 'WUA-ZRB.6740.1.123.2019'],
  ])('%s -> %s', (input, expected) => {
    expect(normaliseSignature(input)).toBe(expected);
  });

  it.each([
    [''],
    ['   '],
    ['14.03.2019'],
    ['45/7'],
    ['Znak: WUA-ZRB.6740.1.123.2019'],
    ['WUA-ZRB.6740.1.123.2019 i AB.6740.2.45.2021'],
    ['Kowalski'],
    ['Dz. U. 2020 poz. 1333'],
  ])('%j is not a signature', (input) => {
    expect(normaliseSignature(input)).toBeNull();
  });

  it('tolerates non-string input', () => {
    expect(normaliseSignature(undefined as unknown as string)).toBeNull();
    expect(findSignatures(null as unknown as string)).toEqual([]);
  });
});

describe('findFolderSignatures', () => {
  it.each([
    ['UA-AB_7351_784_2010', 'UA-AB/7351/784/2010', 'UA-AB_7351_784_2010'],
    ['WUA-ZRB.6740.1.123.2019', 'WUA-ZRB.6740.1.123.2019', 'WUA-ZRB.6740.1.123.2019'],
    ['WUA-ZRB_6740_1_123_2019', 'WUA-ZRB.6740.1.123.2019', 'WUA-ZRB_6740_1_123_2019'],
    ['WUA-ZRB 6740 1 123 2019 Kowalski', 'WUA-ZRB.6740.1.123.2019', 'WUA-ZRB 6740 1 123 2019'],
    ['2019_AB_6740_2_45_2019_skany', 'AB.6740.2.45.2019', 'AB_6740_2_45_2019'],
    ['AB-II_7353-12_456_09', 'AB-II/7353-12/456/09', 'AB-II_7353-12_456_09'],
    ['ua-ab 7351 784 2010', 'UA-AB/7351/784/2010', 'ua-ab 7351 784 2010'],
  ])('%s', (name, value, raw) => {
    const hits = findFolderSignatures(name);
    expect(hits.map((h) => h.value)).toEqual([value]);
    expect(name.slice(hits[0]!.start, hits[0]!.end)).toBe(raw);
  });

  it.each([['skany'], ['2019'], ['Kowalski Jan 2019_03_14'], ['JAN 2019_03_14'], ['teczka_12_2019'], ['AB_2019']])(
    '%s has no signature',
    (name) => {
      expect(findFolderSignatures(name)).toEqual([]);
    },
  );
});

describe('signatureLabel', () => {
  it('labels own and addressee references', () => {
    const t1 = 'Znak: WUA-ZRB.6740.1.123.2019';
    expect(signatureLabel(t1, t1.indexOf('WUA'))).toBe('own');
    const t2 = 'Nr sprawy: AB.6740.2.45.2021';
    expect(signatureLabel(t2, t2.indexOf('AB'))).toBe('own');
    const t3 = 'Wasz znak: AB.6740.2.45.2021';
    expect(signatureLabel(t3, t3.indexOf('AB'))).toBe('other');
    const t4 = 'w nawiązaniu do decyzji AB.6740.2.45.2021';
    expect(signatureLabel(t4, t4.indexOf('AB'))).toBeNull();
  });
});

describe('findSignatures: a court signature wrapped at the end of a line', () => {
  it('reads it whole, its span covering both lines', () => {
    const text = 'Wyrok WSA w Opolu z dnia 2 marca 2021 r., sygn. II SA/Op\n433/20\nWojewódzki Sąd Administracyjny w Opolu';
    const hit = findSignatures(text).find((h) => h.value === 'II SA/Op 433/20');
    expect(hit).toBeDefined();
    expect(text.slice(hit!.start, hit!.end)).toBe('II SA/Op\n433/20');
  });
  it('does not join a numeral at the end of one paragraph to a repertory two lines down', () => {
    expect(findSignatures('Rozdział II\n\nSA/Op 433/20').map((h) => h.value)).not.toContain('II SA/Op 433/20');
  });
});

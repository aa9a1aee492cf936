import { describe, expect, it } from 'vitest';
import { checkProvenance } from './testkit.js';
import type { MetaValue } from '../types.js';
import { extractMetadata } from './index.js';

type Page = { page: number; text: string };

function of(values: MetaValue[], kind: MetaValue['kind']): MetaValue[] {
  return values.filter((v) => v.kind === kind);
}

const DECISION_P1 = `PREZYDENT WROCŁAWIA
Wydział Architektury i Budownictwa
pl. Nowy Targ 1-8, 50-141 Wrocław
                                                Wrocław, dnia 14 marca 2019 r.
Znak: WUA-ZRB.6740.1.123.2019
Wasz znak: AB.6740.2.45.2018

                                   Pan
                                   Jan Kowalski
                                   ul. Legnicka 55a/3
                                   54-123 Wrocław

D E C Y Z J A  Nr 456/2019

Na podstawie art. 28, art. 33 ust. 1, art. 34 ust. 4 i art. 36 ustawy z dnia 7 lipca 1994 r. – Prawo budowlane
(Dz. U. z 2018 r. poz. 1202 ze zm.) oraz art. 104 Kodeksu postępowania administracyjnego, po rozpatrzeniu
wniosku z dnia 3 lutego 2019 r. Pana Jana Kowalskiego
zatwierdzam projekt budowlany i udzielam pozwolenia na budowę
budynku mieszkalnego jednorodzinnego na działce nr 45/7, AM-12, obręb Oporów, przy ul. Kwiatowej 12
we Wrocławiu.
Inwestor: Jan Kowalski, zam. ul. Legnicka 55a/3, 54-123 Wrocław.`;

const DECISION_P2 = `UZASADNIENIE
W dniu 3.02.2019 r. inwestor złożył wniosek. Postanowieniem z dnia 20.02.2019 r. znak
WUA-ZRB.6740.1.123.2019 wezwano do uzupełnienia. Teren obejmuje także działki nr 101/3, 101/4
(arkusz mapy 3, obręb Psie Pole). Decyzja z dnia 5.III.2010 r. znak UA-AB/7351/784/2010 wygasła.
Opłata skarbowa: 47,00 zł. Tel. 71 777 77 77. PESEL 85010112345.`;

const PAGES: Page[] = [
  { page: 1, text: DECISION_P1 },
  { page: 2, text: DECISION_P2 },
];

describe('extractMetadata: a building-permit decision', () => {
  const values = extractMetadata(PAGES);

  it('keeps provenance exact for every value', () => {
    checkProvenance(PAGES, values);
  });

  it('takes the document case as the case number and keeps cited ones apart as references', () => {
    const cases = of(values, 'caseNumber');
    expect(cases[0]).toMatchObject({ value: 'WUA-ZRB.6740.1.123.2019', page: 1, origin: 'text' });
    expect(cases.map((c) => `${c.page}:${c.value}`)).toEqual(['1:WUA-ZRB.6740.1.123.2019', '2:WUA-ZRB.6740.1.123.2019']);
    expect(of(values, 'references').map((c) => `${c.page}:${c.value}`)).toEqual(['1:AB.6740.2.45.2018', '2:UA-AB/7351/784/2010']);
  });

  it('finds one document type from the heading', () => {
    const types = of(values, 'docType');
    expect(types).toHaveLength(1);
    expect(types[0]).toMatchObject({ value: 'decyzja o pozwoleniu na budowę', raw: 'D E C Y Z J A', page: 1 });
  });

  it('puts the document date first and marks exactly one', () => {
    const dates = of(values, 'date');
    expect(dates[0]).toMatchObject({ value: '2019-03-14', raw: '14 marca 2019 r.', extra: { role: 'document' } });
    expect(dates.filter((d) => d.extra?.role === 'document')).toHaveLength(1);
    expect(dates.slice(1).map((d) => d.value)).toEqual([
      '1994-07-07',
      '2019-02-03',
      '2019-02-03',
      '2019-02-20',
      '2010-03-05',
    ]);
    for (const d of dates.slice(1)) expect(d.extra?.role).toBe('mentioned');
  });

  it('finds parcels with precinct and map sheet', () => {
    const parcels = of(values, 'parcel').map((p) => ({ value: p.value, page: p.page, extra: p.extra }));
    expect(parcels).toEqual([
      { value: '45/7', page: 1, extra: { obreb: 'Oporów', arkusz: '12' } },
      { value: '101/3', page: 2, extra: { obreb: 'Psie Pole', arkusz: '3' } },
      { value: '101/4', page: 2, extra: { obreb: 'Psie Pole', arkusz: '3' } },
    ]);
  });

  it('finds addresses, deduped per page, not the office address of the letterhead', () => {
    const addresses = of(values, 'address').map((a) => a.value);
    expect(addresses).toEqual(['ul. Legnicka 55a/3', 'ul. Kwiatowej 12']);
    const legnicka = of(values, 'address').find((a) => a.value === 'ul. Legnicka 55a/3');
    expect(legnicka?.extra).toEqual({ street: 'Legnicka', number: '55a/3', postcode: '54-123', city: 'Wrocław' });
  });

  it('finds the investor', () => {
    expect(of(values, 'investor').map((i) => i.value)).toEqual(['Jana Kowalskiego', 'Jan Kowalski']);
  });

  it('names the issuer from the letterhead and the outcome from the operative words', () => {
    expect(of(values, 'issuer')).toEqual([
      expect.objectContaining({ value: 'Prezydent Wrocławia', raw: 'PREZYDENT WROCŁAWIA', page: 1, extra: { basis: 'letterhead' } }),
    ]);
    expect(of(values, 'outcome')).toEqual([
      expect.objectContaining({
        value: 'udziela pozwolenia na budowę',
        raw: 'zatwierdzam projekt budowlany i udzielam pozwolenia na budowę',
        page: 1,
      }),
    ]);
  });

  it('does not take amounts, phones or PESEL for anything', () => {
    const raws = values.map((v) => v.raw).join('|');
    expect(raws).not.toContain('47,00');
    expect(raws).not.toContain('777');
    expect(raws).not.toContain('85010112345');
  });
});

describe('extractMetadata: case number sources', () => {
  it('uses a folder signature before text signatures', () => {
    const values = extractMetadata(PAGES, { folderNames: ['archiwum', '2010', 'UA-AB_7351_784_2010'] });
    const cases = of(values, 'caseNumber');
    expect(cases[0]).toEqual({
      kind: 'caseNumber',
      value: 'UA-AB/7351/784/2010',
      raw: 'UA-AB_7351_784_2010',
      page: null,
      start: null,
      end: null,
      origin: 'folder',
    });
    expect(cases.slice(1).every((c) => c.origin === 'text')).toBe(true);
    checkProvenance(PAGES, values);
  });

  it('puts the command-line override first, normalised, and still returns other values', () => {
    const values = extractMetadata(PAGES, {
      caseOverride: ' wua-zrb.6740.1.999.2019 ',
      folderNames: ['UA-AB_7351_784_2010'],
    });
    const cases = of(values, 'caseNumber');
    expect(cases[0]).toMatchObject({ value: 'WUA-ZRB.6740.1.999.2019', origin: 'cli', page: null });
    expect(cases[1]).toMatchObject({ value: 'UA-AB/7351/784/2010', origin: 'folder' });
    expect(cases.slice(2).map((c) => c.value)).toContain('WUA-ZRB.6740.1.123.2019');
  });

  it('keeps an override that is not a signature as given', () => {
    const values = extractMetadata([{ page: 1, text: '' }], { caseOverride: 'teczka 17' });
    expect(of(values, 'caseNumber')).toEqual([
      { kind: 'caseNumber', value: 'teczka 17', raw: 'teczka 17', page: null, start: null, end: null, origin: 'cli' },
    ]);
  });

  it('does not repeat a folder value equal to the override', () => {
    const values = extractMetadata([{ page: 1, text: '' }], {
      caseOverride: 'UA-AB/7351/784/2010',
      folderNames: ['UA-AB_7351_784_2010'],
    });
    expect(of(values, 'caseNumber').map((c) => c.origin)).toEqual(['cli']);
  });

  it('prefers the labelled signature over an earlier unlabelled one', () => {
    const text = 'W nawiązaniu do decyzji AB.6740.2.45.2017\nZnak sprawy: WAB-III.6740.15.2018';
    const values = extractMetadata([{ page: 1, text }]);
    expect(of(values, 'caseNumber').map((c) => c.value)).toEqual(['WAB-III.6740.15.2018']);
    expect(of(values, 'references').map((c) => c.value)).toEqual(['AB.6740.2.45.2017']);
  });

  it('does not take "Wasz znak" or the letter answered as the document case', () => {
    const text = 'Wasz znak: AB.6740.2.45.2017\nDotyczy: pisma GKN.6730.12.2020\nZnak sprawy: WAB-III.6740.15.2018';
    const values = extractMetadata([{ page: 1, text }]);
    expect(of(values, 'caseNumber').map((c) => c.value)).toEqual(['WAB-III.6740.15.2018']);
    expect(of(values, 'references').map((c) => c.value)).toEqual(['AB.6740.2.45.2017', 'GKN.6730.12.2020']);
    expect(of(extractMetadata([{ page: 1, text: 'Wasz znak: AB.6740.2.45.2017' }]), 'caseNumber')).toEqual([]);
  });

  it('knows nothing when there is nothing', () => {
    const values = extractMetadata([{ page: 1, text: 'Pismo bez znaku z dnia 14.03.2019 r.' }], { folderNames: ['skany'] });
    expect(of(values, 'caseNumber')).toEqual([]);
    expect(of(values, 'docType')).toEqual([]);
  });
});

describe('extractMetadata: other documents', () => {
  it('a building notification form with OCR damage', () => {
    const text = [
      'Wroclaw, dn. 2.O5.2021',
      'ZGLOSZENIE',
      'budowy lub wykonywania robót budowlanych',
      'Inwestor: ABC Development Sp. z o.o., ul. Legnicka 5, 54-203 Wrocław',
      'Adres zamierzenia budowlanego: dzialka nr ewid. 12/3, obreb Lesnica, ark. 7',
      'Data: 04.05.2021',
    ].join('\n');
    const pages = [{ page: 1, text }];
    const values = extractMetadata(pages);
    checkProvenance(pages, values);
    expect(of(values, 'docType')[0]?.value).toBe('zgłoszenie');
    expect(of(values, 'investor').map((v) => v.value)).toEqual(['ABC Development Sp. z o.o.']);
    expect(of(values, 'parcel').map((v) => [v.value, v.extra?.obreb, v.extra?.arkusz])).toEqual([['12/3', 'Lesnica', '7']]);
    // "2.O5.2021" is not read (no OCR repair in numeric dates); the form's "Data:" line is the date.
    expect(of(values, 'date').map((v) => [v.value, v.extra?.role])).toEqual([['2021-05-04', 'document']]);
  });

  it('a notice of proceedings with an investor company', () => {
    const text =
      'Wrocław, 1 października 2016 r.\nWUA-ZRB.6740.1.2O.2016\n\nZAWIADOMIENIE\no wszczęciu postępowania\n\n' +
      'Zawiadamiam, że na wniosek Budimex S.A., ul. Siedmiogrodzka 9, 01-204 Warszawa, wszczęte zostało postępowanie ' +
      'w sprawie pozwolenia na budowę na działkach nr 12, 13/4 i 15/2 obręb Stare Miasto.';
    const pages = [{ page: 3, text }];
    const values = extractMetadata(pages);
    checkProvenance(pages, values);
    expect(of(values, 'caseNumber').map((v) => v.value)).toEqual(['WUA-ZRB.6740.1.20.2016']);
    expect(of(values, 'docType')[0]?.value).toBe('zawiadomienie');
    expect(of(values, 'date')[0]).toMatchObject({ value: '2016-10-01', page: 3, extra: { role: 'document' } });
    expect(of(values, 'investor').map((v) => v.value)).toEqual(['Budimex S.A.']);
    expect(of(values, 'parcel').map((v) => `${v.value}@${v.extra?.obreb}`)).toEqual([
      '12@Stare Miasto',
      '13/4@Stare Miasto',
      '15/2@Stare Miasto',
    ]);
    expect(of(values, 'address')[0]?.extra).toEqual({
      street: 'Siedmiogrodzka',
      number: '9',
      postcode: '01-204',
      city: 'Warszawa',
    });
  });

  it('a court judgment: the court that ruled, never the organ or the court it reviewed', () => {
    const text =
      'Wyrok\nWojewódzkiego Sądu Administracyjnego w Krakowie\nz dnia 12 marca 2020 r.\nII SA/Kr 100/20\n\nSentencja\n' +
      'Wojewódzki Sąd Administracyjny w Krakowie po rozpoznaniu na rozprawie w dniu 12 marca 2020 r. sprawy ze skargi A. B. ' +
      'na decyzję Małopolskiego Wojewódzkiego Inspektora Nadzoru Budowlanego w Krakowie z dnia [...] w przedmiocie nakazu rozbiórki ' +
      'oddala skargę.\n\nUzasadnienie\nPowiatowy Inspektor Nadzoru Budowlanego uchylił … Wojewoda Małopolski stwierdza …';
    const pages = [{ page: 1, text }];
    const values = extractMetadata(pages);
    checkProvenance(pages, values);
    expect(of(values, 'issuer').map((v) => v.value)).toEqual(['Wojewódzki Sąd Administracyjny w Krakowie']);
    expect(of(values, 'outcome').map((v) => [v.value, v.raw])).toEqual([['oddala skargę', 'oddala skargę']]);
  });

  it('a notice has an issuer and no outcome', () => {
    const text = 'OBWIESZCZENIE\nWÓJTA GMINY KOBIERZYCE\nz dnia 2 lutego 2021 r.\nZawiadamiam, że wydana została decyzja udzielająca pozwolenia na budowę.';
    const values = extractMetadata([{ page: 1, text }]);
    expect(of(values, 'issuer').map((v) => v.value)).toEqual(['Wójt Gminy Kobierzyce']);
    expect(of(values, 'outcome')).toEqual([]);
  });

  it('reads no outcome on the pages after the reasons begin', () => {
    const pages = [
      { page: 1, text: 'DECYZJA\nNa podstawie art. 35 ustawy Prawo budowlane\nUZASADNIENIE\nInwestor złożył wniosek.' },
      { page: 2, text: 'Na podstawie art. 138 § 1 pkt 2 Kpa organ odwoławczy uchyla zaskarżoną decyzję.' },
    ];
    expect(of(extractMetadata(pages), 'outcome')).toEqual([]);
    // The same page read alone states an outcome: it is the page order that rules it out.
    expect(of(extractMetadata([pages[1]!]), 'outcome').map((v) => v.value)).toEqual(['uchyla zaskarżoną decyzję']);
  });

  it('takes the document date from a later page when the first has none', () => {
    const pages = [
      { page: 1, text: 'WNIOSEK\no wydanie decyzji o pozwoleniu na budowę\nustawy z dnia 7 lipca 1994 r.' },
      { page: 2, text: 'Wrocław, dnia 3 lutego 2019 r.\npodpis wnioskodawcy' },
    ];
    const dates = of(extractMetadata(pages), 'date');
    expect(dates.map((d) => [d.page, d.value, d.extra?.role])).toEqual([
      [2, '2019-02-03', 'document'],
      [1, '1994-07-07', 'mentioned'],
    ]);
  });

  it('reads the heading from the first non-empty page', () => {
    const pages = [
      { page: 1, text: '   ' },
      { page: 2, text: 'POSTANOWIENIE\nNa podstawie art. 123 Kpa' },
    ];
    expect(of(extractMetadata(pages), 'docType')).toMatchObject([{ value: 'postanowienie', page: 2, raw: 'POSTANOWIENIE' }]);
  });

  it('sorts pages given out of order', () => {
    const pages = [
      { page: 2, text: 'Znak: AB.6740.2.45.2021' },
      { page: 1, text: 'Znak: WUA-ZRB.6740.1.123.2019' },
    ];
    const values = extractMetadata(pages);
    expect(of(values, 'caseNumber').map((v) => v.page)).toEqual([1]);
    expect(of(values, 'references').map((v) => v.page)).toEqual([2]);
  });
});

import { describe, expect, it } from 'vitest';
import { findIdentifiers, hasIdentifier } from './identifiers.js';

/** The identifiers of `text` as the substrings they cover. */
const found = (text: string) => findIdentifiers(text).map((s) => [s.kind, text.slice(s.start, s.end)]);

describe('identifiers in the forms people write them', () => {
  it('finds a PESEL split by a dash, a dot, a slash, one or two spaces, or a dash between spaces', () => {
    for (const written of [
      '850101-12345',
      '850101–12345', // en dash
      '850101—12345', // em dash
      '850101‑12345', // non-breaking hyphen
      '850101−12345', // minus sign
      '850101 - 12345',
      '850101 – 12345',
      '850101  12345',
      '850 101 123 45',
      '850  101  123  45',
      '85 01 01 123 45',
      '85.01.01.123.45',
      '85/01/01/123/45',
      '85-01-01-123-45',
      '8-5-0-1-0-1-1-2-3-4-5',
    ]) {
      for (const text of [`PESEL ${written}`, `PESEL: ${written}, zam. Wrocław`, `(${written}).`]) {
        expect(found(text), text).toEqual([['pesel', written]]);
      }
    }
  });

  it('finds an identity-card number in capitals or lower case, glued, dashed or (capitals) spaced', () => {
    for (const written of ['ABA300000', 'ABA 300000', 'ABA-300000', 'ABA–300000', 'ABA - 300000', 'aba300000', 'aba-300000', 'axb912345']) {
      expect(found(`dowód osobisty ${written}, wydany`), written).toEqual([['id_card', written]]);
    }
  });

  it('checks the digits of every form: a wrong check digit or date is not an identifier', () => {
    for (const text of ['850101-12346', '85.01.01.123.46', '01.22.29.123.46', 'aba300001', 'ABA-400000']) {
      expect(found(`nr ${text}`), text).toEqual([]);
    }
  });

  it('leaves the numbers of an ordinary case file alone, even those whose digits pass the PESEL check', () => {
    const ordinary = [
      // Case signatures; the digits of 6730.1.14.2019 (67301142019) are a valid PESEL.
      'WUA-ZRB.6740.1.123.2019',
      'WUA-ZRB.6730.1.14.2019',
      'WUA-ZRB 6730.1.14.2019',
      'AB-6730-1-14-2019',
      'UA-AB.6730/1/14/2019',
      'II SA/Wr 123/19',
      // Dates, also beside a number (14.03.2019 017 and 1924-03-14 000 add up to valid PESELs).
      'z dnia 14.03.2019 r.',
      'data 14.03.2019 017',
      '1924-03-14 000',
      '2019-03-14',
      '14/03/2019',
      // Parcels, land registers, postal codes.
      'dz. nr 45/7, 123/45 i 1024/3 obręb Oporów',
      'KW WR1K/00012345/6',
      '52-214 Wrocław',
      // Phone numbers (+48 500 345 678 adds up to a valid PESEL).
      'tel. 71 777 77 77',
      'tel. +48 500 345 678',
      'tel. +48500345678',
      'tel. 71-777-77-77',
      // Amounts (24 100 678 901 adds up to a valid PESEL; PLN 100000 to a valid identity card).
      'kwota 24 100 678 901 zł',
      'kwota 24100678901,00 zł',
      'kwota 24 100 678 901,00 zł',
      'kwota PLN 100000',
      'opłata 100000,00 PLN',
      // A Natura 2000 site (PLH020052 has a valid identity-card check digit).
      'obszar Natura 2000 Pątnów Legnicki PLH020052',
      // Company and bank numbers.
      'NIP 894-123-45-67, REGON 021234567, KRS 0000123456',
      'konto 61 1090 1014 0000 0712 1981 2874',
      // A lower-case word and a number are text (str 000000 has a valid identity-card check digit).
      'str 000000',
      'poz. 1, str. 2, ust. 3',
    ];
    for (const text of ordinary) {
      expect(found(text), text).toEqual([]);
      expect(hasIdentifier(text), text).toBe(false);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { documentDateIndex, findDates, isoDate, monthFromWord } from './dates.js';

function found(text: string): { value: string; raw: string }[] {
  return findDates(text).map((h) => ({ value: h.value, raw: text.slice(h.start, h.end) }));
}

describe('findDates: numeric', () => {
  it.each([
    ['Wrocław, 14.03.2019', '2019-03-14', '14.03.2019'],
    ['pismo z dnia 14.03.2019 r. w sprawie', '2019-03-14', '14.03.2019 r.'],
    ['data wpływu: 2019-03-14', '2019-03-14', '2019-03-14'],
    ['dnia 14/03/2019', '2019-03-14', '14/03/2019'],
    ['dnia 14-03-2019', '2019-03-14', '14-03-2019'],
    ['dnia 4.3.2019r.', '2019-03-04', '4.3.2019r.'],
    ['w dniu 1. 10. 2016 r.', '2016-10-01', '1. 10. 2016 r.'],
    ['dnia 29.02.2020', '2020-02-29', '29.02.2020'],
    ['stempel 2019.03.14', '2019-03-14', '2019.03.14'],
    ['Roman month 14.III.2019', '2019-03-14', '14.III.2019'],
    ['Roman month with spaces 14 XII 2018 r.', '2018-12-14', '14 XII 2018 r.'],
    ['Roman month 1.IX.2016r.', '2016-09-01', '1.IX.2016r.'],
  ])('%s', (text, value, raw) => {
    expect(found(text)).toEqual([{ value, raw }]);
  });
});

describe('findDates: written out', () => {
  it.each([
    ['Wrocław, dnia 14 marca 2019 r.', '2019-03-14', '14 marca 2019 r.'],
    ['ustawy z dnia 7 lipca 1994 r. – Prawo budowlane', '1994-07-07', '7 lipca 1994 r.'],
    ['w dniu 1 października 2016', '2016-10-01', '1 października 2016'],
    ['dnia 3 lutego 2019 r.', '2019-02-03', '3 lutego 2019 r.'],
    ['dnia 30 kwietnia 2020 r.', '2020-04-30', '30 kwietnia 2020 r.'],
    ['dnia 5 maja 2015 r.', '2015-05-05', '5 maja 2015 r.'],
    ['dnia 21 czerwca 2017', '2017-06-21', '21 czerwca 2017'],
    ['dnia 15 sierpnia 2011 r.', '2011-08-15', '15 sierpnia 2011 r.'],
    ['dnia 2 stycznia 2013 r.', '2013-01-02', '2 stycznia 2013 r.'],
    ['dnia 24 listopada 2009 r.', '2009-11-24', '24 listopada 2009 r.'],
    ['dnia 31 grudnia 2021 r.', '2021-12-31', '31 grudnia 2021 r.'],
    ['DNIA 14 MARCA 2019 R.', '2019-03-14', '14 MARCA 2019'],
    ['without diacritics: 1 pazdziernika 2016', '2016-10-01', '1 pazdziernika 2016'],
    ['without diacritics: 12 wrzesnia 2018 r.', '2018-09-12', '12 wrzesnia 2018 r.'],
    ['OCR rn->m: 1 pazdziemika 2016', '2016-10-01', '1 pazdziemika 2016'],
    ['OCR l->I: 7 Iipca 1994 r.', '1994-07-07', '7 Iipca 1994 r.'],
    ['OCR one letter off: 3 lutega 2019', '2019-02-03', '3 lutega 2019'],
    ['OCR digit in word: 5 wrze1nia 2018', '2018-09-05', '5 wrze1nia 2018'],
    ['line break inside: 14 marca\n2019 r.', '2019-03-14', '14 marca\n2019 r.'],
    ['nominative slip: 14 marzec 2019', '2019-03-14', '14 marzec 2019'],
  ])('%s', (text, value, raw) => {
    expect(found(text)).toEqual([{ value, raw }]);
  });
});

describe('findDates: rejects', () => {
  it.each([
    ['31 February', 'dnia 31.02.2019'],
    ['29 February in a common year', 'dnia 29.02.2019'],
    ['month 13', 'dnia 14.13.2019'],
    ['day 0', 'dnia 0.03.2019'],
    ['written 31 kwietnia', 'dnia 31 kwietnia 2019 r.'],
    ['mixed separators', 'dnia 14.03/2019'],
    ['a signature', 'Znak: AB.6740.1.12.2019'],
    ['a long number', 'konto 12.03.20191234'],
    ['an amount', 'kwota 1.234.567,89 zł'],
    ['parcel and year', 'działka nr 45/7 z 2019'],
    ['not a month', 'dnia 14 osób 2019'],
    ['a short non-month', 'dnia 14 mam 2019'],
    ['a year out of range', 'dnia 14.03.1850'],
    ['a phone number', 'tel. 71-777-7777'],
    ['a Dz. U. reference', '(Dz. U. z 2019 r. poz. 1186)'],
  ])('%s', (_name, text) => {
    expect(findDates(text)).toEqual([]);
  });
});

describe('findDates: several', () => {
  it('finds all dates in order with exact spans', () => {
    const text =
      'Wrocław, dnia 14 marca 2019 r.\nNa podstawie art. 28 ustawy z dnia 7 lipca 1994 r. – Prawo budowlane, ' +
      'po rozpatrzeniu wniosku z dnia 3.02.2019 r. uzupełnionego 2019-02-20 …';
    const hits = findDates(text);
    expect(hits.map((h) => h.value)).toEqual(['2019-03-14', '1994-07-07', '2019-02-03', '2019-02-20']);
    for (const h of hits) expect(text.slice(h.start, h.end).length).toBe(h.end - h.start);
  });
});

describe('helpers', () => {
  it('monthFromWord', () => {
    expect(monthFromWord('marca')).toBe(3);
    expect(monthFromWord('pazdziernika')).toBe(10);
    expect(monthFromWord('maja')).toBe(5);
    expect(monthFromWord('mama')).toBeNull();
    expect(monthFromWord('kwiatowej')).toBeNull();
  });
  it('isoDate validates the calendar', () => {
    expect(isoDate(2020, 2, 29)).toBe('2020-02-29');
    expect(isoDate(1900, 2, 29)).toBeNull();
    expect(isoDate(2000, 2, 29)).toBe('2000-02-29');
    expect(isoDate(2019, 4, 31)).toBeNull();
  });
});

describe('documentDateIndex', () => {
  const idx = (text: string, strongOnly = false): string | null => {
    const hits = findDates(text);
    const i = documentDateIndex(text, hits, strongOnly);
    return i < 0 ? null : hits[i]!.value;
  };
  it('place and "dnia"', () => {
    expect(idx('ustawy z dnia 7 lipca 1994 r.\nWrocław, dnia 14 marca 2019 r.')).toBe('2019-03-14');
  });
  it('place and comma', () => {
    expect(idx('Wrocław, 14.03.2019 r.\nz dnia 3 lutego 2019 r.')).toBe('2019-03-14');
  });
  it('two-word place, no comma', () => {
    expect(idx('Jelenia Góra dnia 2 stycznia 2013 r.')).toBe('2013-01-02');
  });
  it('place in capitals', () => {
    expect(idx('WROCŁAW, DNIA 14.03.2019')).toBe('2019-03-14');
  });
  it('place alone at line start', () => {
    expect(idx('Wrocław 14.03.2019\nustawy z dnia 7 lipca 1994 r.')).toBe('2019-03-14');
  });
  it('line starting with "dnia" (weak rule)', () => {
    expect(idx('Prezydent Wrocławia\ndnia 14.03.2019 r.\nustawa z dnia 7 lipca 1994 r.')).toBe('2019-03-14');
    expect(idx('Prezydent Wrocławia\ndnia 14.03.2019 r.', true)).toBeNull();
  });
  it('date alone on a line near the top (weak rule)', () => {
    expect(idx('PREZYDENT WROCŁAWIA\n14.03.2019 r.\nDECYZJA')).toBe('2019-03-14');
  });
  it('"z dnia" dates are only mentioned', () => {
    expect(idx('Na podstawie ustawy z dnia 7 lipca 1994 r. po rozpatrzeniu wniosku z dnia 3 lutego 2019 r.')).toBeNull();
  });
});

describe('findDates: "dnia 15.04 2016", a space typed for the second dot', () => {
  it('is a date after "dnia"', () => {
    const text = 'Oława, dnia 15.04 2016 roku';
    expect(findDates(text).map((d) => [d.value, text.slice(d.start, d.end)])).toEqual([['2016-04-15', '15.04 2016']]);
  });
  it('is no date elsewhere (a number and a year)', () => {
    expect(findDates('wartość 15.04 2016 zł, poz. 3.12 2019')).toEqual([]);
  });
});

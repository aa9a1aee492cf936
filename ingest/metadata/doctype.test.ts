import { describe, expect, it } from 'vitest';
import { findDocType } from './doctype.js';
import { documentType } from './heading-inline.js';

const LETTERHEAD = 'PREZYDENT WROCŁAWIA\nWydział Architektury i Budownictwa\nWrocław, dnia 14 marca 2019 r.\nZnak: WUA-ZRB.6740.1.123.2019\n\n';

function docType(text: string): { value: string; raw: string; basis: string } | null {
  const d = findDocType(text);
  return d ? { value: d.value, raw: text.slice(d.start, d.end), basis: d.basis } : null;
}

describe('findDocType: headings', () => {
  it.each([
    ['DECYZJA NR 123/2019\nNa podstawie art. 28', 'decyzja', 'DECYZJA'],
    ['POSTANOWIENIE\nNa podstawie art. 123 Kpa', 'postanowienie', 'POSTANOWIENIE'],
    ['WNIOSEK o wydanie decyzji o pozwoleniu na budowę', 'wniosek', 'WNIOSEK'],
    ['ZAWIADOMIENIE o wszczęciu postępowania', 'zawiadomienie', 'ZAWIADOMIENIE'],
    ['Zgłoszenie robót budowlanych\nnie wymagających pozwolenia', 'zgłoszenie', 'Zgłoszenie'],
    ['SPRZECIW\nNa podstawie art. 30 ust. 6', 'sprzeciw', 'SPRZECIW'],
    ['PROTOKÓŁ z oględzin', 'protokół', 'PROTOKÓŁ'],
    ['ODWOŁANIE\nod decyzji Prezydenta Wrocławia', 'odwołanie', 'ODWOŁANIE'],
    ['PEŁNOMOCNICTWO\nJa, niżej podpisany', 'pełnomocnictwo', 'PEŁNOMOCNICTWO'],
    ['UPOWAŻNIENIE', 'upoważnienie', 'UPOWAŻNIENIE'],
    ['SKARGA na decyzję', 'skarga', 'SKARGA'],
    ['WEZWANIE do uzupełnienia braków formalnych', 'wezwanie', 'WEZWANIE'],
    ['INFORMACJA\no przeniesieniu decyzji', 'informacja', 'INFORMACJA'],
    ['ZAŚWIADCZENIE', 'zaświadczenie', 'ZAŚWIADCZENIE'],
    ['OPINIA\nw sprawie', 'opinia', 'OPINIA'],
    ['UZGODNIENIE', 'uzgodnienie', 'UZGODNIENIE'],
    ['OBWIESZCZENIE\nPrezydenta Wrocławia', 'obwieszczenie', 'OBWIESZCZENIE'],
    ['OŚWIADCZENIE o posiadanym prawie do dysponowania nieruchomością', 'oświadczenie', 'OŚWIADCZENIE'],
    ['NOTATKA SŁUŻBOWA', 'notatka służbowa', 'NOTATKA'],
    ['PROJEKT BUDOWLANY\nbudynku mieszkalnego', 'projekt budowlany', 'PROJEKT'],
    ['- DECYZJA -', 'decyzja', 'DECYZJA'],
  ])('%s', (heading, value, raw) => {
    expect(docType(LETTERHEAD + heading + '\n\nTreść pisma.')).toMatchObject({ value, raw, basis: 'heading' });
  });
});

describe('findDocType: letter-spacing, OCR damage, case', () => {
  it.each([
    ['D E C Y Z J A', 'decyzja', 'D E C Y Z J A'],
    ['D E C Y Z J A  Nr 12/2019', 'decyzja', 'D E C Y Z J A'],
    ['P O S T A N O W I E N I E', 'postanowienie', 'P O S T A N O W I E N I E'],
    ['DECYZIA Nr 12/2019', 'decyzja', 'DECYZIA'],
    ['POSTANOWIENlE', 'postanowienie', 'POSTANOWIENlE'],
    ['PROTOKOL', 'protokół', 'PROTOKOL'],
    ['ZAWlADOMlENlE', 'zawiadomienie', 'ZAWlADOMlENlE'],
    ['ZGLOSZENIE', 'zgłoszenie', 'ZGLOSZENIE'],
    ['PELNOMOCNICTWO', 'pełnomocnictwo', 'PELNOMOCNICTWO'],
    ['POSTANOW1ENIE', 'postanowienie', 'POSTANOW1ENIE'],
    ['Decyzja nr 12/2019', 'decyzja', 'Decyzja'],
  ])('%s', (heading, value, raw) => {
    expect(docType(LETTERHEAD + heading + '\n\nNa podstawie przepisów.')).toMatchObject({ value, raw });
  });
});

describe('findDocType: decision kinds', () => {
  it('decyzja o warunkach zabudowy in the heading', () => {
    const d = docType(LETTERHEAD + 'DECYZJA NR 123/2019\no warunkach zabudowy\n\nNa podstawie art. 59');
    expect(d).toEqual({ value: 'decyzja o warunkach zabudowy', raw: 'DECYZJA NR 123/2019\no warunkach zabudowy', basis: 'heading' });
  });
  it('decyzja o warunkach zabudowy in capitals on one line', () => {
    expect(docType('DECYZJA O WARUNKACH ZABUDOWY NR 5/2020')?.value).toBe('decyzja o warunkach zabudowy');
  });
  it('WARUNKI ZABUDOWY heading', () => {
    expect(docType('WARUNKI ZABUDOWY\nNr 5/2020')?.value).toBe('decyzja o warunkach zabudowy');
  });
  it('a decision objecting to a notification is a sprzeciw (heading or operative part)', () => {
    expect(docType('DECYZJA NR 879/2016\no wniesieniu sprzeciwu\n\nNa podstawie art. 30 ust. 5')?.value).toBe('sprzeciw');
    expect(
      docType(LETTERHEAD + 'DECYZJA NR 879/2016\n\nNa podstawie art. 30 ust. 5 ustawy, po rozpatrzeniu zgłoszenia\n\nwnoszę sprzeciw\n\nod wykonania robót')
        ?.value,
    ).toBe('sprzeciw');
  });
  it('decyzja o odmowie in the heading', () => {
    expect(docType('DECYZJA NR 9/2019\no odmowie zatwierdzenia projektu budowlanego i udzielenia pozwolenia na budowę')?.value).toBe(
      'decyzja o odmowie pozwolenia na budowę',
    );
  });
  it('pozwolenie na budowę from the operative part', () => {
    const text =
      LETTERHEAD +
      'DECYZJA Nr 456/2019\n\nNa podstawie art. 28, art. 33 ust. 1, art. 34 ust. 4 i art. 36 ustawy z dnia 7 lipca 1994 r. ' +
      '– Prawo budowlane, po rozpatrzeniu wniosku z dnia 3 lutego 2019 r.\nzatwierdzam projekt budowlany i udzielam ' +
      'pozwolenia na budowę budynku mieszkalnego jednorodzinnego.';
    expect(docType(text)).toEqual({ value: 'decyzja o pozwoleniu na budowę', raw: 'DECYZJA', basis: 'operative' });
  });
  it('odmowa from the operative part', () => {
    const text = 'DECYZJA Nr 7/2019\nNa podstawie art. 35 ust. 5 ustawy odmawiam zatwierdzenia projektu budowlanego i udzielenia pozwolenia na budowę.';
    expect(docType(text)?.value).toBe('decyzja o odmowie pozwolenia na budowę');
  });
  it('warunki zabudowy from the operative part', () => {
    expect(docType('DECYZJA NR 1/2020\nNa podstawie art. 59 ustalam warunki zabudowy dla inwestycji')?.value).toBe(
      'decyzja o warunkach zabudowy',
    );
  });
  it('umorzenie from the operative part', () => {
    expect(docType('DECYZJA\nNa podstawie art. 105 Kpa umarzam postępowanie')?.value).toBe('decyzja o umorzeniu postępowania');
  });
  it('a decision referred to in a postanowienie stays a postanowienie', () => {
    expect(docType('POSTANOWIENIE\nw sprawie decyzji o pozwoleniu na budowę, udzielam pozwolenia na budowę')?.value).toBe('postanowienie');
  });
});

describe('findDocType: only the heading counts', () => {
  it('ignores the word in body text', () => {
    const text =
      LETTERHEAD +
      'Pan Jan Kowalski\n\nW nawiązaniu do wniosku z dnia 3 lutego 2019 r. uprzejmie informuję, że decyzja o pozwoleniu ' +
      'na budowę została wydana i postanowienie w tej sprawie jest ostateczne. Protokół oględzin w załączeniu.';
    expect(findDocType(text)).toBeNull();
  });
  it('ignores a body line starting with the word when the line is long', () => {
    const text = 'Pan Jan Kowalski\nDecyzja jest ostateczna i podlega wykonaniu, o czym organ informuje strony postępowania w trybie art. 49 Kpa.';
    expect(findDocType(text)).toBeNull();
  });
  it('prefers a heading in capitals over a title-case line above', () => {
    const text = 'Wniosek nr 5\nDECYZJA Nr 1/2019';
    expect(findDocType(text)?.value).toBe('decyzja');
  });
  it('returns one value for a document mentioning several types', () => {
    const text = 'POSTANOWIENIE\nDECYZJA\nWNIOSEK';
    expect(findDocType(text)?.value).toBe('postanowienie');
  });
  it.each([[''], ['   \n\n  '], ['PREZYDENT WROCŁAWIA\nURZĄD MIEJSKI'], ['UZASADNIENIE'], ['POUCZENIE'], ['DECYZJI'], ['WNIOSKU'], ['POSTANOWIENIA z dnia'], ['12345']])(
    'no type in %j',
    (text) => {
      expect(findDocType(text)).toBeNull();
    },
  );
});

describe('findDocType: a title-case heading over a report', () => {
  it('is no heading when the paragraph after it reports the act being issued', () => {
    expect(findDocType('Decyzja środowiskowa\n\nW dniu 2 maja 2022 r. Wójt Gminy Kąty wydał decyzję o środowiskowych uwarunkowaniach.')).toBeNull();
  });
  it('stays the heading of an act that opens with its legal basis and recounts an earlier decision', () => {
    const text = 'Decyzja\n\nNa podstawie art. 138 Kpa po rozpatrzeniu odwołania od decyzji Wójta, która została wydana 2 maja 2022 r., uchylam zaskarżoną decyzję.';
    expect(findDocType(text)?.value).toBe('decyzja');
  });
});

describe('findDocType: lines wrapped at the margin (a rendered page, a scan)', () => {
  it('reads a two-word type whose second word went to the next line', () => {
    const text = 'WOJEWODA OPOLSKI Opole, dnia 3 maja 2019 r. Rozstrzygnięcie\nnadzorcze stwierdzające nieważność uchwały Nr X/1/19 Rady Gminy';
    expect(documentType(text)).toMatchObject({ value: 'rozstrzygnięcie nadzorcze' });
  });
  it('takes no type from the opening words of a long sentence wrapped onto the next line', () => {
    const text = 'Skarga kasacyjna na decyzję Wojewody Opolskiego w przedmiocie\nsprzeciwu wobec zamiaru wykonania robót budowlanych\nUzasadnienie\nW uzasadnieniu decyzji organ wskazał…';
    expect(findDocType(text)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { findInvestors } from './investor.js';

function investors(text: string): string[] {
  return findInvestors(text).map((h) => {
    const raw = text.slice(h.start, h.end);
    expect(raw.replace(/\s+/g, ' ')).toBe(h.value);
    expect(raw).toBe(raw.trim());
    return raw;
  });
}

describe('findInvestors: people', () => {
  it.each([
    ['Inwestor: Jan Kowalski, zam. ul. Kwiatowa 12', ['Jan Kowalski']],
    ['Inwestor: Jan Kowalski zam. Wrocław', ['Jan Kowalski']],
    ['Inwestor – Anna Nowak-Kowalska, ul. Legnicka 55a/3', ['Anna Nowak-Kowalska']],
    ['Inwestor:\nJan Kowalski\nul. Kwiatowa 12', ['Jan Kowalski']],
    ['INWESTOR: JAN KOWALSKI ZAM. UL. KWIATOWA 12', ['JAN KOWALSKI']],
    ['Wnioskodawca: Maria Zofia Wiśniewska\nadres: ul. Kwiatowa 1', ['Maria Zofia Wiśniewska']],
    ['dla inwestora: Piotr Zieliński, PESEL 85010112345', ['Piotr Zieliński']],
    ['na wniosek Pana Jana Kowalskiego, zam. ul. Kwiatowa 12', ['Jana Kowalskiego']],
    ['na wniosek Pani Anny Nowak z dnia 3 lutego 2019 r.', ['Anny Nowak']],
    ['po rozpatrzeniu wniosku z dnia 3 lutego 2019 r. Pana Jana Kowalskiego', ['Jana Kowalskiego']],
    ['na wniosek złożony w dniu 03.02.2019 r. przez Jana Kowalskiego', ['Jana Kowalskiego']],
    ['na wniosek Inwestora – Jana Kowalskiego', ['Jana Kowalskiego']],
    ['działając w imieniu Jana Kowalskiego', ['Jana Kowalskiego']],
    ['w imieniu i na rzecz Anny Nowak', ['Anny Nowak']],
    ['Inwestor: Jan i Anna Kowalscy, ul. Kwiatowa 12', ['Jan i Anna Kowalscy']],
    ['Inwestorzy: Jan Kowalski i Anna Kowalska, zam.', ['Jan Kowalski', 'Anna Kowalska']],
  ])('%s', (text, expected) => {
    expect(investors(text)).toEqual(expected);
  });
});

describe('findInvestors: companies and organisations', () => {
  it.each([
    ['Inwestor: Budimex S.A., ul. Siedmiogrodzka 9', ['Budimex S.A.']],
    ['Inwestor: XYZ Sp. z o.o. z siedzibą we Wrocławiu', ['XYZ Sp. z o.o.']],
    ['Inwestor: Dom-Bud sp. z o.o., ul. Legnicka 5', ['Dom-Bud sp. z o.o.']],
    ['na wniosek Przedsiębiorstwa Budowlanego „Dombud” Sp. z o.o.', ['Przedsiębiorstwa Budowlanego „Dombud” Sp. z o.o.']],
    ['w imieniu Kowalski i Syn Sp. j.', ['Kowalski i Syn Sp. j.']],
    ['Inwestor: ABC Development Spółka Akcyjna', ['ABC Development Spółka Akcyjna']],
    ['Inwestor: Gmina Wrocław, pl. Nowy Targ 1-8', ['Gmina Wrocław']],
    ['Inwestor: Spółdzielnia Mieszkaniowa „Piast”, ul. Kwiatowa 1', ['Spółdzielnia Mieszkaniowa „Piast”']],
    ['Wnioskodawca: Murapol S.A.\nul. Kwiatowa 1', ['Murapol S.A.']],
  ])('%s', (text, expected) => {
    expect(investors(text)).toEqual(expected);
  });
});

describe('findInvestors: rejects', () => {
  it.each([
    ['lower-case continuation', 'Inwestor zobowiązany jest do zawiadomienia organu'],
    ['an office', 'na wniosek Prezydenta Wrocławia'],
    ['the word alone', 'obowiązki inwestora określa art. 52 ustawy'],
    ['a single name', 'Inwestor: Kowalski'],
    ['own name', 'działając w imieniu własnym'],
    ['the authority signing', 'z upoważnienia Prezydenta Wrocławia'],
    ['a request without a name', 'po rozpatrzeniu wniosku z dnia 3 lutego 2019 r. zatwierdzam projekt'],
    ['Inwestor label followed by label', 'na wniosek Inwestora. Decyzja'],
    ['law name', 'na wniosek Prawo Budowlane'],
    ['no trigger', 'Jan Kowalski mieszka przy ul. Kwiatowej'],
  ])('%s', (_name, text) => {
    expect(findInvestors(text)).toEqual([]);
  });

  it('dedupes a repeated investor', () => {
    const text = 'Inwestor: Jan Kowalski. … w imieniu Jan Kowalski … Inwestor: Jan Kowalski';
    expect(investors(text)).toEqual(['Jan Kowalski']);
  });
});

describe('findInvestors: named parties in the nominative', () => {
  function parties(text: string): { value: string; raw: string }[] {
    return findInvestors(text).map((h) => ({ value: h.value, raw: text.slice(h.start, h.end) }));
  }

  it('gives a commune applying in the nominative, with its span as written', () => {
    expect(parties('Decyzja została wydana na wniosek Gminy Kobierzyce, ul. Dębowa 1.')).toEqual([
      { value: 'Gmina Kobierzyce', raw: 'Gminy Kobierzyce' },
    ]);
  });

  it('drops a generic "Spółki" before a company name', () => {
    expect(parties('Postępowanie wszczęto na wniosek:\nSpółki Solar Park Sp. z o.o., ul. Polna 1')).toEqual([
      { value: 'Solar Park Sp. z o.o.', raw: 'Solar Park Sp. z o.o.' },
    ]);
  });

  it('takes an organ complaining, applying or receiving a permit', () => {
    expect(parties('po rozpoznaniu sprawy ze skargi Wojewody Opolskiego na uchwałę Rady Gminy Popielów')).toEqual([
      { value: 'Wojewoda Opolski', raw: 'Wojewody Opolskiego' },
    ]);
    expect(parties('skargi kasacyjnej Rady Miejskiej w Oleśnicy od wyroku')).toEqual([
      { value: 'Rada Miejska w Oleśnicy', raw: 'Rady Miejskiej w Oleśnicy' },
    ]);
    expect(parties('udzielam\nStaroście Trzebnickiemu, z siedzibą w Trzebnicy,\nzezwolenia na realizację inwestycji drogowej')).toEqual([
      { value: 'Starosta Trzebnicki', raw: 'Staroście Trzebnickiemu' },
    ]);
    expect(parties('zawiadamiam, że wniosek Generalnego Dyrektora Dróg Krajowych i Autostrad nie będzie rozpatrzony')).toEqual([
      { value: 'Generalny Dyrektor Dróg Krajowych i Autostrad', raw: 'Generalnego Dyrektora Dróg Krajowych i Autostrad' },
    ]);
  });

  it('does not take the authority whose decision the court reviews, even when it appeals', () => {
    const text =
      'po rozpoznaniu skargi kasacyjnej Głównego Inspektora Nadzoru Budowlanego od wyroku WSA w Warszawie w sprawie ze skargi ' +
      'A. B. na decyzję Głównego Inspektora Nadzoru Budowlanego z dnia [...]';
    expect(parties(text)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { findAddresses } from './addresses.js';

type A = { value: string; raw: string; street: string; number?: string; postcode?: string; city?: string };

function addresses(text: string): A[] {
  return findAddresses(text).map((h) => {
    const a: A = { value: h.value, raw: text.slice(h.start, h.end), street: h.street };
    if (h.number !== undefined) a.number = h.number;
    if (h.postcode !== undefined) a.postcode = h.postcode;
    if (h.city !== undefined) a.city = h.city;
    return a;
  });
}

describe('findAddresses', () => {
  it.each<[string, A]>([
    ['ul. Kwiatowa 12', { value: 'ul. Kwiatowa 12', raw: 'ul. Kwiatowa 12', street: 'Kwiatowa', number: '12' }],
    [
      'zam. ul. Legnicka 55a/3, 54-123 Wrocław',
      {
        value: 'ul. Legnicka 55a/3',
        raw: 'ul. Legnicka 55a/3, 54-123 Wrocław',
        street: 'Legnicka',
        number: '55a/3',
        postcode: '54-123',
        city: 'Wrocław',
      },
    ],
    [
      'przy ul. Kwiatowej 12 we Wrocławiu.',
      { value: 'ul. Kwiatowej 12', raw: 'ul. Kwiatowej 12 we Wrocławiu', street: 'Kwiatowej', number: '12', city: 'Wrocław' },
    ],
    [
      'przy ulicy Jana Pawła II 7',
      { value: 'ul. Jana Pawła II 7', raw: 'ulicy Jana Pawła II 7', street: 'Jana Pawła II', number: '7' },
    ],
    ['al. Karkonoska 10', { value: 'al. Karkonoska 10', raw: 'al. Karkonoska 10', street: 'Karkonoska', number: '10' }],
    ['przy alei Karkonoskiej 10', { value: 'al. Karkonoskiej 10', raw: 'alei Karkonoskiej 10', street: 'Karkonoskiej', number: '10' }],
    ['pl. Grunwaldzki 2', { value: 'pl. Grunwaldzki 2', raw: 'pl. Grunwaldzki 2', street: 'Grunwaldzki', number: '2' }],
    ['na placu Solnym 14', { value: 'pl. Solnym 14', raw: 'placu Solnym 14', street: 'Solnym', number: '14' }],
    ['os. Kosmonautów 5', { value: 'os. Kosmonautów 5', raw: 'os. Kosmonautów 5', street: 'Kosmonautów', number: '5' }],
    ['ul. 3 Maja 5', { value: 'ul. 3 Maja 5', raw: 'ul. 3 Maja 5', street: '3 Maja', number: '5' }],
    [
      'ul. gen. Józefa Bema 4',
      { value: 'ul. gen. Józefa Bema 4', raw: 'ul. gen. Józefa Bema 4', street: 'gen. Józefa Bema', number: '4' },
    ],
    [
      'ul. Marii Skłodowskiej-Curie 55/61',
      { value: 'ul. Marii Skłodowskiej-Curie 55/61', raw: 'ul. Marii Skłodowskiej-Curie 55/61', street: 'Marii Skłodowskiej-Curie', number: '55/61' },
    ],
    ['ul.Kwiatowa 12', { value: 'ul. Kwiatowa 12', raw: 'ul.Kwiatowa 12', street: 'Kwiatowa', number: '12' }],
    ['ul. Kwiatowa nr 12', { value: 'ul. Kwiatowa 12', raw: 'ul. Kwiatowa nr 12', street: 'Kwiatowa', number: '12' }],
    ['ul. Kwiatowa 12 m. 3', { value: 'ul. Kwiatowa 12m.3', raw: 'ul. Kwiatowa 12 m. 3', street: 'Kwiatowa', number: '12m.3' }],
    ['UL. KWIATOWA 12', { value: 'ul. KWIATOWA 12', raw: 'UL. KWIATOWA 12', street: 'KWIATOWA', number: '12' }],
    [
      'ul. Kwiatowa 12\n54-123 Wrocław',
      { value: 'ul. Kwiatowa 12', raw: 'ul. Kwiatowa 12\n54-123 Wrocław', street: 'Kwiatowa', number: '12', postcode: '54-123', city: 'Wrocław' },
    ],
    ['w rejonie ul. Kwiatowej we Wrocławiu', {
      value: 'ul. Kwiatowej', raw: 'ul. Kwiatowej we Wrocławiu', street: 'Kwiatowej', city: 'Wrocław',
    }],
  ])('%s', (text, expected) => {
    expect(addresses(text)).toEqual([expected]);
  });

  it('dedupes identical values and keeps the most detailed', () => {
    const text = 'ul. Kwiatowa 12. Adres: ul. Kwiatowa 12, 54-123 Wrocław. Znowu ul. Kwiatowa 12.';
    const hits = addresses(text);
    expect(hits).toHaveLength(1);
    expect(hits[0]?.postcode).toBe('54-123');
  });

  it('drops a bare street when the same street has a number', () => {
    const text = 'przy ul. Kwiatowej 12. Dojazd od ul. Kwiatowej.';
    expect(addresses(text).map((a) => a.value)).toEqual(['ul. Kwiatowej 12']);
  });

  it('finds several addresses', () => {
    const text = 'Inwestor: Jan Kowalski, ul. Legnicka 55a/3, 54-123 Wrocław; budynek przy ul. Kwiatowej 12.';
    expect(addresses(text).map((a) => a.value)).toEqual(['ul. Legnicka 55a/3', 'ul. Kwiatowej 12']);
  });

  it('ends the street name at a line break when there is no number', () => {
    expect(addresses('przy ul. Kwiatowej\nInwestor: Jan Kowalski').map((a) => a.raw)).toEqual(['ul. Kwiatowej']);
  });

  it.each([
    ['lower-case word', 'os. fizycznej'],
    ['a website', 'www.wroclaw.pl. Informacja'],
    ['just the keyword', 'ul.'],
    ['a number only', 'ul. 12'],
    ['no street name', 'w tej ulicy'],
  ])('rejects %s', (_name, text) => {
    expect(findAddresses(text)).toEqual([]);
  });
});

describe('findAddresses: an organ’s own address is not the case’s', () => {
  it.each([
    ['a letterhead', 'STAROSTWO POWIATOWE W TRZEBNICY\nul. Leśna 2\n55-100 Trzebnica\n\nDECYZJA NR 12/2021'],
    ['a letterhead with the postcode first', 'Powiatowy Inspektorat Nadzoru Budowlanego w Miliczu\n\n56-300 Milicz\n\nul. Trzebnicka 1'],
    ['"w siedzibie"', 'Projekt planu jest wyłożony w siedzibie Urzędu Gminy Kąty, ul. Rynek 2, 55-080 Kąty Wrocławskie.'],
    ['"z siedzibą przy"', 'na wniosek Spółki Wodnej Odra z siedzibą przy ul. Portowej 3 w Opolu'],
    ['"na adres"', 'Uwagi można składać na piśmie na adres: Biuro Planowania, ul. Rynek 9, 58-100 Świdnica.'],
    ['a room after it', 'Dokumentacja jest dostępna przy ul. Mickiewicza 10, pok. 12, w godzinach pracy.'],
    ['a phone after it', 'Informacji udziela referat przy pl. Wolności 1, tel. 71 123 45 67.'],
    ['a municipality as the addressee of mail', 'decyzja wydana na wniosek Gminy Sobótka, ul. Rynek 1, 55-050 Sobótka.'],
  ])('%s', (_name, text) => {
    expect(findAddresses(text)).toEqual([]);
  });

  it('keeps the subject’s address in a sentence that names an office elsewhere', () => {
    const text = 'Urząd Gminy Kąty informuje o wydaniu decyzji dla przedsięwzięcia położonego przy ul. Polnej 5 w Kątach Wrocławskich.';
    expect(addresses(text).map((a) => a.value)).toEqual(['ul. Polnej 5']);
  });
});

describe('findAddresses: plan areas and real-text damage', () => {
  it('reads a plan area of several streets as one address, named by its first street, spanning the list', () => {
    const text = 'projekt planu w rejonie ulic Lotniczej, Kosmonautów i Gagarina we Wrocławiu, a także od strony wschodniej ulicą Kosmonautów.';
    expect(addresses(text)).toEqual([
      {
        value: 'ul. Lotniczej',
        raw: 'rejonie ulic Lotniczej, Kosmonautów i Gagarina we Wrocławiu',
        street: 'Lotniczej',
        city: 'Wrocław',
      },
    ]);
  });

  it('a plan area whose streets are of different kinds, one with a spaced dash', () => {
    const text = 'w rejonie alei Józefa Hallera – Wschodniej i ulicy Jana Kilińskiego w Opolu';
    expect(addresses(text).map((a) => a.raw)).toEqual(['rejonie alei Józefa Hallera – Wschodniej i ulicy Jana Kilińskiego w Opolu']);
    expect(addresses(text).map((a) => a.value)).toEqual(['al. Józefa Hallera – Wschodniej']);
  });

  it('an initial before the surname belongs to the street; an initial alone is an anonymised street', () => {
    expect(addresses('w rejonie ulicy W. Reymonta w Kaliszu').map((a) => a.value)).toEqual(['ul. W. Reymonta']);
    expect(findAddresses('działka położona w W. przy ul. K., wywłaszczona pod drogę')).toEqual([]);
  });

  it('a street without a number ends before a court’s name run on from the next line', () => {
    expect(addresses('dla terenów komunikacji w zakresie ulicy Polnej Wojewódzki Sąd Administracyjny we Wrocławiu').map((a) => a.value)).toEqual(['ul. Polnej']);
  });

  it('a town is one or two words, not the word opening the next sentence', () => {
    expect(addresses('w rejonie ulicy Lipowej we Wrocławiu Na podstawie art. 18')[0]).toMatchObject({ city: 'Wrocław', raw: 'ulicy Lipowej we Wrocławiu' });
  });
});

describe('findAddresses: a subject address opening a wrapped line', () => {
  it('is kept although the lines above name the organ', () => {
    const text = 'Prezydent Wrocławia, działając na podstawie art. 104 Kodeksu postępowania administracyjnego,\nzatwierdza projekt budowlany i udziela pozwolenia na budowę budynku mieszkalnego przy\nul. Kwiatowej 12 we Wrocławiu, na działce nr 45/7.';
    expect(addresses(text).map((a) => a.value)).toEqual(['ul. Kwiatowej 12']);
  });
});

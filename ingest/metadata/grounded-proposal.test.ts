import { describe, expect, it } from 'vitest';
import type { MetaValue } from '../types.js';
import { matchType } from './doctype.js';
import { DOC_TYPE_VALUES, groundProposals, locateQuote, missingKinds, wordsSupported, type Proposal } from './grounded-proposal.js';

const LETTER = [
  'URZĄD MIEJSKI WROCŁAWIA',
  'Wydział Architektury i Zabudowy',
  'pl. Nowy Targ 1-8, 50-141 Wrocław',
  'Wrocław, 14 marca 2019 r.',
  'WUA-ZRB.6740.1.123.2019',
  'Zawiadomienie o wszczęciu postępowania administracyjnego w sprawie wydania decyzji o pozwoleniu',
  'na budowę budynku mieszkalnego jednorodzinnego',
  'Na podstawie art. 61 § 4 Kpa zawiadamiam, że na wniosek z dnia 1.02.2019 r. zostało wszczęte postępowanie.',
  'Prezydent Wrocławia odmawia udzielenia pozwolenia na budowę.',
  'Decyzją z dnia 3.01.2018 r. nr 12/2018 Prezydent Wrocławia zatwierdził projekt.',
  'Wasz znak: AB-II.7353.4.2018',
].join('\n');

const pages = [{ page: 1, text: LETTER }];
const none: MetaValue[] = [];

function ground(proposals: Proposal[], rules: MetaValue[] = none, shownChars?: number) {
  return groundProposals([{ ...pages[0]!, shownChars }], rules, proposals);
}

function only(proposal: Proposal, rules: MetaValue[] = none): MetaValue | undefined {
  const r = ground([proposal], rules);
  expect(r.values.length).toBeLessThanOrEqual(1);
  return r.values[0];
}

const ruleValue = (kind: MetaValue['kind'], value: string, extra?: Record<string, string>): MetaValue => ({
  kind,
  value,
  raw: value,
  page: 1,
  start: 0,
  end: value.length,
  origin: 'text',
  ...(extra ? { extra } : {}),
});

describe('missingKinds', () => {
  it('counts only the document date and any case number as known', () => {
    expect(missingKinds([])).toEqual(['docType', 'date', 'caseNumber', 'issuer', 'outcome']);
    const rules = [
      ruleValue('date', '2019-02-01', { role: 'mentioned' }),
      ruleValue('references', 'AB.6740.1.1.2018', { role: 'reference' }),
      { ...ruleValue('caseNumber', 'WUA-ZRB.6740.1.5.2019'), origin: 'folder' as const, page: null, start: null, end: null },
      ruleValue('docType', 'decyzja'),
    ];
    expect(missingKinds(rules)).toEqual(['date', 'issuer', 'outcome']);
    expect(missingKinds([...rules, ruleValue('date', '2019-03-14', { role: 'document' })])).toEqual(['issuer', 'outcome']);
  });
});

describe('locateQuote', () => {
  it('finds a quote copied with a space for a line break and returns the exact page span', () => {
    const quote = 'decyzji o pozwoleniu na budowę budynku';
    const at = locateQuote(LETTER, quote)!;
    expect(at).not.toBeNull();
    expect(LETTER.slice(at.start, at.end)).toBe('decyzji o pozwoleniu\nna budowę budynku');
  });

  it('does not match inside a longer word or number, nor with other letters or diacritics', () => {
    expect(locateQuote(LETTER, '4 marca 2019')).toBeNull(); // inside "14 marca 2019"
    expect(locateQuote(LETTER, 'Zawiadomieni')).toBeNull();
    expect(locateQuote(LETTER, 'zawiadomienie o wszczęciu')).toBeNull();
    expect(locateQuote(LETTER, 'Zawiadomienie o wszczeciu')).toBeNull();
    expect(locateQuote(LETTER, 'ab')).toBeNull();
  });

  it('takes the first occurrence on word boundaries', () => {
    const text = 'Prezydentowi Wrocławia\nPrezydent Wrocławia\nPrezydent Wrocławia';
    expect(locateQuote(text, 'Prezydent Wrocławia')).toEqual({ start: 23, end: 42 });
  });
});

describe('groundProposals: dates', () => {
  it('keeps a date the quote holds, with the span of the date itself and role document', () => {
    const v = only({ kind: 'date', value: '2019-03-14', quote: 'Wrocław, 14 marca 2019 r.', page: 1 })!;
    expect(v).toMatchObject({ kind: 'date', value: '2019-03-14', origin: 'llm', page: 1, extra: { role: 'document' } });
    expect(v.raw).toBe('14 marca 2019 r.');
    expect(LETTER.slice(v.start!, v.end!)).toBe(v.raw);
  });

  it('rejects a date the quote does not hold, a quote the page does not hold, and a mentioned date', () => {
    const r = ground([
      { kind: 'date', value: '2019-03-15', quote: 'Wrocław, 14 marca 2019 r.', page: 1 },
      { kind: 'date', value: '2019-03-14', quote: 'Wrocław, dnia 14.03.2019 r.', page: 1 },
      { kind: 'date', value: '2019-02-01', quote: 'na wniosek z dnia 1.02.2019 r.', page: 1 },
      { kind: 'date', value: '2019-03-14', quote: 'Wrocław, 14 marca 2019 r.', page: 2 },
    ]);
    expect(r.values).toEqual([]);
    expect(r.rejected).toMatchObject({ unsupported: 1, quote: 1, cited: 1, page: 1 });
  });

  it('takes a date after "z dnia" only in a heading, and after a place only with no sentence before it', () => {
    const text = [
      'WOJEWODA DOLNOŚLĄSKI IF-II.4131.5.2019 Wrocław, 3 kwietnia 2019 r.',
      'UCHWAŁA NR XII/101/19',
      'RADY MIEJSKIEJ W OŁAWIE',
      'z dnia 28 marca 2019 r.',
      'Decyzja nr 186/2024 z dnia 12.07.2024 r.',
      'Decyzja została wydana na podstawie art. 28 ustawy z dnia 7 lipca 1994 r. - Prawo budowlane.',
      'Skarga wpłynęła do Organu Nadzoru dnia 5 października 2017 r.',
    ].join('\n');
    const keeps = (value: string, quote: string) =>
      groundProposals([{ page: 1, text }], none, [{ kind: 'date', value, quote, page: 1 }]).values[0]?.value ?? null;
    expect(keeps('2019-04-03', 'Wrocław, 3 kwietnia 2019 r.')).toBe('2019-04-03');
    expect(keeps('2019-03-28', 'z dnia 28 marca 2019 r.')).toBe('2019-03-28');
    expect(keeps('2024-07-12', 'z dnia 12.07.2024 r.')).toBe('2024-07-12');
    expect(keeps('1994-07-07', 'ustawy z dnia 7 lipca 1994 r.')).toBeNull();
    expect(keeps('2017-10-05', 'dnia 5 października 2017 r.')).toBeNull();
  });

  it('ignores a proposal for a kind the rules already found', () => {
    const r = ground(
      [{ kind: 'date', value: '2019-03-14', quote: 'Wrocław, 14 marca 2019 r.', page: 1 }],
      [ruleValue('date', '2019-03-14', { role: 'document' })],
    );
    expect(r.values).toEqual([]);
    expect(r.rejected.known).toBe(1);
  });

  it('rejects a quote past the part of the page the model was shown', () => {
    const r = ground([{ kind: 'date', value: '2019-03-14', quote: 'Wrocław, 14 marca 2019 r.', page: 1 }], none, 60);
    expect(r.values).toEqual([]);
    expect(r.rejected.quote).toBe(1);
  });
});

describe('groundProposals: case numbers', () => {
  it('keeps a signature on its own line, in canonical form, with role own', () => {
    const v = only({ kind: 'caseNumber', value: 'wua-zrb.6740.1.123.2019', quote: 'WUA-ZRB.6740.1.123.2019', page: 1 })!;
    expect(v).toMatchObject({ value: 'WUA-ZRB.6740.1.123.2019', raw: 'WUA-ZRB.6740.1.123.2019', origin: 'llm', extra: { role: 'own' } });
  });

  it("rejects the addressee's signature and a signature other than the quote's", () => {
    const r = ground([
      { kind: 'caseNumber', value: 'AB-II.7353.4.2018', quote: 'Wasz znak: AB-II.7353.4.2018', page: 1 },
      { kind: 'caseNumber', value: 'WUA-ZRB.6740.1.124.2019', quote: 'WUA-ZRB.6740.1.123.2019', page: 1 },
    ]);
    expect(r.values).toEqual([]);
    expect(r.rejected).toMatchObject({ cited: 1, unsupported: 1 });
  });

  it('rejects a signature named after the act it belongs to', () => {
    const text = 'Urząd Miejski\nW związku z decyzją znak AB.6740.2.45.2021 informuję, że sprawa została zakończona.';
    const r = groundProposals([{ page: 1, text }], none, [
      { kind: 'caseNumber', value: 'AB.6740.2.45.2021', quote: 'AB.6740.2.45.2021', page: 1 },
    ]);
    expect(r.values).toEqual([]);
    expect(r.rejected.cited).toBe(1);
  });
});

describe('groundProposals: document types', () => {
  it('keeps a type whose heading word opens the quoted line', () => {
    const v = only({ kind: 'docType', value: 'zawiadomienie', quote: 'Zawiadomienie o wszczęciu postępowania', page: 1 })!;
    expect(v).toMatchObject({ kind: 'docType', value: 'zawiadomienie', origin: 'llm', raw: 'Zawiadomienie o wszczęciu postępowania' });
  });

  it('rejects a type outside the taxonomy, a type the quote does not name, and a mention in a sentence', () => {
    const r = ground([
      { kind: 'docType', value: 'pismo', quote: 'Zawiadomienie o wszczęciu postępowania', page: 1 },
      { kind: 'docType', value: 'wniosek', quote: 'Zawiadomienie o wszczęciu postępowania', page: 1 },
      { kind: 'docType', value: 'decyzja', quote: 'Decyzją z dnia 3.01.2018 r.', page: 1 },
      { kind: 'docType', value: 'decyzja', quote: 'decyzji o pozwoleniu', page: 1 },
    ]);
    expect(r.values).toEqual([]);
    expect(r.rejected.unsupported).toBe(4);
  });

  it('needs the qualifier of a specific type in the quote, with the same sense', () => {
    const text = 'DECYZJA NR 15/2020\no odmowie pozwolenia na budowę\nNa podstawie art. 35 ustawy…';
    const at = (value: string, quote: string) => groundProposals([{ page: 1, text }], none, [{ kind: 'docType', value, quote, page: 1 }]).values[0]?.value;
    expect(at('decyzja o odmowie pozwolenia na budowę', 'DECYZJA NR 15/2020 o odmowie pozwolenia na budowę')).toBe('decyzja o odmowie pozwolenia na budowę');
    expect(at('decyzja o pozwoleniu na budowę', 'DECYZJA NR 15/2020 o odmowie pozwolenia na budowę')).toBeUndefined();
    expect(at('decyzja o pozwoleniu na budowę', 'DECYZJA NR 15/2020')).toBeUndefined();
    expect(at('decyzja', 'DECYZJA NR 15/2020')).toBe('decyzja');
  });

  it('reads a heading in capitals run into the header line near the top, and court rulings by their court', () => {
    const text = 'WOJEWODA MAZOWIECKI Warszawa, 4 stycznia 2016 r. ROZSTRZYGNIĘCIE NADZORCZE Działając na podstawie art. 91\nWyrok\nWojewódzkiego Sądu Administracyjnego w Lublinie';
    const keeps = (value: string, quote: string) =>
      groundProposals([{ page: 1, text }], none, [{ kind: 'docType', value, quote, page: 1 }]).values[0]?.value ?? null;
    expect(keeps('rozstrzygnięcie nadzorcze', 'ROZSTRZYGNIĘCIE NADZORCZE')).toBe('rozstrzygnięcie nadzorcze');
    expect(keeps('wyrok wsa', 'Wyrok Wojewódzkiego Sądu Administracyjnego')).toBe('wyrok WSA');
    expect(keeps('wyrok NSA', 'Wyrok Wojewódzkiego Sądu Administracyjnego')).toBeNull();
  });

  it('accepts an OCR-damaged heading without diacritics as the rules do', () => {
    const text = 'POSTANOWlENIE\nWrocław, 2 maja 2017';
    const r = groundProposals([{ page: 1, text }], none, [{ kind: 'docType', value: 'postanowienie', quote: 'POSTANOWlENIE', page: 1 }]);
    expect(r.values[0]?.raw).toBe('POSTANOWlENIE');
  });

  it("lists only values the rules' heading matcher knows", () => {
    for (const t of DOC_TYPE_VALUES) {
      const next = t.value.split(' ')[1] ?? '';
      const found = matchType(t.head, t.head === 'warunki' ? 'zabudowy' : next)?.value;
      expect([t.value, t.head]).toContain(found);
    }
  });
});

describe('groundProposals: issuer and outcome', () => {
  it('keeps an issuer whose every word is in the quote, inflected or not', () => {
    const v = only({ kind: 'issuer', value: 'Prezydent Wrocławia', quote: 'Prezydent Wrocławia odmawia', page: 1 })!;
    expect(v).toMatchObject({ kind: 'issuer', value: 'Prezydent Wrocławia', raw: 'Prezydent Wrocławia odmawia', origin: 'llm' });
  });

  it('rejects an outcome of the opposite sense and words the quote lacks', () => {
    const r = ground([
      { kind: 'outcome', value: 'udziela pozwolenia na budowę', quote: 'odmawia udzielenia pozwolenia na budowę', page: 1 },
      { kind: 'issuer', value: 'Wojewoda Dolnośląski', quote: 'Prezydent Wrocławia', page: 1 },
    ]);
    expect(r.values).toEqual([]);
    expect(r.rejected.unsupported).toBe(2);
    expect(only({ kind: 'outcome', value: 'odmawia udzielenia pozwolenia', quote: 'odmawia udzielenia pozwolenia na budowę', page: 1 })?.value).toBe(
      'odmawia udzielenia pozwolenia',
    );
  });

  it("rejects an outcome told in the past tense (an earlier ruling in the case's history)", () => {
    const text = 'Wojewódzki Sąd Administracyjny oddalił skargę.\nNaczelny Sąd Administracyjny oddala skargę kasacyjną.';
    const keeps = (quote: string) =>
      groundProposals([{ page: 1, text }], none, [{ kind: 'outcome', value: 'oddala skargę', quote, page: 1 }]).values[0]?.raw ?? null;
    expect(keeps('oddalił skargę')).toBeNull();
    expect(keeps('oddala skargę kasacyjną')).toBe('oddala skargę kasacyjną');
  });

  it('keeps one value per kind: the first that passes', () => {
    const r = ground([
      { kind: 'issuer', value: 'Wojewoda', quote: 'Prezydent Wrocławia', page: 1 },
      { kind: 'issuer', value: 'Prezydent Wrocławia', quote: 'Prezydent Wrocławia', page: 1 },
      { kind: 'issuer', value: 'Urząd Miejski Wrocławia', quote: 'URZĄD MIEJSKI WROCŁAWIA', page: 1 },
    ]);
    expect(r.values.map((v) => v.value)).toEqual(['Prezydent Wrocławia']);
    expect(r.rejected).toMatchObject({ unsupported: 1, repeated: 1 });
  });

  it('wordsSupported: stems, numbers and polarity words', () => {
    expect(wordsSupported('Samorządowe Kolegium Odwoławcze', 'Samorządowego Kolegium Odwoławczego we Wrocławiu')).toBe(true);
    expect(wordsSupported('uchyla decyzję', 'utrzymuje w mocy decyzję')).toBe(false);
    expect(wordsSupported('utrzymuje w mocy decyzję', 'nie utrzymuje w mocy decyzji')).toBe(false);
    expect(wordsSupported('w sprawie', 'w sprawie')).toBe(false);
    expect(wordsSupported('II wydział 12', 'II wydział 123')).toBe(false);
  });
});

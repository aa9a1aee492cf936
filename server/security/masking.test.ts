import { describe, expect, it } from 'vitest';
import { findIdentifiers, hasIdentifier, isValidIdCard, isValidPesel, maskDeep, maskIdentifiers, PeselPolicy } from './masking.js';

const PESEL = '85010112345'; // 1985-01-01, check digit 5
const dots = (n: number) => '•'.repeat(n);

describe('PESEL validation', () => {
  it('accepts valid check digits and birth dates of every century', () => {
    for (const p of [PESEL, '44051401359', '02270803624', '00222912349' /* 2000-02-29 */, '85810112349' /* 1885 */]) {
      expect(isValidPesel(p), p).toBe(true);
    }
  });

  it('rejects a wrong check digit, impossible dates and wrong lengths', () => {
    expect(isValidPesel('85010112346')).toBe(false); // check digit off by one
    expect(isValidPesel('44051401358')).toBe(false);
    expect(isValidPesel('01222912346')).toBe(false); // 2001-02-29: checksum fine, no such day
    expect(isValidPesel('99133212341')).toBe(false); // month 13
    expect(isValidPesel('8501011234')).toBe(false);
    expect(isValidPesel('850101123456')).toBe(false);
    expect(isValidPesel('8501011234a')).toBe(false);
  });
});

describe('identity card validation', () => {
  it('accepts the check digit in position 4 and rejects any other', () => {
    expect(isValidIdCard('ABA300000')).toBe(true);
    expect(isValidIdCard('AXY212345')).toBe(true);
    expect(isValidIdCard('ABA300001')).toBe(false);
    expect(isValidIdCard('ABA400000')).toBe(false);
    expect(isValidIdCard('aba300000')).toBe(false);
    expect(isValidIdCard('AB300000')).toBe(false);
  });
});

describe('finding identifiers in text', () => {
  it('finds a PESEL after a label, glued to letters, inside punctuation', () => {
    for (const text of [`Inwestor: Jan Kowalski, PESEL ${PESEL}, zam. ul. Oporowska 43`, `PESEL:${PESEL}.`, `nr${PESEL}r`, `(${PESEL})`]) {
      const at = text.indexOf(PESEL);
      expect(findIdentifiers(text), text).toEqual([{ kind: 'pesel', start: at, end: at + 11 }]);
    }
  });

  it('finds a PESEL written with spaces (grouped, or one digit per form box)', () => {
    const grouped = 'PESEL 850101 12345 wnioskodawcy';
    expect(findIdentifiers(grouped)).toEqual([{ kind: 'pesel', start: 6, end: 18 }]);
    const boxes = 'PESEL: 8 5 0 1 0 1 1 2 3 4 5';
    expect(maskIdentifiers(boxes)).toBe(`PESEL: ${dots(21)}`);
    expect(maskIdentifiers('PESEL 850\u00a0101\u00a0123\u00a045')).toBe(`PESEL ${dots(14)}`);
  });

  it('ignores 11 digits with a bad checksum or date, and 11 digits that are part of a longer number', () => {
    expect(findIdentifiers('PESEL 85010112346')).toEqual([]);
    expect(findIdentifiers('PESEL 01222912346')).toEqual([]);
    expect(findIdentifiers(`konto 61${PESEL}0000000000000`)).toEqual([]);
    expect(findIdentifiers(`konto 9${PESEL}`)).toEqual([]);
    // Spaced digits that run on into a longer number are a table or an account, not a PESEL.
    expect(findIdentifiers(`61 1090 ${'850101 12345'} 2874`)).toEqual([]);
    // Case signatures, dates, parcels and postal codes stay as they are.
    const plain = 'WUA-ZRB.6740.1.123.2019 z dnia 2019-03-14, dz. nr 45/7, 52-214 Wrocław, tel. 71 777 77 77';
    expect(maskIdentifiers(plain)).toBe(plain);
  });

  it('still finds a contiguous PESEL right after another number', () => {
    expect(maskIdentifiers(`ur. 01.01.1985 ${PESEL}`)).toBe(`ur. 01.01.1985 ${dots(11)}`);
  });

  it('finds identity-card numbers with or without a space, as whole words only', () => {
    expect(maskIdentifiers('dowód osobisty ABA 300000 wydany')).toBe(`dowód osobisty ${dots(10)} wydany`);
    expect(maskIdentifiers('seria i nr: AXY212345.')).toBe(`seria i nr: ${dots(9)}.`);
    expect(findIdentifiers('dowód ABA300001')).toEqual([]); // wrong check digit
    expect(findIdentifiers('XABA300000')).toEqual([]); // inside a longer word
    expect(findIdentifiers('ABA3000001')).toEqual([]);
  });

  it('masks identifiers in every written form with as many • as characters, so offsets still hold', () => {
    const text = 'Mocodawca PESEL 850101-12345 (dowód aba-300000), pełnomocnik PESEL 85.01.01.123.45, dowód axb912345; sprawa WUA-ZRB.6730.1.14.2019 z 14.03.2019 r.';
    const masked = maskIdentifiers(text);
    expect(masked).toBe(
      `Mocodawca PESEL ${dots(12)} (dowód ${dots(10)}), pełnomocnik PESEL ${dots(15)}, dowód ${dots(9)}; sprawa WUA-ZRB.6730.1.14.2019 z 14.03.2019 r.`,
    );
    expect(masked.length).toBe(text.length);
    expect(maskDeep({ id: '850101-12345', quote: 'PESEL 850101–12345' })).toEqual({ id: '850101-12345', quote: `PESEL ${dots(12)}` });
  });

  it('masks several identifiers and keeps the length, so offsets into the text still hold', () => {
    const text = `Jan (PESEL ${PESEL}) i Anna (dowód ABA300000, PESEL 44051401359) — łącznie dwie osoby`;
    const masked = maskIdentifiers(text);
    expect(masked.length).toBe(text.length);
    expect(masked).not.toContain(PESEL);
    expect(masked).not.toContain('44051401359');
    expect(masked).not.toContain('ABA300000');
    expect(masked.slice(text.indexOf('łącznie'))).toBe('łącznie dwie osoby');
    expect(findIdentifiers(text).map((s) => s.kind)).toEqual(['pesel', 'id_card', 'pesel']);
    expect(hasIdentifier(text)).toBe(true);
    expect(hasIdentifier('decyzja WUA-ZRB.6740.1.123.2019')).toBe(false);
  });
});

describe('masking values and responses', () => {
  it('masks every text field of a document but not its ids and hashes', () => {
    const doc = {
      id: '12',
      title: `Wniosek ${PESEL}`,
      source: { filename: `wniosek_${PESEL}.pdf`, sha256: 'ab'.repeat(32) },
      metadata: [{ kind: 'investor', value: `Jan Kowalski ${PESEL}`, raw: `Jan Kowalski PESEL ${PESEL}`, page: 1, start: 0, end: 30 }],
    };
    const m = maskDeep(doc);
    expect(m.title).toBe(`Wniosek ${dots(11)}`);
    expect(m.source).toEqual({ filename: `wniosek_${dots(11)}.pdf`, sha256: doc.source.sha256 });
    expect(m.metadata[0]).toMatchObject({ kind: 'investor', value: `Jan Kowalski ${dots(11)}`, page: 1, start: 0, end: 30 });
    expect(doc.title).toContain(PESEL); // the original is not changed
  });

  it('cuts a masked quote from the masked page, so a quote ending inside a PESEL shows none of it', async () => {
    const page = `Inwestor Jan Kowalski PESEL ${PESEL} zamieszkały we Wrocławiu`;
    const start = 0;
    const end = page.indexOf(PESEL) + 6; // the quote ends after the birth date
    const response = {
      id: 'search-1',
      question: 'wniosek Kowalskiego',
      results: [{ document: { id: '7', title: 'Wniosek' }, citations: [{ page: 1, start, end, quote: page.slice(start, end) }] }],
    };
    const policy = new PeselPolicy(['supervisor']);
    const shown = await policy.response(response, 'clerk', async (doc, n) => (doc === '7' && n === 1 ? page : null));
    const c = shown.results[0]!.citations[0]!;
    expect(c.quote).toBe(`Inwestor Jan Kowalski PESEL ${dots(6)}`);
    expect(c.quote).toBe(maskIdentifiers(page).slice(c.start, c.end));
    expect(await policy.response(response, 'supervisor', async () => page)).toBe(response);
    expect(policy.view({ text: page }, 'clerk').text).not.toContain('850101');
    expect(policy.view({ text: page }, 'supervisor').text).toContain(PESEL);
  });
});

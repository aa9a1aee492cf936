import { describe, expect, it } from 'vitest';
import { findBoundaries } from './sentences.js';

/** Split text into sentences at the sentence boundaries (for readable assertions). */
function sentences(text: string): string[] {
  const b = findBoundaries(text).sentence;
  const out: string[] = [];
  let s = 0;
  for (const c of [...b, text.length]) {
    out.push(text.slice(s, c).trim());
    s = c;
  }
  return out;
}

describe('findBoundaries', () => {
  it('does not end sentences at Polish abbreviations', () => {
    const text =
      'Na podstawie art. 28 ust. 1 pkt 2 ustawy z dnia 7 lipca 1994 r. – Prawo budowlane ' +
      '(Dz. U. z 2019 r. poz. 1186 z późn. zm.) oraz § 3 ust. 2 rozporządzenia, tj. Dz.U. ' +
      'Nr 12, m.in. dla działki nr 45/7 przy ul. Ślężnej 12, godz. 10.00, np. Inwestor J. Kowalski ' +
      'i Sp. z o.o. Budimex dz. nr 3 obr. Krzyki ark. 12. Organ ustalił, co następuje. Decyzja jest ostateczna!';
    expect(sentences(text)).toEqual([
      'Na podstawie art. 28 ust. 1 pkt 2 ustawy z dnia 7 lipca 1994 r. – Prawo budowlane ' +
        '(Dz. U. z 2019 r. poz. 1186 z późn. zm.) oraz § 3 ust. 2 rozporządzenia, tj. Dz.U. ' +
        'Nr 12, m.in. dla działki nr 45/7 przy ul. Ślężnej 12, godz. 10.00, np. Inwestor J. Kowalski ' +
        'i Sp. z o.o. Budimex dz. nr 3 obr. Krzyki ark. 12.',
      'Organ ustalił, co następuje.',
      'Decyzja jest ostateczna!',
    ]);
  });

  it('ends sentences before upper case, digits and after closing brackets', () => {
    expect(sentences('Wniosek złożono w 2019. Następnie (…) uzupełniono go (zob. akta). 2. Organ orzekł: „Zatwierdzam.” Koniec?')).toEqual([
      'Wniosek złożono w 2019.',
      'Następnie (…) uzupełniono go (zob. akta).',
      '2. Organ orzekł: „Zatwierdzam.”',
      'Koniec?',
    ]);
  });

  it('does not split enumerations, initials or lower-case continuations', () => {
    expect(sentences('1. Zatwierdzić projekt. 2. Udzielić pozwolenia. II. Uzasadnienie jak wyżej. dalej małą literą.')).toEqual([
      '1. Zatwierdzić projekt.',
      '2. Udzielić pozwolenia.',
      'II. Uzasadnienie jak wyżej. dalej małą literą.',
    ]);
  });

  it('finds paragraph, clause and word boundaries', () => {
    const text = 'Orzekam:\n1) zatwierdzić projekt;\n\n2) udzielić  pozwolenia.';
    const b = findBoundaries(text);
    expect(b.paragraph).toEqual([text.indexOf(';') + 1]);
    expect(b.clause).toEqual([text.indexOf(':') + 1, text.indexOf(';') + 1]);
    expect(b.word.map((i) => text[i - 1])).toEqual([':', ')', 'ć', ';', ')', 'ć']);
  });
});

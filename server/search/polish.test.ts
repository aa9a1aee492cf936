import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldForIndex } from '../../ingest/text/fold.js';
import type { KeywordQuery, QueryTerm, TermForm } from '../domain/types.js';
import {
  MAX_TERMS,
  MIN_PREFIX,
  addressForms,
  contentWords,
  dateForms,
  keywordQuery,
  sameWord,
  termFor,
  tokenize,
  wordForms,
} from './polish.js';

/** Does a term match a word as the word index sees it (folded)? */
function matchesWord(term: QueryTerm, word: string): boolean {
  const w = foldForIndex(word).normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  return term.forms.some((f) => (f.prefix ? w.startsWith(f.text) : w === f.text));
}

// A real FTS5 index, tokenized like the archive's (unicode61, diacritics folded, ł stored as l).
let db: Database.Database;
const DOCS = [
  'Prezydent Wrocławia odmawia udzielenia pozwolenia na budowę dla działki nr 45/7, obręb Oporów.',
  'DECYZJA NR 12/2016 o odmowie pozwolenia na rozbudowę budynku mieszkalnego na Leśnicy, Wrocław, dnia 14 marca 2016 r.',
  'Wniosek o wydanie decyzji, znak: WUA-ZRB.6740.1.123.2019, złożony 14.03.2019 r.',
  'Postanowienie w sprawie działki 12 przy ul. Kwiatowej 12 we Wrocławiu.',
  'W domniemaniu organu domena publiczna nie obejmuje tej sprawy.',
];

function fts(form: TermForm): string {
  return `"${foldForIndex(form.text).replace(/"/g, '""')}"${form.prefix ? '*' : ''}`;
}

function search(q: KeywordQuery): number[] {
  const terms = q.terms.filter((t) => t.forms.length > 0).map((t) => `(${t.forms.map(fts).join(' OR ')})`);
  if (terms.length === 0) return [];
  const expr = terms.join(q.match === 'all' ? ' AND ' : ' OR ');
  return (db.prepare('SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid').all(expr) as { rowid: number }[]).map((r) => r.rowid);
}

beforeAll(() => {
  db = new Database(':memory:');
  db.exec("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='unicode61 remove_diacritics 2')");
  const ins = db.prepare('INSERT INTO t(rowid, text) VALUES (?, ?)');
  DOCS.forEach((d, i) => ins.run(i + 1, foldForIndex(d)));
});
afterAll(() => db.close());

describe('inflected words', () => {
  const families: [string, string[]][] = [
    ['decyzja', ['decyzji', 'decyzję', 'decyzją', 'decyzje', 'decyzjami']],
    ['pozwolenie', ['pozwolenia', 'pozwoleniu', 'pozwoleniem', 'pozwoleń']],
    ['działka', ['działki', 'działce', 'działkę', 'działek', 'działkami']],
    ['Leśnica', ['Leśnicy', 'Leśnicę', 'Leśnicą']],
    ['wniosek', ['wniosku', 'wnioski', 'wnioskiem', 'wniosków']],
    ['rozbudowa', ['rozbudowy', 'rozbudowie', 'rozbudowę']],
    ['obręb', ['obrębu', 'obrębie']],
    ['budynek', ['budynku', 'budynki', 'budynków']],
    ['projekt', ['projektu', 'projekcie']],
    ['dom', ['domu', 'domem', 'domy']],
    ['zgoda', ['zgody', 'zgodzie', 'zgodę']],
  ];
  for (const [lemma, forms] of families) {
    it(`any form of "${lemma}" finds the others`, () => {
      for (const typed of [lemma, ...forms]) {
        for (const other of [lemma, ...forms]) expect(matchesWord(termFor(typed), other), `${typed} → ${other}`).toBe(true);
      }
    });
  }

  it('folds case and diacritics before stemming (nlp.js leaves "DECYZJĘ" as it is)', () => {
    expect(matchesWord(termFor('DECYZJĘ'), 'decyzji')).toBe(true);
    expect(matchesWord(termFor('Wrocław'), 'Wrocławiu')).toBe(true);
    expect(termFor('Wrocław').forms.every((f) => !/[łąęóśćńźż]/.test(f.text))).toBe(true);
  });

  it('never uses a prefix shorter than MIN_PREFIX, so short words stay precise', () => {
    for (const w of ['dom', 'domu', 'plan', 'zgoda', 'odmowa', 'ulica', 'działce', 'pozwolenie', 'Oporów']) {
      for (const f of wordForms(w)) if (f.prefix) expect(f.text.length, `${w}: ${f.text}*`).toBeGreaterThanOrEqual(MIN_PREFIX);
    }
    expect(matchesWord(termFor('dom'), 'domniemanie')).toBe(false);
    expect(matchesWord(termFor('zgoda'), 'zgodnie')).toBe(false);
    expect(matchesWord(termFor('budowa'), 'budowlany')).toBe(false);
  });

  it('finds inflected forms in a real FTS5 index and leaves unrelated words out', () => {
    expect(search(keywordQuery('działce', 'all'))).toEqual([1, 4]);
    expect(search(keywordQuery('odmowa pozwolenia rozbudowa Leśnica', 'all'))).toEqual([2]);
    expect(search(keywordQuery('domu', 'all'))).toEqual([]);
  });

  it('tells forms of one word from different words', () => {
    expect(sameWord('Leśnicy', 'Leśnica')).toBe(true);
    expect(sameWord('Oporowie', 'Oporów')).toBe(true);
    expect(sameWord('działce', 'działka')).toBe(true);
    expect(sameWord('budowie', 'budynek')).toBe(false);
  });
});

describe('identifiers', () => {
  it('keeps a parcel number, a signature and a date as one phrase each', () => {
    expect(termFor('45/7').forms).toEqual([{ text: '45/7' }]);
    expect(termFor('WUA-ZRB.6740.1.123.2019').forms).toEqual([{ text: 'WUA-ZRB.6740.1.123.2019' }]);
    expect(termFor('UA-AB_7351_784_2010').forms).toEqual([{ text: 'UA-AB/7351/784/2010' }]);
    expect(termFor('14.03.2019').forms.map((f) => f.text)).toEqual(['14.03.2019', '14 marca 2019', '2019-03-14']);
  });

  it('reads signatures typed with a space, lower case or in folder form as one token', () => {
    for (const typed of ['wua-zrb.6740.1.123.2019', 'WUA-ZRB 6740.1.123.2019', 'wua-zrb 6740.1.123.2019']) {
      const sig = tokenize(`sprawa ${typed}`).filter((t) => t.kind === 'signature');
      expect(sig.map((t) => t.value), typed).toEqual(['WUA-ZRB.6740.1.123.2019']);
    }
    expect(tokenize('UA-AB 7351/784/2010')[0]?.value).toBe('UA-AB/7351/784/2010');
  });

  it('finds identifiers in a real FTS5 index only as a whole', () => {
    expect(search(keywordQuery('45/7', 'all'))).toEqual([1]);
    expect(search(keywordQuery('7/45', 'all'))).toEqual([]);
    expect(search(keywordQuery('wua-zrb 6740.1.123.2019', 'all'))).toEqual([3]);
    expect(search(keywordQuery('WUA-ZRB.6740.1.124.2019', 'all'))).toEqual([]);
    expect(search({ terms: [{ forms: dateForms('2016-03-14') }], match: 'all' })).toEqual([2]);
    expect(search(keywordQuery('14.03.2019', 'all'))).toEqual([3]);
  });

  it('spells an address in the cases documents use, number included', () => {
    expect(addressForms('ul. Kwiatowa 12').map((f) => f.text)).toEqual(['kwiatowa 12', 'kwiatowej 12']);
    expect(addressForms('przy ul. Średzkiej 5a').map((f) => f.text)).toEqual(['sredzka 5a', 'sredzkiej 5a']);
    expect(search({ terms: [{ forms: addressForms('ul. Kwiatowa 12') }], match: 'all' })).toEqual([4]);
  });
});

describe('question words', () => {
  it('drops question and function words', () => {
    expect(contentWords('Jaka decyzja zapadła w sprawie WUA-ZRB.6740.1.123.2019?')).toEqual(['decyzja', 'WUA-ZRB.6740.1.123.2019']);
    expect(contentWords('co wydano dla wszystkich około')).toEqual([]);
  });

  it('builds one term per content word', () => {
    const q = keywordQuery('odmowa pozwolenia na rozbudowę domu', 'any');
    expect(q.match).toBe('any');
    expect(q.terms).toHaveLength(4);
    expect(q.terms[0]?.forms[0]).toEqual({ text: 'odmowa' });
  });

  it('survives hostile input: query syntax, quotes, emoji, lone surrogates, 10k characters', () => {
    const inputs = [
      '" OR 1=1; DROP TABLE chunks; --',
      'title:(decyzja AND NOT odmowa)^3 NEAR/2 "pozw*',
      'a\u0000b\u202e\uD800\uDC00\uD800 💥🏠 ﷽',
      'ąęł '.repeat(2500),
      `${'45/7 '.repeat(1000)}x`,
      '',
    ];
    for (const input of inputs) {
      const q = keywordQuery(input, 'all');
      expect(q.terms.length).toBeLessThanOrEqual(MAX_TERMS);
      for (const t of q.terms) for (const f of t.forms) expect(f.text.trim()).not.toBe('');
      expect(() => search(q)).not.toThrow();
    }
  });
});

describe('addressForms declension', () => {
  it('gives nominative and locative for adjectival street names of any stem', async () => {
    const { addressForms } = await import('./polish.js');
    expect(addressForms('Kuźnicza 57c').map((f) => f.text)).toEqual(['kuznicza 57c', 'kuzniczej 57c']);
    expect(addressForms('przy ul. Średniej 4').map((f) => f.text)).toEqual(['srednia 4', 'sredniej 4']);
    expect(addressForms('Powstańców Śląskich 44').map((f) => f.text)).toEqual(['powstancow slaskich 44']);
  });
});

import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { foldForIndex } from '../../../ingest/text/fold.js';
import type { KeywordQuery, QueryTerm } from '../../domain/types.js';
import { buildFtsMatch, cleanForm, MAX_TERMS, quoteForm } from './fts-query.js';

const t = (...forms: (string | [string, true])[]): QueryTerm => ({
  forms: forms.map((f) => (typeof f === 'string' ? { text: f } : { text: f[0], prefix: true })),
});
const all = (...terms: QueryTerm[]): KeywordQuery => ({ terms, match: 'all' });
const any = (...terms: QueryTerm[]): KeywordQuery => ({ terms, match: 'any' });

describe('buildFtsMatch', () => {
  it('quotes every form and joins terms with AND, forms with OR', () => {
    expect(buildFtsMatch(all(t('decyzja'), t('zezwolenie', ['pozwoleni', true])))).toBe(
      '"decyzja" AND ("zezwolenie" OR "pozwoleni"*)',
    );
  });

  it('joins every form of every term with OR for match=any', () => {
    expect(buildFtsMatch(any(t('decyzja', 'decyzji'), t(['budow', true])))).toBe('"decyzja" OR "decyzji" OR "budow"*');
  });

  it('doubles quotes inside a form, so the form stays one string', () => {
    expect(buildFtsMatch(all(t('a"b')))).toBe('"a""b"');
    expect(buildFtsMatch(all(t('"')))).toBeNull();
  });

  it('folds ł and Ł like the index, and leaves other letters to the tokenizer', () => {
    expect(buildFtsMatch(all(t('Łódź', 'złożenie')))).toBe('("Lódź" OR "zlożenie")');
  });

  it('drops forms without letters or digits, and terms left without forms', () => {
    expect(buildFtsMatch(all(t('---', '*'), t('budowa')))).toBe('"budowa"');
    expect(buildFtsMatch(all(t('  '), t('()')))).toBeNull();
    expect(buildFtsMatch(all())).toBeNull();
    expect(buildFtsMatch(any(t('!!!')))).toBeNull();
  });

  it('keeps operators as plain text inside quotes', () => {
    expect(buildFtsMatch(all(t('NEAR(a b)'), t('OR'), t('text:abc'), t('-x')))).toBe(
      '"NEAR(a b)" AND "OR" AND "text:abc" AND "-x"',
    );
  });

  it('marks prefix forms with * on the word index only', () => {
    expect(buildFtsMatch({ terms: [t(['zabud', true])], match: 'all', index: 'words' })).toBe('"zabud"*');
    expect(buildFtsMatch({ terms: [t(['zabud', true])], match: 'all', index: 'substring' })).toBe('"zabud"');
  });

  it('drops substring forms under three characters', () => {
    expect(buildFtsMatch({ terms: [t('ab', 'abc'), t('45')], match: 'all', index: 'substring' })).toBe('"abc"');
    expect(buildFtsMatch({ terms: [t('45'), t('ab')], match: 'all', index: 'words' })).toBe('"45" AND "ab"');
  });

  it('sends a repeated form once, also when it differs only in case or diacritics', () => {
    expect(buildFtsMatch(all(t('decyzja', 'decyzja', 'Decyzja', 'decyzją')))).toBe('"decyzja"');
  });

  it('leaves out forms that another form of the term already matches', () => {
    expect(buildFtsMatch(all(t('rozbudowa', ['rozbudow', true], 'rozbudowy')))).toBe('"rozbudow"*');
    expect(buildFtsMatch(all(t(['budow', true], ['budowl', true], 'budowa domu')))).toBe('("budow"* OR "budowa domu")');
    expect(buildFtsMatch(all(t(['zabudow', true]), t('zabudowy')))).toBe('"zabudow"* AND "zabudowy"'); // other terms stay
    expect(buildFtsMatch(any(t('garaż', 'garażu', 'garaz', 'wiata')))).toBe('"garaż" OR "garażu" OR "wiata"'); // words are exact
    const sub = (...forms: string[]) => buildFtsMatch({ terms: [t(...forms)], match: 'all', index: 'substring' });
    expect(sub('garaż', 'garażu', 'garazem', 'wiata')).toBe('("garaż" OR "wiata")');
    expect(sub('ZRB.6740.1.123', 'wua-zrb.6740.1.123.2019')).toBe('"ZRB.6740.1.123"');
  });

  it('turns control characters and lone surrogates into spaces', () => {
    expect(cleanForm('a\u0000b', 'words')).toBe('a b');
    expect(cleanForm('ab\uD800cd', 'words')).toBe('ab cd');
    expect(cleanForm('\uDC00', 'words')).toBeNull();
    expect(quoteForm({ text: '\n\tx\r' }, 'words')).toBe('"x"');
  });

  it('caps the number of terms of a pathological query', () => {
    const many = all(...Array.from({ length: 500 }, (_, i) => t(`w${i}`)));
    expect(buildFtsMatch(many)!.split(' AND ')).toHaveLength(MAX_TERMS);
  });

  it('tolerates malformed input from untyped callers', () => {
    expect(buildFtsMatch({ terms: null, match: 'all' } as unknown as KeywordQuery)).toBeNull();
    expect(buildFtsMatch({ terms: [{ forms: [null, { text: 5 }] }], match: 'any' } as unknown as KeywordQuery)).toBeNull();
  });
});

describe('buildFtsMatch on real FTS5 tables', () => {
  const db = new Database(':memory:');
  db.exec(`
    CREATE VIRTUAL TABLE w USING fts5(text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE s USING fts5(text, content='', contentless_delete=1, tokenize='trigram remove_diacritics 1');
  `);
  const docs = [
    'Decyzja o pozwoleniu na budowę, znak WUA-ZRB.6740.1.123.2019, działka 45/7 obręb Oporów.',
    'Postanowienie UA-AB/7351/784/2010 o zawieszeniu postępowania; Łódzka 5, złożenie wniosku.',
    'Zawiadomienie: NEAR "cytat" OR (nawias) -minus text:kolumna',
  ];
  docs.forEach((d, i) => {
    db.prepare('INSERT INTO w(rowid, text) VALUES (?, ?)').run(i + 1, foldForIndex(d));
    db.prepare('INSERT INTO s(rowid, text) VALUES (?, ?)').run(i + 1, foldForIndex(d));
  });
  afterAll(() => db.close());

  const run = (q: KeywordQuery): number[] => {
    const table = q.index === 'substring' ? 's' : 'w';
    const m = buildFtsMatch(q);
    if (m === null) return [];
    return (db.prepare(`SELECT rowid FROM ${table} WHERE ${table} MATCH ? ORDER BY bm25(${table})`).all(m) as { rowid: number }[]).map(
      (r) => r.rowid,
    );
  };

  it('finds identifiers the tokenizer splits, folded words and prefixes', () => {
    expect(run(all(t('WUA-ZRB.6740.1.123.2019')))).toEqual([1]);
    expect(run(all(t('45/7'), t('oporow')))).toEqual([1]);
    expect(run(all(t('UA-AB/7351/784/2010')))).toEqual([2]);
    expect(run(all(t('łódzka'))))
      .toEqual([2]);
    expect(run(all(t(['zlozen', true])))).toEqual([2]);
    expect(run(any(t('nawias'), t('zawieszeniu')))).toHaveLength(2);
  });

  it('finds a fragment inside a longer token on the substring index', () => {
    expect(run({ terms: [t('ZRB.6740')], match: 'all', index: 'substring' })).toEqual([1]);
    expect(run({ terms: [t('7351/784')], match: 'all', index: 'substring' })).toEqual([2]);
  });

  it('searches operator words as text', () => {
    expect(run(all(t('NEAR'), t('OR')))).toEqual([3]);
    expect(run(all(t('text:kolumna')))).toEqual([3]);
  });

  const junk = [
    '"', '""', '"""', '*', '**', 'a*', '*a', 'NEAR', 'NEAR(', 'NEAR(a b, 2)', 'AND', 'OR', 'NOT', 'a OR b', '-', '--a',
    ':', 'text:', ':text', '(', ')', '()', '(a', 'a)', '^', '^a', '+', '{a b}', '[', '\\', "'", '\u0000', '\u0000a',
    'a\u0000', '\uD800', '\uDFFF', 'a\uD800b', '\u200b', '\uFEFF', '\u202E', 'ﷺ', '𝔘𝔫𝔦', '👍🏽', 'z\u0301', 'ǅ', 'İ',
    '\u00AD', '\u3000', 'x'.repeat(10_000), ('a "b" OR c* ').repeat(900), '\u0301\u0301\u0301',
  ];

  it('never produces an FTS5 syntax error on adversarial forms', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const pick = () => junk[Math.floor(rnd() * junk.length)]!;
    const queries: KeywordQuery[] = [];
    for (const j of junk) {
      for (const index of ['words', 'substring'] as const) {
        queries.push({ terms: [t(j)], match: 'all', index }, { terms: [t([j, true]), t('budowę')], match: 'any', index });
      }
    }
    for (let i = 0; i < 400; i++) {
      const terms = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () =>
        t(...Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => (rnd() < 0.3 ? ([pick() + pick(), true] as [string, true]) : pick() + ' ' + pick()))),
      );
      queries.push({ terms, match: rnd() < 0.5 ? 'all' : 'any', index: rnd() < 0.5 ? 'words' : 'substring' });
    }
    for (const q of queries) expect(() => run(q)).not.toThrow();
  });
});

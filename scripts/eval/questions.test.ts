import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { GroundTruth, GtFile } from '../../fixtures/ground-truth.js';
import { addressRe, nameRe, parcelRe, signatureRe } from './mentions.js';
import { buildQuestions, QUESTION_KINDS, type EvalQuestion } from './questions.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const gt = JSON.parse(fs.readFileSync(path.join(root, 'fixtures', 'sample.ground-truth.json'), 'utf8')) as GroundTruth;
const sha = (p: string) => gt.files.find((f) => f.path === p)!.sha256;
const names = (shas: string[]) => shas.map((s) => gt.files.find((f) => f.sha256 === s)!.path).sort();
const questions = buildQuestions(gt);
const find = (text: string): EvalQuestion => {
  const q = questions.find((x) => x.question === text);
  if (!q) throw new Error(`no question "${text}" among:\n${questions.map((x) => x.question).join('\n')}`);
  return q;
};

const CASE_786 = 'WUA-ZRB.6740.1.786.2019';

describe('buildQuestions on the committed sample', () => {
  it('is deterministic and covers every kind with unique ids and texts', () => {
    expect(buildQuestions(gt)).toEqual(questions);
    for (const kind of QUESTION_KINDS) expect(questions.some((q) => q.kind === kind), kind).toBe(true);
    expect(new Set(questions.map((q) => q.id)).size).toBe(questions.length);
    expect(new Set(questions.map((q) => q.question)).size).toBe(questions.length);
    for (const q of questions) {
      expect(q.relevant.filter((s) => q.neutral.includes(s)), q.id).toEqual([]);
      expect(q.relevant.length > 0, q.id).toBe(q.kind !== 'no-answer');
    }
  });

  it('signature: files printing or citing it are relevant, the unsigned application of its case neutral', () => {
    const q = find(CASE_786);
    expect(names(q.relevant)).toEqual([
      `${CASE_786}/IMG_0007.jpg`,
      `${CASE_786}/skan_decyzja.pdf`,
      'WUA-ZWZ.6730.2.531.2022/decyzja_WZ.pdf', // another case's decision refers to it
    ]);
    expect(names(q.neutral)).toEqual([`${CASE_786}/01_wniosek.pdf`]);
    // Written as a clerk might: lower case, with a space, as the folder name.
    expect(questions.some((x) => x.kind === 'signature' && x.question.includes('wua-zrb.6740.1.786.2019'))).toBe(true);
    expect(questions.some((x) => x.question.includes('UA-AB_7351_650_2010'))).toBe(true);
  });

  it('signatures only mentioned (no case folder) are asked too', () => {
    const q = questions.find((x) => x.kind === 'signature' && /1444\.2018/.test(x.question))!;
    expect(names(q.relevant)).toEqual([`${CASE_786}/01_wniosek.pdf`, `${CASE_786}/skan_decyzja.pdf`]);
  });

  it('whole case: every file of the folder; other cases citing it are neutral', () => {
    const q = find(`wszystkie pisma w sprawie ${CASE_786}`);
    expect(names(q.relevant)).toEqual([`${CASE_786}/01_wniosek.pdf`, `${CASE_786}/IMG_0007.jpg`, `${CASE_786}/skan_decyzja.pdf`]);
    expect(names(q.neutral)).toEqual(['WUA-ZWZ.6730.2.531.2022/decyzja_WZ.pdf']);
  });

  it('parcel: mentions in parcel phrases, with and without the precinct', () => {
    const withObreb = find('dz. nr 282/12 obr. Pracze Odrzańskie');
    expect(names(withObreb.relevant)).toEqual(['WUA-ZRB.6743.1.2043.2016/sprzeciw.pdf', 'WUA-ZRB.6743.1.2043.2016/zgłoszenie.png']);
    // "282/13" is the second item of a list: "działkach nr 282/12 i 282/13".
    expect(find('dzialka 282/13').relevant).toHaveLength(2);
  });

  it('address: nominative and locative forms count; another house number on the same street does not', () => {
    const q = find('przy ul. Oporowskiej 43');
    expect(names(q.relevant)).toEqual([`${CASE_786}/01_wniosek.pdf`, `${CASE_786}/IMG_0007.jpg`, `${CASE_786}/skan_decyzja.pdf`]);
    // decyzja_odmowa.pdf names "ul. Oporowska 68a" (a party's address): not relevant, not neutral.
    expect(q.relevant.concat(q.neutral)).not.toContain(sha('UA-AB_7351_650_2010/decyzja_odmowa.pdf'));
  });

  it('investor: declined forms count, a namesake with another first name does not', () => {
    const q = find('zaneta zak');
    expect(names(q.relevant)).toEqual(['WUA-ZRB.6743.1.2043.2016/sprzeciw.pdf', 'WUA-ZRB.6743.1.2043.2016/zgłoszenie.png']);
    expect(q.relevant.concat(q.neutral)).not.toContain(sha('nieprzypisane/pelnomocnictwo_bez_znaku.pdf')); // Joanna Żak
  });

  it('paraphrase: the decision of that kind for that project; the rest of its case neutral', () => {
    const q = find('odmowa pozwolenia na budowę budynku wielorodzinnego z garażem podziemnym');
    expect(names(q.relevant)).toEqual(['UA-AB_7351_650_2010/decyzja_odmowa.pdf']);
    expect(names(q.neutral)).toEqual(['UA-AB_7351_650_2010/odwołanie.tif', 'UA-AB_7351_650_2010/postanowienie_uzupełnienie.tif']);
    expect(q.question).not.toMatch(/\d/);
  });

  it('type + time: documents of the class dated in the year, decisions including objections', () => {
    expect(names(find('decyzje z 2022').relevant)).toEqual(['WUA-ZWZ.6730.2.531.2022/decyzja_WZ.pdf']);
    expect(names(find('sprzeciwy od zgłoszeń z 2016').relevant)).toEqual(['WUA-ZRB.6743.1.2043.2016/sprzeciw.pdf']);
    expect(find('decyzje z 2022').neutral).toEqual([]);
  });

  it('no-answer: invented identifiers, each named in expectNotFound', () => {
    const na = questions.filter((q) => q.kind === 'no-answer');
    expect(na.length).toBeGreaterThanOrEqual(12);
    expect(na.map((q) => q.expectNotFound![0]!.kind).sort()).toEqual(
      expect.arrayContaining(['address', 'caseNumber', 'investor', 'parcel']),
    );
    expect(find('co wydano dla działki 99/9 obręb Oporów').expectNotFound).toEqual([{ kind: 'parcel', value: '99/9' }]);
  });

  it('drops an invented identifier that does occur in the archive', () => {
    const page = gt.files[0]!.pages[0]!;
    const doctored: GroundTruth = {
      ...gt,
      files: [{ ...gt.files[0]!, pages: [{ ...page, text: `${page.text}\nlokal 99/9 przy ul. Bursztynowej 7` }] }, ...gt.files.slice(1)],
    };
    const texts = buildQuestions(doctored).filter((q) => q.kind === 'no-answer').map((q) => q.question);
    expect(texts.some((t) => /(?<![\d/])99\/9(?![\d/])/.test(t))).toBe(false);
    expect(texts.some((t) => t.includes('777/77'))).toBe(true);
    expect(texts.some((t) => t.includes('Bursztynowej'))).toBe(false);
    expect(texts.some((t) => t.includes('Cynamonowej'))).toBe(true);
  });

  it('makes files neutral when the ground-truth fields and the page text disagree', () => {
    const decision = gt.files.find((f) => f.path === `${CASE_786}/skan_decyzja.pdf`)!;
    // The generator's record says the decision cites a signature its text does not contain.
    const doctored: GroundTruth = {
      ...gt,
      files: gt.files.map((f): GtFile => (f === decision ? { ...f, signatureInText: null, mentionedSignatures: [] } : f)),
    };
    const seen: string[] = [];
    const q = buildQuestions(doctored, { onDisagreement: (_q, paths) => seen.push(...paths) }).find((x) => x.question === CASE_786)!;
    expect(q.relevant).not.toContain(decision.sha256);
    expect(q.neutral).toContain(decision.sha256);
    expect(seen).toContain(decision.path);
  });
});

describe('mention patterns on folded text', () => {
  it('signatures are whole tokens', () => {
    const re = signatureRe('WUA-ZRB.6740.1.786.2019');
    expect(re.test('znak: wua-zrb.6740.1.786.2019.')).toBe(true);
    expect(re.test('wua-zrb.6740.1.786.20190')).toBe(false);
    expect(re.test('wua-zrb.6740.1.1786.2019')).toBe(false);
  });

  it('parcels only inside parcel phrases', () => {
    const re = parcelRe('45');
    expect(re.test('na dzialce nr 45, am-18, obreb oporow')).toBe(true);
    expect(re.test('dzialkach nr 44 i 45, am-18')).toBe(true);
    expect(re.test('w terminie 45 dni')).toBe(false);
    expect(re.test('dzialka nr 45/7, am-12')).toBe(false);
    expect(re.test('dzialka nr 145, am-12')).toBe(false);
    expect(parcelRe('45/7').test('dz. nr 45/7')).toBe(true);
  });

  it('addresses need the exact house number', () => {
    const re = addressRe('ul. Kuźnicza', '118');
    expect(re.test('przy ul. kuzniczej 118 we wroclawiu')).toBe(true);
    expect(re.test('ul. kuznicza 118, 50-116 wroclaw')).toBe(true);
    expect(re.test('ul. kuznicza 118/4')).toBe(false);
    expect(re.test('ul. kuznicza 1180')).toBe(false);
  });

  it('names in the nominative and the genitive', () => {
    const re = nameRe({ name: 'Zbigniew Mazur', kind: 'person' });
    expect(re.test('wniosku pana zbigniewa mazura z dnia')).toBe(true);
    expect(re.test('inwestor: zbigniew mazur, ul.')).toBe(true);
    expect(re.test('zbigniew mazurek')).toBe(false);
  });
});

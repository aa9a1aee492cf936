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
    const na = questions.filter((q) => q.kind === 'no-answer' && !q.nearMiss);
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

const decision786 = `${CASE_786}/skan_decyzja.pdf`;
const REFUSAL_650 = 'UA-AB_7351_650_2010/decyzja_odmowa.pdf';

describe('compound questions on the committed sample', () => {
  const compound = questions.filter((q) => q.kind === 'compound');
  const near = questions.filter((q) => q.nearMiss);

  it('answerable: the decision of every case meeting all conditions is relevant, the rest of its case neutral', () => {
    const q = find('PnB na budowe domku w obrębie Oporów');
    expect(names(q.relevant)).toEqual([decision786]);
    expect(names(q.neutral)).toEqual([`${CASE_786}/01_wniosek.pdf`, `${CASE_786}/IMG_0007.jpg`]);
    expect(names(find('odmowa pozwolenia na budowe bloku z 2010 roku').relevant)).toEqual([REFUSAL_650]);
    expect(names(find('sprzeciw od zgłoszenia budowy garażu w latach 2015-2017').relevant))
      .toEqual(['WUA-ZRB.6743.1.2043.2016/sprzeciw.pdf']);
  });

  it('answerable: asks by precinct, by year and by a range of years, only answering documents relevant', () => {
    expect(compound.some((q) => /obr(ę|e)b|na [A-ZŁŚ]/u.test(q.question))).toBe(true);
    expect(compound.some((q) => /(?:z|w) \d{4} r/.test(q.question))).toBe(true);
    expect(compound.some((q) => /lat(ach)? \d{4}[-–]\d{4}/.test(q.question))).toBe(true);
    const answering = new Set(gt.files.filter((f) => ['decyzja', 'sprzeciw'].includes(f.docType)).map((f) => f.sha256));
    for (const q of compound) for (const r of q.relevant) expect(answering.has(r), q.question).toBe(true);
  });

  it('near miss: no case meets every condition, the closest one misses one, named in the note', () => {
    const q = find('odmowa pozwolenia na budowę domu jednorodzinnego w 2019 r.');
    expect(q).toMatchObject({ kind: 'no-answer', nearMiss: true, relevant: [], expectUnmet: [{ kind: 'docType' }] });
    expect(q.note).toMatch(/^docType: dom jednorodzinny \+ 2019 in WUA-ZRB\.6740\.1\.786\.2019 \(pozwolenie na budowę\)/);
    const precinct = find('odmowa PnB dla bloku na Oporowie');
    expect(precinct.expectUnmet).toEqual([{ kind: 'precinct', value: 'obręb Oporów' }]);
    expect(precinct.note).toContain('UA-AB/7351/650/2010 (obręb Stare Miasto)');
  });

  it('near misses are spread over the kinds of condition, bounded per kind', () => {
    const primary = near.map((q) => q.expectUnmet![0]!.kind);
    for (const kind of ['docType', 'object', 'precinct', 'period']) {
      const n = primary.filter((k) => k === kind).length;
      expect(n, kind).toBeGreaterThan(0);
      expect(n, kind).toBeLessThanOrEqual(5);
    }
    const one = buildQuestions(gt, { compoundPerKind: 1, nearMissPerKind: 1 });
    expect(one.filter((q) => q.kind === 'compound')).toHaveLength(3);
    expect(one.filter((q) => q.nearMiss).map((q) => q.expectUnmet![0]!.kind).sort()).toEqual(['docType', 'object', 'period', 'precinct']);
  });

  it('a case meeting every condition, or a related project meeting them, makes it no near miss', () => {
    // The 2010 refusal becomes a refusal for a house decided in 2019.
    const refusal = gt.files.find((f) => f.path === REFUSAL_650)!;
    const house: GroundTruth = {
      ...gt,
      cases: gt.cases.map((c) => (c.signature === 'UA-AB/7351/650/2010' ? { ...c, buildingType: 'dom-jednorodzinny' } : c)),
      files: gt.files.map((f) => (f === refusal ? { ...f, date: '2019-06-03' } : f)),
    };
    const all = { compoundPerKind: 1000, nearMissPerKind: 1000 };
    const texts = buildQuestions(house, all).filter((q) => q.nearMiss).map((q) => plainText(q.question));
    expect(texts.some((t) => /odmow.*(domu|domku).*2019/.test(t))).toBe(false);
    expect(buildQuestions(gt, all).filter((q) => q.nearMiss).some((q) => /odmow.*(domu|domku).*2019/.test(plainText(q.question)))).toBe(true);
    // An extension of a house counts as a house: the refusal on Stare Miasto is no near miss for "domu".
    const extension: GroundTruth = {
      ...gt, cases: gt.cases.map((c) => (c.signature === 'UA-AB/7351/650/2010' ? { ...c, buildingType: 'rozbudowa' } : c)),
    };
    const ext = buildQuestions(extension, all).filter((q) => q.nearMiss).map((q) => plainText(q.question));
    expect(ext.some((t) => /odmow.*(domu jednorodzinnego|domku).*(starym miescie|stare miasto)/.test(t))).toBe(false);
    const wielorodzinny = buildQuestions(gt, all).filter((q) => q.nearMiss).map((q) => plainText(q.question));
    expect(wielorodzinny.some((t) => /odmow.*(domu jednorodzinnego|domku).*(starym miescie|stare miasto)/.test(t))).toBe(true);
  });

  it('a case of the asked year decided in another year makes it no near miss; answerable ones go by the date of the decision', () => {
    // The 2019 house permit is dated 2020; the 2010 refusal 2019 (so 2019 is still a year some decision has).
    const moved: GroundTruth = {
      ...gt,
      files: gt.files.map((f) => (f.path === decision786 ? { ...f, date: '2020-01-10' } : f.path === REFUSAL_650 ? { ...f, date: '2019-03-01' } : f)),
    };
    const all = buildQuestions(moved, { compoundPerKind: 1000, nearMissPerKind: 1000 });
    const house2019 = /(pozwolenie|pnb) na (budowe|budowę) (domu jednorodzinnego|domku) (z 2019 roku|w 2019 r\.)/i;
    expect(all.filter((q) => q.nearMiss && house2019.test(q.question))).toEqual([]);
    const house2020 = all.filter((q) => q.kind === 'compound' && /(domu jednorodzinnego|domku) (z 2020 roku|w 2020 r\.)/.test(q.question));
    expect(house2020.length).toBeGreaterThan(0);
    for (const q of house2020) expect(names(q.relevant)).toEqual([decision786]);
  });

  it('does not ask a precinct named elsewhere in the archive, nor a year written as a parcel number', () => {
    expect([...compound, ...near].some((q) => /Krzyk/.test(q.question))).toBe(true);
    const page = refusalPage();
    const doctored: GroundTruth = {
      ...gt,
      files: gt.files.map((f) => (f.path === REFUSAL_650 ? { ...f, pages: [{ ...page, text: `${page.text}\nKrzyki Invest Sp. z o.o.` }, ...f.pages.slice(1)] } : f)),
    };
    const asked = buildQuestions(doctored).filter((q) => q.kind === 'compound' || q.nearMiss).map((q) => q.question);
    expect(asked.some((t) => /Krzyk/.test(t))).toBe(false);
    expect(asked.length).toBeGreaterThan(0);

    expect([...compound, ...near].some((q) => q.question.includes('2019'))).toBe(true);
    const parcel2019: GroundTruth = {
      ...gt,
      files: gt.files.map((f, i) => (i === 0 ? { ...f, parcels: [...f.parcels, { number: '2019', obreb: 'Oporów', arkusz: '1' }] } : f)),
    };
    expect(buildQuestions(parcel2019).filter((q) => q.kind === 'compound' || q.nearMiss).some((q) => q.question.includes('2019'))).toBe(false);
  });
});

function refusalPage() {
  return gt.files.find((f) => f.path === REFUSAL_650)!.pages[0]!;
}

const plainText = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/ł/g, 'l').toLowerCase();

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

import { describe, expect, it } from 'vitest';
import { runBounded } from '../../test/helpers/bounded-run.js';
import { findOutcome } from './outcome.js';

function outcome(text: string, docType: string | null = null): { value: string; raw: string } | null {
  const f = findOutcome(text, docType);
  return f ? { value: f.value, raw: text.slice(f.start, f.end) } : null;
}

const COURT = 'Wojewódzki Sąd Administracyjny w Opolu po rozpoznaniu na rozprawie w dniu 3 marca 2021 r. sprawy ze skargi A. B. na decyzję Wojewody Opolskiego z dnia [...] nr [...] w przedmiocie pozwolenia na budowę ';

describe('findOutcome: court rulings', () => {
  it('reads the operative words of the sentencja with their span', () => {
    expect(outcome(`${COURT}oddala skargę.\nUzasadnienie\nSąd I instancji uchylił decyzję.`)).toEqual({ value: 'oddala skargę', raw: 'oddala skargę' });
    expect(outcome(`${COURT}skargę oddala.`)).toEqual({ value: 'oddala skargę', raw: 'skargę oddala' });
    expect(outcome(`${COURT}I. uchyla zaskarżoną decyzję oraz poprzedzającą ją decyzję Starosty Opolskiego; II. zasądza …`)).toEqual({
      value: 'uchyla zaskarżoną decyzję oraz poprzedzającą ją decyzję',
      raw: 'uchyla zaskarżoną decyzję oraz poprzedzającą ją decyzję',
    });
    expect(outcome(`${COURT}1. odrzuca skargę; 2. zwraca skarżącemu wpis.`)?.value).toBe('odrzuca skargę');
    expect(outcome(`${COURT}umarza postępowanie sądowe.`)?.value).toBe('umarza postępowanie sądowe');
  });

  it('reads the NSA remitting a case and a second operative verb in the same point', () => {
    const nsa = 'Naczelny Sąd Administracyjny po rozpoznaniu w dniu 2 marca 2022 r. skargi kasacyjnej od wyroku WSA w Opolu ';
    expect(outcome(`${nsa}uchyla zaskarżony wyrok i przekazuje sprawę do ponownego rozpoznania Wojewódzkiemu Sądowi Administracyjnemu w Opolu.`)?.value).toBe(
      'uchyla zaskarżony wyrok i przekazuje sprawę do ponownego rozpoznania',
    );
    expect(outcome(`${nsa}uchyla zaskarżony wyrok i oddala skargę.`)?.value).toBe('uchyla zaskarżony wyrok i oddala skargę');
    expect(outcome(`${COURT}I. uchyla zaskarżoną decyzję w części dotyczącej pkt 2; II. w pozostałym zakresie oddala skargę`)?.value).toBe(
      'uchyla zaskarżoną decyzję w części',
    );
    expect(outcome(`Naczelny Sąd Administracyjny po rozpoznaniu wniosku o wstrzymanie postanawia: odmówić wstrzymania wykonania zaskarżonej decyzji.`)?.value).toBe(
      'odmawia wstrzymania wykonania zaskarżonej decyzji',
    );
  });

  it('tells a partial nullity of a resolution from a whole one', () => {
    const plan = 'na uchwałę Rady Gminy Oborniki Śląskie z dnia 1 marca 2020 r. nr XX/1/20 w przedmiocie planu miejscowego ';
    expect(outcome(`${COURT.replace('na decyzję Wojewody Opolskiego z dnia [...] nr [...] w przedmiocie pozwolenia na budowę ', plan)}I. stwierdza nieważność § 12 ust. 2 zaskarżonej uchwały; II. zasądza …`)?.value).toBe(
      'stwierdza nieważność uchwały w części',
    );
    expect(outcome(`${COURT}stwierdza nieważność zaskarżonej uchwały w części dotyczącej działki nr 12/3;`)?.value).toBe('stwierdza nieważność uchwały w części');
    expect(outcome('WOJEWODA OPOLSKI\nNa podstawie art. 91 ust. 1 ustawy o samorządzie gminnym stwierdzam nieważność uchwały Nr X/1/20 Rady Gminy Popielów z dnia 1 lipca 2020 r. w sprawie planu.\nUzasadnienie\n…')?.value).toBe(
      'stwierdza nieważność uchwały',
    );
  });

  it('falls back to a court database result line when the sentencja is cut before its operative part', () => {
    const cbosa = 'II SA/Op 1/21 - Wyrok WSA w Opolu\nTreść wyniku\nUchylono decyzję I i II instancji\nSentencja\nWojewódzki Sąd Administracyjny w Opolu w składzie: Przewodniczący';
    expect(outcome(cbosa)).toEqual({ value: 'uchyla decyzje I i II instancji', raw: 'Uchylono decyzję I i II instancji' });
  });

  it('never reads the history told in the reasons or a rule quoted in the present tense', () => {
    expect(outcome(`${COURT}\nUzasadnienie\nWojewoda Opolski decyzją z dnia 1 lutego 2021 r. uchylił decyzję Starosty. Sąd oddalił skargę.`)).toBeNull();
    expect(outcome('Informacja o postępowaniu. Na podstawie art. 151 p.p.s.a. sąd oddala skargę, jeżeli jej nie uwzględnia.')).toBeNull();
    expect(outcome('OBWIESZCZENIE\nZawiadamiam, że Wojewoda Opolski udziela pozwolenia na budowę.', 'obwieszczenie')).toBeNull();
  });
});

describe('findOutcome: decisions of organs', () => {
  it('reads a permit, a refusal and an appeal decision', () => {
    const permit = 'DECYZJA Nr 12/2021\nNa podstawie art. 28 ustawy Prawo budowlane\nzatwierdzam projekt budowlany i udzielam pozwolenia na budowę\nbudynku mieszkalnego jednorodzinnego.';
    expect(outcome(permit, 'decyzja')).toEqual({ value: 'udziela pozwolenia na budowę', raw: 'zatwierdzam projekt budowlany i udzielam pozwolenia na budowę' });
    const refusal = 'DECYZJA\nNa podstawie art. 35 ust. 5 ustawy Prawo budowlane\nodmawiam zatwierdzenia projektu budowlanego i udzielenia pozwolenia na budowę\nbudynku gospodarczego.';
    expect(outcome(refusal, 'decyzja')?.value).toBe('odmawia zatwierdzenia projektu budowlanego i udzielenia pozwolenia na budowę');
    const appeal = 'DECYZJA\nNa podstawie art. 138 § 2 Kpa po rozpatrzeniu odwołania orzekam:\n- uchylić zaskarżoną decyzję w całości oraz\n- przekazać sprawę do ponownego rozpatrzenia przez organ I instancji.';
    expect(outcome(appeal, 'decyzja')?.value).toBe('uchyla zaskarżoną decyzję i przekazuje sprawę do ponownego rozpatrzenia');
    const dropped = 'DECYZJA\nNa podstawie art. 138 § 1 pkt 2 Kpa orzekam:\n1. uchylić zaskarżoną decyzję w całości i umorzyć postępowanie pierwszej instancji.';
    expect(outcome(dropped, 'decyzja')?.value).toBe('uchyla zaskarżoną decyzję i umarza postępowanie');
    const kept = 'Samorządowe Kolegium Odwoławcze po rozpatrzeniu odwołania orzeka: utrzymać w mocy zaskarżoną decyzję.';
    expect(outcome(kept)?.value).toBe('utrzymuje w mocy zaskarżoną decyzję');
  });

  it('reads a road permit whose recipient stands between the verb and its object', () => {
    const road = 'Decyzja nr 5/24 o zezwoleniu na realizację inwestycji drogowej\nNa podstawie art. 11a ustawy\nudzielam\nZarządowi Dróg Powiatowych w Opolu,\nzezwolenia na realizację inwestycji drogowej, dla zadania pn. „Budowa drogi”';
    expect(outcome(road, 'decyzja o zezwoleniu na realizację inwestycji drogowej')?.value).toBe('udziela zezwolenia na realizację inwestycji drogowej');
  });
});

describe('findOutcome and findIssuer on hostile page text finish', () => {
  // Runs the compiled module in a worker with a limit of seconds: a pattern that ran away would
  // fail here instead of hanging (what is asserted is that it finishes, not how fast).
  const LIMIT_MS = 10_000;

  it.each([
    ['a sentencja of repeated verbs without objects', `Sentencja\npo rozpoznaniu ${'oddala uchyla '.repeat(20_000)}`],
    ['a verb followed by a long run of blanks', `po rozpoznaniu uchyla${' \t'.repeat(30_000)}zaskarżoną decyzję`],
    ['a nullity followed by words without an act', `na podstawie stwierdzam nieważność ${'planu '.repeat(20_000)}`],
    ['repeated organ names on one line', `${'Wojewoda Mazowiecki Regionalnego Dyrektora '.repeat(5_000)}`],
    ['a reasons heading after long blanks', `${'Uzasadnienie'}${' '.repeat(50_000)}x ${'Z up. '.repeat(10_000)}`],
  ])('%s', async (_name, text) => {
    const outcome = await runBounded('dist/ingest/metadata/outcome.js', 'findOutcome', [text, null], LIMIT_MS);
    expect(outcome.finished, 'findOutcome did not finish').toBe(true);
    const issuer = await runBounded('dist/ingest/metadata/issuer.js', 'findIssuer', [text, { docType: 'obwieszczenie' }], LIMIT_MS);
    expect(issuer.finished, 'findIssuer did not finish').toBe(true);
  });
});

/**
 * Classes of real wording (issue 18) on short snippets written for these tests: the document's
 * own type, date and signature, never a date or signature it only mentions.
 */
import { describe, expect, it } from 'vitest';
import type { MetaValue } from '../types.js';
import { extractMetadata } from './index.js';

function read(text: string): { type?: string; date?: string; own?: string; ownRaw?: string; refs: string[]; values: MetaValue[] } {
  const values = extractMetadata([{ page: 1, text }]);
  const own = values.find((v) => v.kind === 'caseNumber');
  for (const v of values) if (v.start !== null && v.end !== null) expect(text.slice(v.start, v.end)).toBe(v.raw);
  return {
    type: values.find((v) => v.kind === 'docType')?.value,
    date: values.find((v) => v.kind === 'date' && v.extra?.role === 'document')?.value,
    own: own?.value,
    ownRaw: own?.raw,
    refs: values.filter((v) => v.kind === 'references').map((v) => v.value),
    values,
  };
}

describe('court database pages', () => {
  it('takes "Data orzeczenia", never the "Data wpływu" printed next to it', () => {
    const r = read(
      'II SA/Gl 318/21 - Wyrok WSA w Gliwicach\n\nData orzeczenia\n2021-11-09 orzeczenie prawomocne\nData wpływu\n2021-03-02\n' +
        'Sąd\nWojewódzki Sąd Administracyjny w Gliwicach\nSygn. powiązane\nII OSK 1402/22 - Wyrok NSA z 2024-01-17\n',
    );
    expect(r).toMatchObject({ type: 'wyrok WSA', date: '2021-11-09', own: 'II SA/Gl 318/21' });
    expect(r.refs).toEqual(['II OSK 1402/22']);
  });

  it('in the table layout, skips the unlabelled filing date and reads the sentence of the ruling', () => {
    const r = read(
      'II OSK 880/21 - Wyrok NSA\n2021-04-12\nNaczelny Sąd Administracyjny\nJan Nowak /przewodniczący/\n' +
        'IV SA/Po 1211/20 - Wyrok WSA w Poznaniu z 2020-12-03\nOddalono skargę kasacyjną\n' +
        'Naczelny Sąd Administracyjny po rozpoznaniu w dniu 14 marca 2023 r. na rozprawie skargi kasacyjnej od wyroku ' +
        'Wojewódzkiego Sądu Administracyjnego w Poznaniu z dnia 3 grudnia 2020 r. sygn. akt IV SA/Po 1211/20 w sprawie ' +
        'ze skargi na decyzję Wojewody Wielkopolskiego z dnia 2 lipca 2020 r. znak IR-III.7721.45.2020 oddala',
    );
    expect(r).toMatchObject({ type: 'wyrok NSA', date: '2023-03-14', own: 'II OSK 880/21' });
    expect(r.refs).toEqual(['IV SA/Po 1211/20', 'IR-III.7721.45.2020']);
  });

  it('leaves the date unknown when the excerpt gives only the filing date and cited ones', () => {
    const r = read('I OSK 77/19 - Wyrok NSA\n2019-01-08\nNaczelny Sąd Administracyjny\nII SA/Kr 12/18 - Wyrok WSA w Krakowie z 2018-06-20\n');
    expect(r.date).toBeUndefined();
    expect(r.own).toBe('I OSK 77/19');
  });

  it('does not read a publisher\'s "Sygnatura:" subject symbol or its "Data:" as the ruling\'s', () => {
    const r = read(
      'II SA/Op 45/19 – Wyrok WSA w Opolu\n\nSygnatura:\n6153 Warunki zabudowy terenu\nData:\n2019-02-01\n' +
        'Sąd:\nWojewódzki Sąd Administracyjny w Opolu\n\nWYROK\nW IMIENIU RZECZYPOSPOLITEJ POLSKIEJ\nDnia 16 maja 2019 roku\n',
    );
    expect(r).toMatchObject({ type: 'wyrok WSA', date: '2019-05-16', own: 'II SA/Op 45/19' });
  });
});

describe('headings of rulings and acts', () => {
  it('a dated heading wins over the hearing date', () => {
    const r = read(
      'Wyrok Wojewódzkiego Sądu Administracyjnego w Lublinie z dnia 9 lutego 2021 r. II SA/Lu 640/20\n\nSentencja\n' +
        'Wojewódzki Sąd Administracyjny w Lublinie po rozpoznaniu na rozprawie w dniu 26 stycznia 2021 r. sprawy ze skargi',
    );
    expect(r).toMatchObject({ type: 'wyrok WSA', date: '2021-02-09', own: 'II SA/Lu 640/20' });
  });

  it('a journal transcript: the act\'s date, not the date the journal printed it', () => {
    const r = read(
      'DZIENNIK URZĘDOWY WOJEWÓDZTWA OPOLSKIEGO Opole, dnia 30 maja 2019 r. Poz. 1777 WYROK NR SYGN. AKT II SA/OP 88/19 ' +
        'WOJEWÓDZKIEGO SĄDU ADMINISTRACYJNEGO W OPOLU z dnia 7 maja 2019 r. w sprawie ze skargi na uchwałę nr XI/77/2018',
    );
    expect(r).toMatchObject({ type: 'wyrok WSA', date: '2019-05-07', ownRaw: 'II SA/OP 88/19' });
    expect(r.refs).toEqual(['XI/77/2018']);
  });

  it('a resolution and a supervisory act run into one line with their header', () => {
    const u = read('DZIENNIK URZĘDOWY WOJEWÓDZTWA ŁÓDZKIEGO Łódź, dnia 2 marca 2022 r. Poz. 901 UCHWAŁA NR XL/512/22 RADY GMINY ZGIERZ z dnia 17 lutego 2022 r. w sprawie miejscowego planu');
    expect(u).toMatchObject({ type: 'uchwała', date: '2022-02-17', own: 'XL/512/22' });
    const n = read('WOJEWODA ŁÓDZKI PNK-I.4131.88.2022 Łódź, 21 marca 2022 r. ROZSTRZYGNIĘCIE NADZORCZE Na podstawie art. 91 ust. 1 ustawy z dnia 8 marca 1990 r. stwierdzam nieważność uchwały nr XL/512/22');
    expect(n).toMatchObject({ type: 'rozstrzygnięcie nadzorcze', date: '2022-03-21', own: 'PNK-I.4131.88.2022' });
    expect(n.refs).toEqual(['XL/512/22']);
  });

  it('never takes the date of a quoted law', () => {
    const r = read('OBWIESZCZENIE\n\nNa podstawie art. 49 ustawy z dnia 14 czerwca 1960 r. Kodeks postępowania administracyjnego zawiadamiam strony');
    expect(r.type).toBe('obwieszczenie');
    expect(r.date).toBeUndefined();
  });

  it('a draft resolution is dated by its "Projekt z dnia" header', () => {
    const r = read('Projekt z dnia 3 października 2023 r.\nUCHWAŁA NR .../.../23\nRADY MIEJSKIEJ W OLEŚNICY\nz dnia 26 października 2023 r.');
    expect(r).toMatchObject({ type: 'projekt uchwały', date: '2023-10-03' });
  });
});

describe('office znaki and notices', () => {
  it('keeps the znak as written, with the clerk\'s initials, and a three-digit class', () => {
    const a = read('WOJEWODA POMORSKI\n\nGdańsk, dnia 4 listopada 2021 r.\n\nNK.II.743.52.2021. AB\n\nRada Gminy Kolbudy');
    expect(a).toMatchObject({ ownRaw: 'NK.II.743.52.2021. AB', date: '2021-11-04' });
    const b = read('GPB-IV.7721.310.2023 MK Kraków, 12 grudnia 2023 r.\nDECYZJA NR 88/23');
    expect(b).toMatchObject({ ownRaw: 'GPB-IV.7721.310.2023 MK', own: 'GPB-IV.7721.310.2023', type: 'decyzja', date: '2023-12-12' });
  });

  it('a notice titled on its first line, with its date and znak', () => {
    const r = read('Zawiadomienie Regionalnego Dyrektora Ochrony Środowiska w Kielcach z dnia 5 czerwca 2020 r., znak WOO-II.420.14.2020.AK, o wszczęciu postępowania');
    expect(r).toMatchObject({ type: 'zawiadomienie', date: '2020-06-05', own: 'WOO-II.420.14.2020', ownRaw: 'WOO-II.420.14.2020.AK' });
  });

  it('an act a page reports on is cited, not the page\'s own', () => {
    const r = read('Postanowienie RDOŚ\n\nW dniu 2 lutego 2021 r. otrzymano Postanowienie Regionalnego Dyrektora Ochrony Środowiska w Lublinie nr WOOŚ.4220.9.2021.KK uzgadniające');
    expect(r.own).toBeUndefined();
    expect(r.refs).toEqual(['WOOŚ.4220.9.2021']);
  });

  it('a judgment cites the decision under review by its office znak', () => {
    const r = read('Wyrok WSA w Białymstoku z dnia 11 stycznia 2024 r., sygn. II SA/Bk 702/23\nWojewódzki Sąd Administracyjny w Białymstoku po rozpoznaniu sprawy ze skargi na decyzję Wojewody Podlaskiego z dnia 3 sierpnia 2023 r. nr WOP.7721.48.2023');
    expect(r).toMatchObject({ type: 'wyrok WSA', date: '2024-01-11', own: 'II SA/Bk 702/23' });
    expect(r.refs).toEqual(['WOP.7721.48.2023']);
  });

  it('a service card is one by its sections, whatever procedure titles it; its lists are no headings', () => {
    const card = read('Zgłoszenie rozbiórki obiektu\n\nOpis usługi\n\nWymagane dokumenty\n • Wniosek o pozwolenie na rozbiórkę\n • Zgłoszenie rozbiórki\n\nOpłaty\n\nZgłoszenia przyjmuje kancelaria');
    expect(card.type).toBe('karta usługi');
    const list = read('Rozbiórka budynków\n\nOd 2021 r. obowiązują nowe zasady.\n • Wniosek o pozwolenie na rozbiórkę\n • Zgłoszenie rozbiórki\nPodstawa prawna:\nustawa Prawo budowlane');
    expect(list.type).toBeUndefined();
  });

  it('a heading spaced out in small letters, alone on its line', () => {
    expect(read('Z a w i a d o m i e n i e\no wszczęciu postępowania w sprawie wydania decyzji').type).toBe('zawiadomienie');
    expect(read('Na stronie z a w i a d o m i e n i e o terminie').type).toBeUndefined();
  });

  it('the announcement of a plan put on display', () => {
    const r = read('Ponowne wyłożenie do publicznego wglądu projektu miejscowego planu zagospodarowania przestrzennego obszaru "STARE MIASTO" w dniach od 3 do 24 marca 2022 r.');
    expect(r.type).toBe('ogłoszenie');
    expect(r.date).toBeUndefined();
  });
});

describe('an office letter headed POSTANOWIENIE', () => {
  it('is dated by its place-and-date line like any letter, not held to a court ruling’s rules', () => {
    const r = read(
      'BURMISTRZ MIASTA Brzeg Dolny, dnia 3 lutego 2015 r.\nZnak: RGK.6730.12.2015\nPOSTANOWIENIE\n' +
        'Na podstawie art. 123 ustawy z dnia 14 czerwca 1960 r. Kodeks postępowania administracyjnego, po rozpatrzeniu ' +
        'wniosku z dnia 20 stycznia 2015 r. postanawiam wezwać wnioskodawcę do uzupełnienia wniosku.',
    );
    expect(r).toMatchObject({ type: 'postanowienie', date: '2015-02-03' });
  });

  it('a court’s postanowienie without a dated heading or sentence gets no date rather than a cited one', () => {
    const r = read(
      'POSTANOWIENIE\nWojewódzki Sąd Administracyjny w Opolu\nw składzie: Przewodniczący sędzia WSA Jan Kowal\n' +
        'sprawy ze skargi na decyzję Wojewody Opolskiego z dnia 5 maja 2019 r. w przedmiocie pozwolenia na budowę postanawia odrzucić skargę',
    );
    expect(r.date).toBeUndefined();
  });
});

describe('pages without a heading of an act', () => {
  it('a page titled by an act it reports on is an information about it, not the act', () => {
    const r = read('Decyzja o pozwoleniu na budowę\n\nW dniu 3 marca 2021 r. Starosta Kłodzki wydał decyzję zatwierdzającą projekt budowlany hali sportowej. Decyzja jest ostateczna.');
    expect(r.type).toBe('informacja');
    const act = read('Decyzja nr 15/2021\n\nNa podstawie art. 28 ustawy Prawo budowlane zatwierdzam projekt budowlany i udzielam pozwolenia na budowę.');
    expect(act.type).toBe('decyzja o pozwoleniu na budowę');
  });

  it('a page that informs the public says so: a section, an informing verb, a report, an invitation', () => {
    expect(read('Starostwo Powiatowe w Miliczu\n\nDane kontaktowe:\n\nInformacje ogólne:\n\nWydział prowadzi sprawy z zakresu prawa budowlanego.').type).toBe('informacja');
    const verb = read('Burmistrz Gminy Sobótka informuje o zakończeniu konsultacji projektu studium uwarunkowań.');
    expect(verb.type).toBe('informacja');
    expect(verb.values.find((v) => v.kind === 'docType')?.raw).toBe('informuje');
    expect(read('Przystąpiono do sporządzania zmiany miejscowego planu dla osiedla Sępolno. Zainteresowani mogą składać wnioski do 5 maja 2020 r.').type).toBe('informacja');
    expect(read('Program rewitalizacji na lata 2021-2027\n\nOd 4 do 25 października będzie można zapoznać się z projektem programu w siedzibie urzędu.').type).toBe('informacja');
    // A scan read without its diacritics says the same.
    expect(read('Przystapiono do sporzadzania zmiany miejscowego planu. Wnioski nalezy skladac do 5 maja 2020 r.').type).toBe('informacja');
  });

  it('a court’s reasons or an organ’s announcement without a heading get no type rather than "informacja"', () => {
    const reasons = read('Sprawa ze skargi kasacyjnej na decyzję Wojewody\nUzasadnienie strona 3/7\n\nW dniu 4 kwietnia 2016 r. organ pierwszej instancji wydał decyzję odmowną. Zainteresowani mogą składać uwagi.');
    expect(reasons.type).toBeUndefined();
    const announced = read('Na podstawie art. 85 ust. 3 ustawy ooś podaję do publicznej wiadomości informację o wydaniu decyzji. Z treścią decyzji można zapoznać się w urzędzie.');
    expect(announced.type).toBeUndefined();
    const decision = read('na wniosek spółki z dnia 3 marca 2021 r.\nustalam warunki zabudowy dla inwestycji. W dniu 5 marca 2021 r. Zarząd Dróg wydał opinię. Z aktami można zapoznać się w urzędzie.');
    expect(decision.type).not.toBe('informacja');
    const card = read('Pozwolenie na budowę\n\nWymagane dokumenty:\n • wniosek\n\nWnioski można składać w kancelarii.');
    expect(card.type).toBeUndefined();
  });

  it('a voivode voiding a council’s resolution in the first person: a supervisory act', () => {
    const r = read('WOJEWODA LUBUSKI\n\nGorzów Wielkopolski, dnia 3 marca 2019 r.\n\nNa podstawie art. 91 ust. 1 ustawy o samorządzie gminnym\n\nstwierdzam nieważność w części\n\nuchwały nr V/33/2019 Rady Gminy Bytnica');
    expect(r.type).toBe('rozstrzygnięcie nadzorcze');
    expect(r.values.find((v) => v.kind === 'docType')?.raw).toBe('stwierdzam nieważność w części');
    expect(read('SAMORZĄDOWE KOLEGIUM ODWOŁAWCZE\n\nNa podstawie art. 156 § 1 Kpa stwierdzam nieważność decyzji Wójta Gminy Bytnica').type).not.toBe('rozstrzygnięcie nadzorcze');
  });

  it('a notice to the parties under art. 49 of the Code is an obwieszczenie; without it the kind stays unknown', () => {
    const r = read('Na podstawie art. 61 § 4 i art. 49 ustawy z dnia 14 czerwca 1960 r. Kodeks postępowania administracyjnego\nzawiadamiam,\nże w dniu 5 maja 2021 r. zostało wszczęte postępowanie w sprawie wydania decyzji.');
    expect(r.type).toBe('obwieszczenie');
    expect(read('Na podstawie art. 61 § 4 Kodeksu postępowania administracyjnego\nzawiadamiam,\nże w dniu 5 maja 2021 r. zostało wszczęte postępowanie.').type).toBeUndefined();
  });
});

describe('own signatures of notices and supervisory acts', () => {
  it('a notice with no znak of its own is filed under the znak of the decision it announces', () => {
    const r = read('OBWIESZCZENIE\n\nNa podstawie art. 85 ust. 3 ustawy ooś podaję do publicznej wiadomości informację o wydanej w dniu 3 marca 2021 r. decyzji Wójta Gminy Kobierzyce znak: OŚ.6220.12.2020 o środowiskowych uwarunkowaniach.');
    expect(r).toMatchObject({ type: 'obwieszczenie', own: 'OŚ.6220.12.2020' });
    const report = read('Informacja o decyzji\n\nUprzejmie informujemy, że decyzja Starosty znak: AB.6740.5.2021 stała się ostateczna.');
    expect(report.own).toBeUndefined();
    expect(report.refs).toEqual(['AB.6740.5.2021']);
  });

  it('a supervisory act is numbered in its heading; a decision’s number is no case signature', () => {
    const r = read('DZIENNIK URZĘDOWY WOJEWÓDZTWA OPOLSKIEGO\nOpole, dnia 9 maja 2019 r.\nPoz. 1402\nROZSTRZYGNIĘCIE NADZORCZE Nr 41/2019\nWOJEWODY OPOLSKIEGO\nz dnia 7 maja 2019 r.\nstwierdzam nieważność uchwały Nr V/33/19 Rady Gminy Łubniany');
    expect(r).toMatchObject({ type: 'rozstrzygnięcie nadzorcze', own: '41/2019' });
    expect(read('DECYZJA NR 41/2019\n\nNa podstawie art. 28 ustawy Prawo budowlane udzielam pozwolenia na budowę').own).toBeUndefined();
  });

  it('a znak cut short by a transcript, where a letterhead or a heading keeps the znak', () => {
    expect(read('WOJEWODA ŚLĄSKI NPII-II AB Katowice, dnia 3 maja 2018 r. ROZSTRZYGNIĘCIE NADZORCZE Na podstawie art. 91').ownRaw).toBe('NPII-II AB');
    expect(read('ROZSTRZYGNIĘCIE NADZORCZE NR NPII-II CD WOJEWODY ŚLĄSKIEGO z dnia 3 maja 2018 r.').ownRaw).toBe('NPII-II CD');
    expect(read('WOJEWODA ŚLĄSKI ogłasza konkurs NPII-II na stanowisko').own).toBeUndefined();
  });
});

describe('a notice signed with no place and date', () => {
  it('is dated by the day it is made public', () => {
    const r = read('Obwieszczenie informujące o wydaniu decyzji o ustaleniu lokalizacji inwestycji celu publicznego dla budowy sieci wodociągowej. Obwieszczenie zostaje podane do publicznej wiadomości od dnia 2 marca 2022 roku do dnia 16 marca 2022 roku.');
    expect(r).toMatchObject({ type: 'obwieszczenie', date: '2022-03-02' });
  });
  it('a signed notice keeps its place-and-date line', () => {
    const r = read('Sobótka, dnia 28 lutego 2022 r.\n\nOBWIESZCZENIE\n\nObwieszczenie podaje się do publicznej wiadomości w dniu 2 marca 2022 r.');
    expect(r.date).toBe('2022-02-28');
  });
});

describe('lines wrapped at the margin', () => {
  it('keeps the number of an act a wrapped sentence reports as a reference, not the page\'s own', () => {
    const r = read(
      'Postanowienie RDOŚ\n\nW dniu 3 marca 2021 r. otrzymano Postanowienie Regionalnego Dyrektora\n' +
        'Ochrony Środowiska w Opolu nr WOOŚ.4222.7.2021.MS uzgadniające realizację\nprzedsięwzięcia.',
    );
    expect(r.own).toBeUndefined();
    expect(r.refs).toEqual(['WOOŚ.4222.7.2021']);
  });
});

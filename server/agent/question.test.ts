import { describe, expect, it } from 'vitest';
import { readQuestion, withPlannedConditions } from './question.js';

describe('the questions from the issue', () => {
  it('"Jaka decyzja zapadła w sprawie WUA-ZRB.6740.1.123.2019?"', () => {
    const f = readQuestion('Jaka decyzja zapadła w sprawie WUA-ZRB.6740.1.123.2019?');
    expect(f.caseNumbers).toEqual(['WUA-ZRB.6740.1.123.2019']);
    expect(f.docTypes).toEqual(['decyzja']);
    expect(f.words).toEqual(['decyzja']);
    expect(f.wholeCase).toBe(false);
    expect(f.dateFrom).toBeUndefined(); // the year inside the signature is not a date
  });

  it('"co wydano dla działki 45/7 obręb Oporów"', () => {
    const f = readQuestion('co wydano dla działki 45/7 obręb Oporów');
    expect(f.parcels).toEqual([{ number: '45/7', precinct: 'Oporów' }]);
    expect(f.precincts).toEqual(['Oporów']);
    expect(f.docTypes).toEqual(['decyzja']);
    expect(f.words).toEqual(['Oporów']);
  });

  it('"odmowa pozwolenia na rozbudowę domu na Leśnicy około 2016"', () => {
    const f = readQuestion('odmowa pozwolenia na rozbudowę domu na Leśnicy około 2016');
    expect(f.docTypes).toEqual(['decyzja o odmowie pozwolenia na budowę']);
    expect(f.precincts).toEqual(['Leśnica']);
    expect([f.dateFrom, f.dateTo]).toEqual(['2015-01-01', '2017-12-31']);
    expect(f.words).toEqual(['odmowa', 'pozwolenia', 'rozbudowę', 'domu', 'Leśnicy']);
  });

  it('"wszystkie pisma w sprawie UA-AB/7351/784/2010"', () => {
    const f = readQuestion('wszystkie pisma w sprawie UA-AB/7351/784/2010');
    expect(f.caseNumbers).toEqual(['UA-AB/7351/784/2010']);
    expect(f.wholeCase).toBe(true);
    expect(f.words).toEqual([]);
  });
});

describe('case signatures', () => {
  it.each([
    ['WUA-ZRB.6740.1.123.2019', 'WUA-ZRB.6740.1.123.2019'],
    ['sprawa wua-zrb.6740.1.123.2019', 'WUA-ZRB.6740.1.123.2019'],
    ['znak WUA-ZRB 6740.1.123.2019', 'WUA-ZRB.6740.1.123.2019'],
    ['pisma ze znakiem WUA-ZRB. 6740.1.123.2019', 'WUA-ZRB.6740.1.123.2019'],
    ['UA-AB_7351_784_2010', 'UA-AB/7351/784/2010'],
    ['akta sprawy ua-ab/7351/784/2010', 'UA-AB/7351/784/2010'],
    ['cała sprawa UA-AB 7351/784/2010', 'UA-AB/7351/784/2010'],
  ])('%s', (q, sig) => {
    expect(readQuestion(q).caseNumbers).toEqual([sig]);
  });
});

describe('parcels, precincts, addresses, investors', () => {
  it('reads parcels in the ways clerks write them', () => {
    expect(readQuestion('dz. 45/7').parcels).toEqual([{ number: '45/7' }]);
    expect(readQuestion('działka nr 12').parcels).toEqual([{ number: '12' }]);
    expect(readQuestion('dz. nr 132/17 obr. Sępolno').parcels).toEqual([{ number: '132/17', precinct: 'Sępolno' }]);
    expect(readQuestion('dzialka 359/20 psie pole').parcels).toEqual([{ number: '359/20', precinct: 'Psie Pole' }]);
    expect(readQuestion('działki 12/3 i 12/4 obręb oporów').parcels).toEqual([
      { number: '12/3', precinct: 'Oporów' },
      { number: '12/4', precinct: 'Oporów' },
    ]);
  });

  it('reads precincts in the nominative, from any case', () => {
    expect(readQuestion('samowola budowlana na Krzykach').precincts).toEqual(['Krzyki']);
    expect(readQuestion('przebudowa w oporowie').precincts).toEqual(['Oporów']);
    expect(readQuestion('działka 5 obręb Nowa Wieś').precincts).toEqual(['Nowa Wieś']);
    expect(readQuestion('działka 5 obręb Nowa Wieś').investors).toEqual([]);
    expect(readQuestion('wniosek z budowy').precincts).toEqual([]);
  });

  it('reads addresses with and without the street keyword', () => {
    expect(readQuestion('przy ul. Kwiatowej 12').addresses).toEqual(['ul. Kwiatowa 12']);
    expect(readQuestion('przy ulicy średzkiej 5a').addresses).toEqual(['ul. Średzka 5a']);
    expect(readQuestion('al. Karkonoska 10').addresses).toEqual(['al. Karkonoska 10']);
    expect(readQuestion('partyzantow 76').addresses).toEqual(['Partyzantow 76']);
  });

  it('reads people and companies, without honorifics or question words', () => {
    expect(readQuestion('wniosek Pana Jana Kowalskiego').investors).toEqual(['Jana Kowalskiego']);
    expect(readQuestion('sprawy Elżbiety Dudek').investors).toEqual(['Elżbiety Dudek']);
    expect(readQuestion('piotr wojcik').investors).toEqual(['Piotr Wojcik']);
    expect(readQuestion('sprawy spółki Pod Dębami Inwestycje Sp. z o.o.').investors).toEqual(['Pod Dębami Inwestycje Sp. z o.o.']);
    expect(readQuestion('Sprawy Odra Development Sp. z o.o.').investors).toEqual(['Odra Development Sp. z o.o.']);
    expect(readQuestion('Spółdzielnia Mieszkaniowa „Nadodrze”').investors).toEqual(['Spółdzielnia Mieszkaniowa „Nadodrze”']);
    expect(readQuestion('Jaka Decyzja Prezydenta Wrocławia').investors).toEqual([]);
    // Two capitalised words with no sign of a person are not an investor.
    expect(readQuestion('Morze Aralskie').investors).toEqual([]);
    expect(readQuestion('Kodeks Cywilny').investors).toEqual([]);
    expect(readQuestion('samowola na Krzykach Jana Nowaka').investors).toEqual(['Jana Nowaka']);
  });
});

describe('document types', () => {
  it.each([
    ['decyzje o warunkach zabudowy z 2022', ['decyzja o warunkach zabudowy']],
    ['decyzje WZ', ['decyzja o warunkach zabudowy']],
    ['odmowa pozwolenia na budowę', ['decyzja o odmowie pozwolenia na budowę']],
    ['odmowa ustalenia warunków zabudowy', ['decyzja o odmowie ustalenia warunków zabudowy']],
    ['zgoda na rozbudowę domu', ['decyzja o pozwoleniu na budowę']],
    ['wniosek o pozwolenie na budowę', ['wniosek']],
    ['odwołanie od decyzji', ['odwołanie']],
    ['postanowienia o usunięciu nieprawidłowości', ['postanowienie']],
    ['sprzeciw od zgłoszenia garażu', ['sprzeciw', 'zgłoszenie']],
    ['brak sprzeciwu', ['zgłoszenie']],
    ['protokół oględzin', ['protokół']],
    ['rozbudowa domu jednorodzinnego', []],
    // A type word after a preposition is what the documents are about, not their kind.
    ['jakie załączniki dołączyć do wniosku o pozwolenie na budowę', []],
    ['kara za roboty rozpoczęte bez pozwolenia na budowę', []],
    ['wyroki w sprawie pozwolenia na budowę hali', ['wyrok']],
    ['spór o warunki zabudowy dla stacji paliw', []],
    ['nadbudowa wykonana bez zgody na rozbudowę', []],
    ['zgoda na rozbudowę garażu', ['decyzja o pozwoleniu na budowę']],
  ])('%s', (q, types) => {
    expect(readQuestion(q).docTypes).toEqual(types);
  });
});

describe('dates and periods', () => {
  it.each([
    ['decyzje z 2016', '2016-01-01', '2016-12-31'],
    ['decyzje wydane w 2015 r.', '2015-01-01', '2015-12-31'],
    ['około 2016', '2015-01-01', '2017-12-31'],
    ['ok. 2016 roku', '2015-01-01', '2017-12-31'],
    ['z marca 2019', '2019-03-01', '2019-03-31'],
    ['w lutym 2020', '2020-02-01', '2020-02-29'],
    ['2016-2018', '2016-01-01', '2018-12-31'],
    ['z lat 2008–2010', '2008-01-01', '2010-12-31'],
    ['od 2012 do 2014', '2012-01-01', '2014-12-31'],
    ['po 2015', '2016-01-01', undefined],
    ['przed 2010', undefined, '2009-12-31'],
    ['decyzja z dnia 14.03.2019 r.', '2019-03-14', '2019-03-14'],
  ])('%s', (q, from, to) => {
    const f = readQuestion(q);
    expect([f.dateFrom, f.dateTo]).toEqual([from, to]);
  });

  it('does not read years out of identifiers or house numbers', () => {
    const f = readQuestion('działka 2016/3 przy ul. Kwiatowej 2018, sprawa WUA-ZRB.6740.1.123.2019');
    expect([f.dateFrom, f.dateTo]).toEqual([undefined, undefined]);
  });
});

describe('whole case and leftover words', () => {
  it.each([
    'wszystkie pisma w sprawie WUA-ZRB.6740.1.123.2019',
    'akta sprawy WUA-ZRB.6740.1.123.2019',
    'cała sprawa WUA-ZRB.6740.1.123.2019',
    'komplet dokumentów sprawy WUA-ZRB.6740.1.123.2019',
  ])('%s asks for the whole case', (q) => {
    const f = readQuestion(q);
    expect(f.wholeCase).toBe(true);
    expect(f.words).toEqual([]);
  });

  it('a letter of attorney "w sprawie" is not a whole-case question', () => {
    expect(readQuestion('pełnomocnictwa w sprawie WUA-ZRB.6740.1.123.2019').wholeCase).toBe(false);
    expect(readQuestion('wszystkie decyzje z 2019').wholeCase).toBe(false);
  });

  it('keeps a negation with the word it negates', () => {
    expect(readQuestion('urząd nie zgodził się na garaż').words).toEqual(['urząd', 'nie', 'zgodził', 'garaż']);
  });
});

describe('any input', () => {
  /** Deterministic pseudo-random strings mixing Polish, query syntax, identifiers and junk. */
  function* fuzz(n: number): Generator<string> {
    const pieces = [
      'decyzja', 'WUA-ZRB.6740.1.123.2019', '45/7', 'obręb', 'Leśnicy', 'około', '2016', 'ul.', 'Kwiatowej', '12',
      '"', '*', '(', ')', 'OR', 'NEAR/3', ':', '^2', '~', '\\', "'; DROP TABLE documents; --", '💥', '\uD800', '\u0000',
      '\u202e', 'ł', 'Ł', '　', '\n', 'Sp. z o.o.', '„', '”', 'dz.', 'nr', '-', '–', '/', '_', '.', ',',
    ];
    let seed = 7;
    const rnd = (k: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % k;
    };
    for (let i = 0; i < n; i++) {
      const len = rnd(30);
      let s = '';
      for (let j = 0; j < len; j++) s += (rnd(3) === 0 ? '' : ' ') + pieces[rnd(pieces.length)];
      yield s;
    }
  }

  it('never throws and always returns well-formed facts', () => {
    const inputs = [
      ...fuzz(500),
      '',
      ' ',
      'SELECT * FROM documents WHERE 1=1',
      'title:decyzja AND (odmowa OR "pozwolenie na budowę"~2)^3',
      '🏠🏗️ decyzja 🏠',
      'x'.repeat(10_000),
      'Leśnica '.repeat(1500),
      '1/2 '.repeat(3000),
    ];
    for (const q of inputs) {
      const f = readQuestion(q);
      expect(Array.isArray(f.words) && Array.isArray(f.caseNumbers) && Array.isArray(f.parcels)).toBe(true);
      for (const d of [f.dateFrom, f.dateTo]) if (d !== undefined) expect(d).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(readQuestion(undefined as unknown as string).words).toEqual([]);
  });
});

describe('rulings, supervisory acts, resolutions and notices', () => {
  it.each([
    ['wyroki WSA w Gliwicach z 2016 r.', ['wyrok WSA']],
    ['wyrok Wojewódzkiego Sądu Administracyjnego w sprawie ogrodzenia', ['wyrok WSA']],
    ['orzeczenia NSA dotyczące farm wiatrowych', ['wyrok NSA']],
    ['wyroki NSA i WSA o stacjach bazowych', ['wyrok WSA', 'wyrok NSA']],
    ['wyroki NSA uchylające wyroki WSA w sprawach ogrodzeń', ['wyrok NSA']],
    ['orzeczenia w sprawie płotów', ['wyrok']],
    ['postanowienia WSA o odrzuceniu skargi', ['postanowienie']],
    ['rozstrzygnięcie nadzorcze w sprawie uchwały o planie miejscowym', ['rozstrzygnięcie nadzorcze']],
    ['uchwały rady gminy z 2018', ['uchwała']],
    ['uchwała w sprawie miejscowego planu zagospodarowania przestrzennego rejonu ulicy Lotniczej', ['uchwała']],
    ['obwieszczenia o wydaniu decyzji środowiskowej', ['obwieszczenie']],
    ['informacja o wszczęciu postępowania', ['informacja']],
    ['ogłoszenia o przystąpieniu do sporządzenia planu', ['ogłoszenie']],
    ['zawiadomienia o wszczęciu postępowania z 2021', ['zawiadomienie']],
    ['wyroki stwierdzające nieważność uchwały', ['wyrok']],
    ['decyzje i postanowienia z 2010', ['decyzja', 'postanowienie']],
    ['decyzja lokalizacyjna dla gazociągu', ['decyzja o ustaleniu lokalizacji inwestycji celu publicznego']],
    ['ZRID dla obwodnicy', ['decyzja o zezwoleniu na realizację inwestycji drogowej']],
    ['sąd uchylił to rozstrzygnięcie', []],
    ['skarga na uchwałę rady gminy', []],
    ['zażalenie na postanowienie o zawieszeniu', []],
  ])('%s', (q, types) => {
    expect(readQuestion(q).docTypes).toEqual(types);
  });
});

describe('the court or organ named', () => {
  it.each([
    ['wyroki WSA w Gliwicach z 2016 r.', ['Wojewódzki Sąd Administracyjny w Gliwicach']],
    ['wyroki wsa we wrocławiu', ['Wojewódzki Sąd Administracyjny we Wrocławiu']],
    ['orzeczenia Wojewódzkiego Sądu Administracyjnego w Gorzowie Wielkopolskim', ['Wojewódzki Sąd Administracyjny w Gorzowie Wielkopolskim']],
    ['wyroki WSA w sprawie ogrodzenia', ['Wojewódzki Sąd Administracyjny']],
    ['postanowienia Naczelnego Sądu Administracyjnego z 2017', ['Naczelny Sąd Administracyjny']],
    ['rozstrzygnięcia nadzorcze Wojewody Pomorskiego', ['Wojewoda Pomorski']],
    ['rozstrzygnięcia nadzorcze wojewody warmińsko-mazurskiego', ['Wojewoda Warmińsko-Mazurski']],
    ['obwieszczenia Burmistrza Sobótki z 2020 r.', ['Burmistrz Sobótki']],
    ['uchwały Rady Miejskiej Oleśnicy', ['Rada Miejska Oleśnicy']],
    ['uchwały Rady Miasta Poznania o planach', ['Rada Miasta Poznania']],
    ['decyzje Starosty Oleśnickiego', ['Starosta Oleśnicki']],
    ['decyzje Prezydenta Miasta Opola z 2019', ['Prezydent Miasta Opola']],
    ['decyzje SKO w Legnicy', ['Samorządowe Kolegium Odwoławcze w Legnicy']],
    ['postanowienia PINB dla miasta Wrocławia', ['Powiatowy Inspektor Nadzoru Budowlanego']],
  ])('%s', (q, issuers) => {
    expect(readQuestion(q).issuers).toEqual(issuers);
  });

  it('an organ named as a party is not the author of what is asked for, nor an investor', () => {
    expect(readQuestion('wyroki NSA uchylające wyroki WSA w Krakowie').issuers).toEqual(['Naczelny Sąd Administracyjny']);
    const complaint = readQuestion('skargi Wojewody Opolskiego na uchwały rady gminy');
    expect(complaint.issuers).toEqual([]);
    expect(complaint.investors).toEqual([]);
    const ruling = readQuestion('wyroki WSA w sprawie decyzji SKO w Opolu');
    expect(ruling.issuers).toEqual(['Wojewódzki Sąd Administracyjny']);
    expect(readQuestion('zezwolenie na inwestycję drogową dla Burmistrza Oławy').issuers).toEqual([]);
  });

  it('a council needs its kind ("rady" alone is not an organ), a lower-case place is not guessed', () => {
    expect(readQuestion('rady dla inwestora').issuers).toEqual([]);
    expect(readQuestion('decyzje burmistrza sobótki').issuers).toEqual(['Burmistrz']);
  });

  it('keeps the organ and the court seat as searchable words, never as an investor', () => {
    const f = readQuestion('rozstrzygnięcia nadzorcze Wojewody Lubuskiego z 2016 r.');
    expect(f.investors).toEqual([]);
    expect(f.words).toEqual(['rozstrzygnięcia', 'nadzorcze', 'Wojewody', 'Lubuskiego']);
    expect(readQuestion('wyroki WSA w Olsztynie z 2020 r.').words).toEqual(['wyroki', 'WSA', 'Olsztynie']);
    expect([readQuestion('wyroki WSA w Olsztynie z 2020 r.').dateFrom, readQuestion('wyroki NSA z lat 2016–2018').dateTo]).toEqual(['2020-01-01', '2018-12-31']);
    expect(readQuestion('uchwały Rady Miejskiej Wrocławia wydane w 2013 r.').dateFrom).toBe('2013-01-01');
  });
});

describe('the outcome asked for', () => {
  it.each([
    ['wyroki NSA oddalające skargę kasacyjną organu', ['oddala skargę kasacyjną']],
    ['wyroki WSA z 2017 r. oddalające skargi', ['oddala skargę']],
    ['postanowienia odrzucające skargę', ['odrzuca skargę']],
    ['wyroki stwierdzające nieważność uchwały w sprawie planu', ['stwierdza nieważność uchwały']],
    ['rozstrzygnięcia nadzorcze stwierdzające nieważność', ['stwierdza nieważność']],
    ['decyzje SKO uchylające decyzję burmistrza', ['uchyla zaskarżoną decyzję']],
    ['wyroki uchylające postanowienie', ['uchyla zaskarżone postanowienie']],
    ['decyzje utrzymujące w mocy decyzję starosty', ['utrzymuje w mocy zaskarżoną decyzję']],
    ['odmowa wydania pozwolenia na budowę garażu', ['odmawia pozwolenia na budowę']],
    ['decyzje odmawiające ustalenia warunków zabudowy', ['odmawia ustalenia warunków zabudowy']],
    ['odmowy z 2019', ['odmawia']],
    ['decyzje udzielające pozwolenia na budowę', ['udziela pozwolenia na budowę']],
    ['umorzenie postępowania w sprawie samowoli', ['umarza postępowanie']],
    ['decyzje PINB nakazujące rozbiórkę wiaty', ['nakazuje rozbiórkę']],
    ['nakaz rozbiórki wiaty', []],
    ['budynek oddalony od granicy działki o 3 m', []],
    ['wyroki WSA w sprawie odmowy pozwolenia na budowę', []],
    ['wyroki NSA o nakazie rozbiórki altany', []],
    ['wyroki NSA uchylające nakaz rozbiórki', ['uchyla']],
    ['wyroki WSA dotyczące stwierdzenia nieważności decyzji', []],
    ['wyroki WSA we Wrocławiu z 2012 r.', []],
  ])('%s', (q, outcomes) => {
    expect(readQuestion(q).outcomes).toEqual(outcomes);
  });

  it('a participle read as an outcome is not searched as a word; the nouns stay', () => {
    expect(readQuestion('wyroki NSA z 2018 r. oddalające skargę kasacyjną').words).toEqual(['wyroki', 'NSA', 'skargę', 'kasacyjną']);
    expect(readQuestion('odmowa pozwolenia na budowę').words).toEqual(['odmowa', 'pozwolenia', 'budowę']);
  });
});

describe('conditions beyond type and period (issue 20)', () => {
  const conditions = (q: string) => {
    const f = readQuestion(q);
    return { types: f.docTypes, objects: f.objects, subjects: f.subjects, precincts: f.precincts, towns: f.towns, names: f.names };
  };

  it('reads the object a compound question asks for, in the words clerks use', () => {
    expect(conditions('pozwolenie na budowę domu jednorodzinnego na Oporowie')).toEqual({
      types: ['decyzja o pozwoleniu na budowę'], objects: ['dom'], subjects: [], precincts: ['Oporów'], towns: [], names: [],
    });
    expect(conditions('odmowa PnB dla domku w 2002 roku').objects).toEqual(['dom']);
    expect(conditions('warunki zabudowy dla bloku z lat 1999–2001').objects).toEqual(['blok']);
    expect(conditions('nakaz rozbiórki tablicy reklamowej z 2015 r.')).toMatchObject({ objects: ['reklama'], subjects: ['rozbiorka'] });
  });

  it('asks no object, matter or name of a question that only describes a topic (no type, place, period, organ or identifier)', () => {
    expect(conditions('kara za mieszkanie w domu przed formalnym zakończeniem budowy')).toMatchObject({ objects: [], subjects: [], names: [] });
    expect(conditions('program ograniczenia hałasu od dróg na Dolnym Śląsku').names).toEqual([]);
    expect(conditions('po ilu dniach milczenia urzędu można zacząć roboty bez pozwolenia na budowę').subjects).toEqual([]);
  });

  it('reads the matter of the proceeding only when it is not the type of document sought', () => {
    expect(conditions('wyroki NSA z 2020 r. w sprawie pozwolenia na budowę')).toMatchObject({ types: ['wyrok NSA'], subjects: ['pnb'] });
    expect(conditions('decyzja o pozwoleniu na budowę').subjects).toEqual([]);
    expect(conditions('odmowa pozwolenia na budowę').subjects).toEqual([]);
  });

  it('reads a town after "w"/"we", but not the seat of the court named', () => {
    expect(conditions('ul. Zgierska w Poznaniu').towns).toEqual(['Poznaniu']);
    expect(conditions('Pozwolenie na garaż w Zielonej Górze').towns).toEqual(['Zielonej Górze']);
    expect(conditions('wyroki WSA w Warszawie z 2012 r.').towns).toEqual([]);
    expect(conditions('wyroki WSA we Wrocławiu w 2012 r.').towns).toEqual([]);
  });

  it('keeps a proper name nothing else explains as a name, and a person as a party', () => {
    expect(conditions('wyłożenie projektu planu Żabiniec we Wrocławiu')).toMatchObject({ names: ['Żabiniec'], towns: ['Wrocławiu'] });
    expect(conditions('PnB dla Wody Polskie').names).toEqual(['Wody Polskie']);
    const f = readQuestion('decyzja dla Jana Kowalskiego w Krakowie');
    expect(f.investors).toEqual(['Jana Kowalskiego']);
    expect(f.names).toEqual([]);
    expect(f.towns).toEqual(['Krakowie']);
  });
});

describe('withPlannedConditions', () => {
  it('adds what a model read in the question, as the rules store it, and keeps what the rules read', () => {
    const facts = readQuestion('pozwolenie na budowę dla stacji benzynowej przy ul. Kwiatowej');
    const merged = withPlannedConditions(facts, [
      { kind: 'object', value: 'stacja paliw' },
      { kind: 'period', value: '1999–2001' },
      { kind: 'town', value: 'Poznań' },
      { kind: 'issuer', value: 'Prezydenta Miasta Poznania' },
    ]);
    expect(merged.objects).toContain('stacja-paliw');
    expect([merged.dateFrom, merged.dateTo]).toEqual(['1999-01-01', '2001-12-31']);
    expect(merged.towns).toEqual(['Poznań']);
    expect(merged.issuers.length).toBe(1);
    expect(merged.docTypes).toEqual(facts.docTypes);
    expect(merged.addresses).toEqual(facts.addresses);
    // The rules' facts are not changed in place.
    expect(facts.towns).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { courtOfSignature, findIssuer, findOrgans } from './issuer.js';

/** The issuer's value and the text of its span. */
function issuer(text: string, opts: Parameters<typeof findIssuer>[1] = {}): { value: string; raw: string; basis: string } | null {
  const f = findIssuer(text, opts);
  return f ? { value: f.value, raw: text.slice(f.start, f.end), basis: f.basis } : null;
}

describe('findIssuer: courts', () => {
  it('reads the court opening the sentencja, not the one whose ruling is under appeal', () => {
    const text =
      'II OSK 1234/21 - Wyrok NSA\n2022-03-01\nSentencja\nNaczelny Sąd Administracyjny w składzie: Przewodniczący sędzia NSA Jan Nowak ' +
      'po rozpoznaniu w dniu 1 marca 2022 r. skargi kasacyjnej A. B. od wyroku Wojewódzkiego Sądu Administracyjnego w Gdańsku ' +
      'z dnia 3 lutego 2021 r. sygn. akt II SA/Gd 100/20 oddala skargę kasacyjną.';
    expect(issuer(text)).toEqual({ value: 'Naczelny Sąd Administracyjny', raw: 'Naczelny Sąd Administracyjny', basis: 'court' });
  });

  it('expands "WSA w …" and keeps the seat in its locative form', () => {
    expect(issuer('Wyrok WSA w Opolu z dnia 5 maja 2021 r., sygn. II SA/Op 77/21\nBudowlane prawo')?.value).toBe(
      'Wojewódzki Sąd Administracyjny w Opolu',
    );
    const caps = 'WYROK NR SYGN. AKT II SA/GL 12/19 WOJEWÓDZKIEGO SĄDU ADMINISTRACYJNEGO W GLIWICACH z dnia 2 kwietnia 2019 r.';
    expect(issuer(caps)).toMatchObject({ value: 'Wojewódzki Sąd Administracyjny w Gliwicach', raw: 'WOJEWÓDZKIEGO SĄDU ADMINISTRACYJNEGO W GLIWICACH' });
    expect(issuer('Wyrok\nWojewódzkiego Sądu Administracyjnego we Wrocławiu\nz dnia 1 lutego 2020 r.')?.value).toBe(
      'Wojewódzki Sąd Administracyjny we Wrocławiu',
    );
  });

  it('takes the court from the own signature only when the text names none', () => {
    const text = 'Sygn. akt IV SA/Po 55/20\nUZASADNIENIE\nSkarżący wniósł skargę na decyzję Wojewody Wielkopolskiego.';
    const at = text.indexOf('IV SA/Po 55/20');
    expect(issuer(text, { ownSignature: { value: 'IV SA/Po 55/20', start: at, end: at + 14 } })).toEqual({
      value: 'Wojewódzki Sąd Administracyjny w Poznaniu',
      raw: 'IV SA/Po 55/20',
      basis: 'signature',
    });
    expect(courtOfSignature('II OSK 2749/20')).toEqual({ court: 'NSA', seat: null });
    expect(courtOfSignature('WUA-ZRB.6740.1.123.2019')).toBeNull();
  });
});

describe('findIssuer: organs', () => {
  it('reads the organ after the heading and gives it in the nominative', () => {
    expect(issuer('OBWIESZCZENIE WOJEWODY PODKARPACKIEGO\nz dnia 3 marca 2023 r.\nNa podstawie art. 49 Kpa zawiadamia się …')).toMatchObject({
      value: 'Wojewoda Podkarpacki',
      raw: 'WOJEWODY PODKARPACKIEGO',
      basis: 'heading',
    });
    expect(issuer('UCHWAŁA NR XII/145/2019\nRADY GMINY KOBIERZYCE\nz dnia 28 listopada 2019 r.\nw sprawie …')?.value).toBe('Rada Gminy Kobierzyce');
    expect(issuer('Obwieszczenie Burmistrza Miasta i Gminy Sobótka o wszczęciu postępowania')?.value).toBe('Burmistrz Miasta i Gminy Sobótka');
    expect(issuer('ZARZĄDZENIE NR 77/2020 PREZYDENTA MIASTA OPOLA z dnia 2 marca 2020 r.')?.value).toBe('Prezydent Miasta Opola');
    expect(issuer('Rozstrzygnięcie nadzorcze Wojewody Warmińsko-Mazurskiego z dnia 4 maja 2018 r.')?.value).toBe('Wojewoda Warmińsko-Mazurski');
  });

  it('reads a letterhead, an opening subject and a sign-off', () => {
    expect(issuer('STAROSTA OLEŚNICKI\nOleśnica, dnia 4 lipca 2022 r.\nAB.6740.12.2022\nDECYZJA')?.value).toBe('Starosta Oleśnicki');
    expect(issuer('Na podstawie art. 53 ustawy Wójt Gminy Długołęka zawiadamia, że na wniosek …')).toMatchObject({
      value: 'Wójt Gminy Długołęka',
      basis: 'opening',
    });
    const signed = 'OGŁOSZENIE\nO wyłożeniu projektu planu do publicznego wglądu …\nUwagi można składać do dnia 1 lipca 2021 r.\nZ up. Prezydenta Miasta Stołecznego Warszawy\nAnna Nowak\nZastępca Dyrektora';
    expect(issuer(signed)).toMatchObject({ value: 'Prezydent Miasta Stołecznego Warszawy', basis: 'signoff' });
    const plain =
      'INFORMACJA\nInformuję o wydaniu postanowienia w sprawie uzgodnienia.\nZ treścią postanowienia można się zapoznać w pokoju nr 12.\n' +
      'Informacja podlega wywieszeniu na okres 14 dni.\n\nBurmistrz Oławy\n/-/ Jan Kowalski';
    expect(issuer(plain)).toMatchObject({ value: 'Burmistrz Oławy', raw: 'Burmistrz Oławy', basis: 'signoff' });
  });

  it('does not take an organ merely mentioned in the body', () => {
    const text =
      'INFORMACJA\nW dniu 3 marca 2021 r. do Urzędu Gminy Siechnice wpłynął wniosek. Decyzję Wojewody Dolnośląskiego ' +
      'z dnia 1 lutego 2021 r. utrzymało w mocy Samorządowe Kolegium Odwoławcze we Wrocławiu.';
    expect(issuer(text)).toBeNull();
  });

  it('takes the organ that issued the announced decision only in a notice', () => {
    const text = 'OBWIESZCZENIE\nZawiadamiam, że w dniu 4 maja 2020 r. Wójt Gminy Czernica wydał decyzję o środowiskowych uwarunkowaniach.';
    expect(issuer(text, { docType: 'obwieszczenie' })).toMatchObject({ value: 'Wójt Gminy Czernica', basis: 'notice' });
    expect(issuer(text, { docType: 'informacja' })).toBeNull();
  });

  it('completes an organ named without its seat from where the text gives it', () => {
    const text =
      'Obwieszczenie Regionalnego Dyrektora Ochrony Środowiska\nZnak: WOOŚ.4200.1.2020\nPodaję do publicznej wiadomości, że ' +
      'Regionalny Dyrektor Ochrony Środowiska w Opolu przystąpił do sporządzenia projektu.';
    expect(issuer(text)?.value).toBe('Regionalny Dyrektor Ochrony Środowiska w Opolu');
  });

  it('reads an office named under a service card section', () => {
    const text = 'Wymagane dokumenty\n• wniosek\nMiejsce złożenia dokumentów\nStarostwo Powiatowe w Trzebnicy, ul. Leśna 1\nOpłaty\nBrak.';
    expect(issuer(text, { docType: 'karta usługi' })?.value).toBe('Starostwo Powiatowe w Trzebnicy');
  });
});

describe('findOrgans: the organ-title grammar', () => {
  const first = (t: string): string | undefined => findOrgans(t)[0]?.value;

  it('normalises the head and the adjectives agreeing with it', () => {
    expect(first('pismo Rady Miejskiej w Bolesławcu z dnia')).toBe('Rada Miejska w Bolesławcu');
    expect(first('decyzją Samorządowego Kolegium Odwoławczego w Legnicy')).toBe('Samorządowe Kolegium Odwoławcze w Legnicy');
    expect(first('przez Starostwo Powiatowe w Oleśnicy')).toBe('Starostwo Powiatowe w Oleśnicy');
    expect(first('do Dolnośląskiego Wojewódzkiego Inspektora Nadzoru Budowlanego we Wrocławiu')).toBe(
      'Dolnośląski Wojewódzki Inspektor Nadzoru Budowlanego we Wrocławiu',
    );
    expect(first('postanowieniem Powiatowego Inspektora Nadzoru Budowlanego dla Miasta Wrocławia')).toBe(
      'Powiatowy Inspektor Nadzoru Budowlanego dla Miasta Wrocławia',
    );
    expect(first('Marszałkowi Województwa Opolskiego')).toBe('Marszałek Województwa Opolskiego');
    expect(first('decyzją Generalnego Dyrektora Dróg Krajowych i Autostrad')).toBe('Generalny Dyrektor Dróg Krajowych i Autostrad');
    expect(first('Wojewódzki Inspektor Nadzoru Geodezyjnego I Kartograficznego\nOddalono')).toBe(
      'Wojewódzki Inspektor Nadzoru Geodezyjnego i Kartograficznego',
    );
  });

  it('keeps a genitive complement as written', () => {
    expect(first('uchwała Zarządu Zieleni Miejskiej w Krakowie')).toBe('Zarząd Zieleni Miejskiej w Krakowie');
    expect(first('Burmistrza Nowej Rudy')).toBe('Burmistrz Nowej Rudy');
    expect(first('Prezydenta m.st. Warszawy')).toBe('Prezydent m.st. Warszawy');
  });

  it('stops before a signatory, an anonymised seat and the next sentence', () => {
    expect(first('Burmistrz Dobrej Tadeusz Gebler')).toBe('Burmistrz Dobrej');
    expect(first('na decyzję Samorządowego Kolegium Odwoławczego w K. z dnia')).toBe('Samorządowe Kolegium Odwoławcze');
    expect(first('OBWIESZCZENIE WOJEWODY ŁÓDZKIEGO\nNa podstawie art. 49')).toBe('Wojewoda Łódzki');
    expect(first('skarga na decyzję Wojewody (...) z dnia')).toBeUndefined();
    expect(first('pod zwierzchnictwem wojewody mazowieckiego')).toBeUndefined();
  });
});

describe('findIssuer: more headings', () => {
  it('reads an appeal board named in the heading, in capitals and inline', () => {
    expect(issuer('POSTANOWIENIE SAMORZĄDOWEGO KOLEGIUM ODWOŁAWCZEGO W LEGNICY z dnia 3 marca 2020 r.')?.value).toBe(
      'Samorządowe Kolegium Odwoławcze w Legnicy',
    );
    expect(issuer('ZARZĄDZENIE ZASTĘPCZE WOJEWODY LUBUSKIEGO z dnia 1 czerwca 2019 r.')?.value).toBe('Wojewoda Lubuski');
    expect(issuer('ROZSTRZYGNIĘCIE NADZORCZE WOJEWODY ŚWIĘTOKRZYSKIEGO z dnia 2 maja 2018 r.')).toMatchObject({
      value: 'Wojewoda Świętokrzyski',
      raw: 'WOJEWODY ŚWIĘTOKRZYSKIEGO',
    });
  });
});

describe('findIssuer: letters of parties', () => {
  it('does not take the addressee of an application or an appeal for its issuer', () => {
    const text = 'Jan Kowalski\nul. Polna 3\n55-080 Kąty Wrocławskie\n                              Starosta Wrocławski\n\nWNIOSEK\no pozwolenie na budowę';
    expect(issuer(text, { docType: 'wniosek' })).toBeNull();
    expect(issuer('Jan Kowalski\n                              Starosta Wrocławski\n\nPISMO w sprawie …')).toBeNull();
  });
});

describe('findIssuer: a planning notice', () => {
  it('takes the organ that receives the remarks for the one announcing the procedure', () => {
    const text =
      'OGŁOSZENIE\no wyłożeniu do publicznego wglądu projektu miejscowego planu\nZawiadamiam o wyłożeniu projektu planu w dniach od 1 do 22 marca 2021 r.\n' +
      'Uwagi należy składać na piśmie do Burmistrza Oleśnicy na adres Urzędu Miasta, w terminie do dnia 5 kwietnia 2021 r.';
    expect(issuer(text, { docType: 'ogłoszenie' })).toMatchObject({ value: 'Burmistrz Oleśnicy', raw: 'Burmistrza Oleśnicy', basis: 'notice' });
    expect(issuer(text, { docType: 'informacja' })).toBeNull();
  });
});

describe('findIssuer: a judgment in the official layout', () => {
  it('reads the court under "W IMIENIU RZECZYPOSPOLITEJ POLSKIEJ"', () => {
    const text =
      'Sygn. akt II SA/Bd 123/20\nWYROK\nW IMIENIU RZECZYPOSPOLITEJ POLSKIEJ\nDnia 5 marca 2020 r.\n' +
      'Wojewódzki Sąd Administracyjny w Bydgoszczy – II Wydział Ogólnoadministracyjny w składzie następującym:\nPrzewodniczący …';
    expect(issuer(text)).toMatchObject({ value: 'Wojewódzki Sąd Administracyjny w Bydgoszczy', raw: 'Wojewódzki Sąd Administracyjny w Bydgoszczy' });
  });
});

describe('findIssuer: offices and seats', () => {
  it('prefers the organ that speaks to the office of the letterhead', () => {
    const text = 'Urząd Miasta i Gminy Sobótka\nul. Rynek 1\nOBWIESZCZENIE\nBurmistrz Miasta i Gminy Sobótka zawiadamia, że wszczęto postępowanie.';
    expect(issuer(text, { docType: 'obwieszczenie' })).toMatchObject({ value: 'Burmistrz Miasta i Gminy Sobótka', basis: 'opening' });
    expect(issuer('Powiatowy Inspektorat Nadzoru Budowlanego w Oleśnicy\n\nOBOWIĄZKI WŁAŚCICIELA OBIEKTU')?.value).toBe(
      'Powiatowy Inspektorat Nadzoru Budowlanego w Oleśnicy',
    );
  });

  it('ends a seat with its locative words, not the next name', () => {
    const text = 'Obwieszczenie Dyrektora Regionalnego Zarządu Gospodarki Wodnej w Gdańsku Państwowego Gospodarstwa Wodnego Wody Polskie z dnia';
    expect(issuer(text)?.value).toBe('Dyrektor Regionalnego Zarządu Gospodarki Wodnej w Gdańsku');
    expect(issuer('OBWIESZCZENIE\nStarosty Nowotarskiego\nz dnia 1 marca 2021 r.')?.value).toBe('Starosta Nowotarski');
    expect(findOrgans('decyzją Powiatowego Inspektora Nadzoru Budowlanego w Gorzowie Wielkopolskim z dnia')[0]?.value).toBe(
      'Powiatowy Inspektor Nadzoru Budowlanego w Gorzowie Wielkopolskim',
    );
  });
});

describe('findIssuer: abbreviated organs in a heading', () => {
  it('expands RDOŚ, SKO and the building inspectors with their seat', () => {
    expect(issuer('Obwieszczenie RDOŚ Wrocław\nNa podstawie art. 28 ust. 4 ustawy …')).toMatchObject({
      value: 'Regionalny Dyrektor Ochrony Środowiska we Wrocławiu',
      raw: 'RDOŚ Wrocław',
    });
    expect(issuer('Postanowienie SKO w Legnicy z dnia 3 marca 2020 r.')).toMatchObject({ value: 'Samorządowe Kolegium Odwoławcze w Legnicy', raw: 'SKO w Legnicy' });
    expect(issuer('Decyzja PINB w Białej Podlaskiej z dnia 1 marca 2021 r.')?.value).toBe('Powiatowy Inspektor Nadzoru Budowlanego w Białej Podlaskiej');
    expect(issuer('Informacja o pracy GDOŚ w 2020 roku')).toBeNull();
  });
});

describe('findIssuer: an abbreviation without its seat', () => {
  it('is no issuer: a page titled by the act it reports', () => {
    const text = 'Postanowienie RDOŚ\n\nW dniu 3 marca 2021 r. otrzymano postanowienie Regionalnego Dyrektora Ochrony Środowiska w Olsztynie uzgadniające warunki.';
    expect(issuer(text, { docType: 'informacja' })).toBeNull();
  });
});

describe('findIssuer: an organ deciding in the third person', () => {
  it('reads the organ that grants the permit', () => {
    const text = 'DECYZJA Nr 45/2022\nNa podstawie art. 28 ustawy Prawo budowlane, po rozpatrzeniu wniosku inwestora, Wojewoda Podlaski\nzatwierdza projekt budowlany i udziela pozwolenia na budowę';
    expect(issuer(text, { docType: 'decyzja' })).toMatchObject({ value: 'Wojewoda Podlaski', basis: 'opening' });
  });
});

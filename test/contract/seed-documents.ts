/**
 * A small, realistic Polish archive for the SearchBackend contract: decisions and a procedural
 * order from two signature styles, parcels with precincts (the same parcel number in two precincts),
 * inflected forms, ł/ó/ę, an OCR-damaged word, a document without a date, and one document that
 * is indexed but not ready (it must never be seen). Backend-agnostic: harnesses turn it into
 * their own storage; metadata spans are computed from the page text, so they always hold.
 */
import { createHash } from 'node:crypto';
import type { MetaKind, MetaValue, Word } from '../../ingest/types.js';

export interface SeedPage {
  page: number;
  text: string;
  /** Words with boxes, `text.slice(start, end)` each (what a viewer highlights). */
  words: Word[];
  source: 'text-layer' | 'ocr';
}

export interface SeedDocument {
  sha256: string;
  filename: string;
  kind: string;
  title: string | null;
  caseNumber: string | null;
  docType: string | null;
  docDate: string | null;
  pages: SeedPage[];
  metadata: MetaValue[];
  /** 'staging': indexed like the others but not ready; no backend method may return it. */
  status: 'ready' | 'staging';
}

/** Every whitespace-separated word of `text`, on fake but well-formed line boxes. */
export function wordsOf(text: string): Word[] {
  const words: Word[] = [];
  let line = 0;
  let x = 0.1;
  for (const m of text.matchAll(/\S+/g)) {
    const before = text.slice(0, m.index);
    const l = before.split('\n').length - 1;
    if (l !== line) [line, x] = [l, 0.1];
    const w = Math.min(0.8, 0.012 * m[0].length);
    const y = 0.05 + 0.03 * (line % 30);
    words.push({ start: m.index, end: m.index + m[0].length, box: { x0: x, y0: y, x1: Math.min(0.95, x + w), y1: y + 0.02 }, confidence: 91 });
    x = Math.min(0.9, x + w + 0.01);
  }
  return words;
}

type MetaSpec = [kind: MetaKind, value: string, raw: string, page: number, extra?: Record<string, string>];

function build(d: Omit<SeedDocument, 'sha256' | 'pages' | 'metadata'> & { pages: string[]; ocr?: boolean; meta: MetaSpec[]; folderCase?: string }): SeedDocument {
  const pages = d.pages.map((text, i) => ({ page: i + 1, text, words: wordsOf(text), source: d.ocr ? ('ocr' as const) : ('text-layer' as const) }));
  const metadata: MetaValue[] = [];
  if (d.folderCase) {
    metadata.push({ kind: 'caseNumber', value: d.folderCase, raw: d.folderCase.replace(/[/.]/g, '_'), page: null, start: null, end: null, origin: 'folder' });
  }
  for (const [kind, value, raw, page, extra] of d.meta) {
    const start = pages[page - 1]!.text.indexOf(raw);
    if (start < 0) throw new Error(`seed: "${raw}" is not on page ${page} of ${d.filename}`);
    const v: MetaValue = { kind, value, raw, page, start, end: start + raw.length, origin: 'text' };
    if (extra) v.extra = extra;
    metadata.push(v);
  }
  const { pages: _p, ocr: _o, meta: _m, folderCase: _f, ...rest } = d;
  return { ...rest, sha256: createHash('sha256').update(`seed:${d.filename}`).digest('hex'), pages, metadata };
}

const POUCZENIE =
  'POUCZENIE\nOd niniejszej decyzji przysługuje stronom odwołanie do Wojewody Dolnośląskiego za pośrednictwem ' +
  'Prezydenta Wrocławia w terminie 14 dni od dnia jej doręczenia. W trakcie biegu terminu do wniesienia odwołania ' +
  'strona może zrzec się prawa do wniesienia odwołania wobec organu administracji publicznej, który wydał decyzję. ' +
  'Z dniem doręczenia organowi oświadczenia o zrzeczeniu się prawa do wniesienia odwołania przez ostatnią ze stron ' +
  'postępowania decyzja staje się ostateczna i prawomocna.\n\nUZASADNIENIE\nInwestor złożył wniosek wraz z projektem ' +
  'budowlanym opracowanym przez osobę posiadającą wymagane uprawnienia budowlane. Projekt jest zgodny z ustaleniami ' +
  'miejscowego planu zagospodarowania przestrzennego oraz z przepisami techniczno-budowlanymi. Kompletność projektu ' +
  'sprawdzono, a inwestor złożył oświadczenie o posiadanym prawie do dysponowania nieruchomością na cele budowlane. ' +
  'Roboty budowlane można rozpocząć na podstawie ostatecznej decyzji o pozwoleniu na budowę, po zawiadomieniu ' +
  'organu nadzoru budowlanego o zamierzonym terminie rozpoczęcia robót budowlanych.';

export const SEED_DOCUMENTS: SeedDocument[] = [
  build({
    filename: 'decyzja_pnb_123_2019.pdf', kind: 'pdf', status: 'ready',
    title: 'DECYZJA NR 123/2019', caseNumber: 'WUA-ZRB.6740.1.123.2019', docType: 'decyzja o pozwoleniu na budowę', docDate: '2019-03-14',
    folderCase: 'WUA-ZRB.6740.1.123.2019',
    pages: [
      'Wrocław, 14 marca 2019 r.\nZnak: WUA-ZRB.6740.1.123.2019\nDECYZJA NR 123/2019\nNa podstawie art. 28 i art. 33 ' +
        'ustawy z dnia 7 lipca 1994 r. Prawo budowlane, po rozpatrzeniu wniosku Pana Jana Kowalskiego, zam. ul. Jeździecka 108, ' +
        '53-015 Wrocław, zatwierdzam projekt budowlany i udzielam pozwolenia na budowę budynku mieszkalnego jednorodzinnego ' +
        'z garażem na działce nr 45/7, AM-18, obręb Oporów we Wrocławiu.',
      POUCZENIE,
    ],
    meta: [
      ['caseNumber', 'WUA-ZRB.6740.1.123.2019', 'WUA-ZRB.6740.1.123.2019', 1],
      ['docType', 'decyzja o pozwoleniu na budowę', 'DECYZJA', 1, { heading: 'DECYZJA NR 123/2019' }],
      ['date', '2019-03-14', '14 marca 2019 r.', 1, { role: 'document' }],
      ['date', '1994-07-07', '7 lipca 1994 r.', 1, { role: 'mentioned' }],
      ['investor', 'Jana Kowalskiego', 'Jana Kowalskiego', 1],
      ['address', 'ul. Jeździecka 108', 'ul. Jeździecka 108, 53-015 Wrocław', 1, { street: 'Jeździecka', number: '108' }],
      ['parcel', '45/7', '45/7', 1, { obreb: 'Oporów', arkusz: '18' }],
    ],
  }),
  build({
    filename: 'postanowienie_784_2010.tif', kind: 'tiff', status: 'ready', ocr: true,
    title: 'POSTANOWIENIE', caseNumber: 'UA-AB/7351/784/2010', docType: 'postanowienie', docDate: '2010-06-02',
    pages: [
      'Wrocław, dnia 2 czerwca 2010 r.\nUA-AB/7351/784/2010\nPOSTANOWIENIE\nNa podstawie art. 64 § 2 Kodeksu postępowania ' +
        'administracyjnego wzywam Inwestora – Spółdzielnię Mieszkaniową „Łąkowa” – do uzupełnienia braków formalnych wniosku ' +
        'o pozwolenie na rozbiórkę budynku gospodarczego na działce nr 12/3, obręb Leśnica, w terminie 7 dni. Nieusunięcie ' +
        'braków spowoduje pozostawienie wniosku bez rozpatrzenia.',
    ],
    meta: [
      ['caseNumber', 'UA-AB/7351/784/2010', 'UA-AB/7351/784/2010', 1],
      ['docType', 'postanowienie', 'POSTANOWIENIE', 1],
      ['date', '2010-06-02', '2 czerwca 2010 r.', 1, { role: 'document' }],
      ['investor', 'Spółdzielnię Mieszkaniową „Łąkowa”', 'Spółdzielnię Mieszkaniową „Łąkowa”', 1],
      ['parcel', '12/3', '12/3', 1, { obreb: 'Leśnica' }],
    ],
  }),
  build({
    filename: 'skan_odmowa_2016.pdf', kind: 'pdf', status: 'ready', ocr: true,
    title: 'DECYZJA NR 456/2016', caseNumber: 'WUA-ZRB.6740.1.2043.2016', docType: 'decyzja o odmowie pozwolenia na budowę', docDate: '2016-05-20',
    pages: [
      // "pozwo1enia": OCR read the l as a digit one.
      'Wrocław, 20 maja 2016 r.\nWUA-ZRB.6740.1.2043.2016\nDECYZJA NR 456/2016\nPo rozpatrzeniu wniosku Pani Anny Nowak ' +
        'odmawiam udzielenia pozwo1enia na rozbudowę budynku mieszkalnego na działce nr 45/7, obręb Krzyki, oraz na działce ' +
        'nr 903, obręb Oporów, ponieważ planowana rozbudowa narusza ustalenia miejscowego planu zagospodarowania przestrzennego.',
      'POUCZENIE\nOd niniejszej decyzji służy stronom odwołanie do Wojewody Dolnośląskiego w terminie 14 dni od dnia doręczenia.',
    ],
    meta: [
      ['caseNumber', 'WUA-ZRB.6740.1.2043.2016', 'WUA-ZRB.6740.1.2043.2016', 1],
      ['references', '456/2016', '456/2016', 1, { role: 'reference' }],
      ['docType', 'decyzja o odmowie pozwolenia na budowę', 'DECYZJA', 1],
      ['date', '2016-05-20', '20 maja 2016 r.', 1, { role: 'document' }],
      ['investor', 'Anny Nowak', 'Anny Nowak', 1],
      ['parcel', '45/7', '45/7', 1, { obreb: 'Krzyki' }],
      ['parcel', '903', '903', 1, { obreb: 'Oporów' }],
    ],
  }),
  build({
    filename: 'wniosek.pdf', kind: 'pdf', status: 'ready',
    title: 'WNIOSEK O POZWOLENIE NA BUDOWĘ', caseNumber: 'WUA-ZRB.6740.1.123.2019', docType: 'wniosek', docDate: null,
    folderCase: 'WUA-ZRB.6740.1.123.2019',
    pages: [
      'WNIOSEK O POZWOLENIE NA BUDOWĘ\nInwestor: Jan Kowalski, ul. Jeździecka 108, 53-015 Wrocław\nWnoszę o wydanie decyzji ' +
        'o pozwoleniu na budowę budynku mieszkalnego jednorodzinnego na działce 45/7 w obrębie Oporów. Do wniosku załączam ' +
        'projekt budowlany w czterech egzemplarzach oraz oświadczenie o prawie do dysponowania nieruchomością na cele budowlane.',
    ],
    meta: [
      ['docType', 'wniosek', 'WNIOSEK', 1],
      ['investor', 'Jan Kowalski', 'Jan Kowalski', 1],
      ['address', 'ul. Jeździecka 108', 'ul. Jeździecka 108, 53-015 Wrocław', 1],
      ['parcel', '45/7', '45/7', 1, { obreb: 'Oporów' }],
    ],
  }),
  build({
    filename: 'decyzja_wz_1444.pdf', kind: 'pdf', status: 'ready',
    title: 'DECYZJA NR 1444/2019', caseNumber: 'WUA-ZWZ.6730.2.1444.2018', docType: 'decyzja o warunkach zabudowy', docDate: '2019-11-05',
    pages: [
      'Wrocław, 5 listopada 2019 r.\nWUA-ZWZ.6730.2.1444.2018\nDECYZJA NR 1444/2019\no warunkach zabudowy\nUstalam warunki ' +
        'zabudowy dla inwestycji polegającej na budowie zespołu garaży wraz z wiatą śmietnikową na działkach nr 71/19 i 71/20, ' +
        'obręb Krzyki, przy ul. Ślężnej 41. Linia zabudowy zgodnie z załącznikiem graficznym.',
    ],
    meta: [
      ['caseNumber', 'WUA-ZWZ.6730.2.1444.2018', 'WUA-ZWZ.6730.2.1444.2018', 1],
      ['docType', 'decyzja o warunkach zabudowy', 'DECYZJA', 1],
      ['date', '2019-11-05', '5 listopada 2019 r.', 1, { role: 'document' }],
      ['parcel', '71/19', '71/19', 1, { obreb: 'Krzyki' }],
      ['parcel', '71/20', '71/20', 1, { obreb: 'Krzyki' }],
      ['address', 'ul. Ślężna 41', 'ul. Ślężnej 41', 1],
    ],
  }),
  build({
    filename: 'projekt_decyzji_roboczy.pdf', kind: 'pdf', status: 'staging',
    title: 'DECYZJA', caseNumber: 'WUA-ZRB.6740.1.123.2019', docType: 'decyzja o pozwoleniu na budowę', docDate: '2019-05-01',
    pages: [
      'DECYZJA\nZnak: WUA-ZRB.6740.1.123.2019\nProjekt decyzji w przygotowaniu: udzielam pozwolenia na budowę budynku ' +
        'mieszkalnego jednorodzinnego na działce nr 45/7, obręb Oporów. Tekst roboczy, niezatwierdzony, słowo kontrolne: brudnopis. ' +
        'Inwestor Jana Kowalskiego, ul. Łąkowa 3.',
    ],
    meta: [
      ['caseNumber', 'WUA-ZRB.6740.1.123.2019', 'WUA-ZRB.6740.1.123.2019', 1],
      ['docType', 'decyzja o pozwoleniu na budowę', 'DECYZJA', 1],
      ['investor', 'Jana Kowalskiego', 'Jana Kowalskiego', 1],
      ['parcel', '45/7', '45/7', 1, { obreb: 'Oporów' }],
    ],
  }),
];

export const bySeedName = (filename: string): SeedDocument => {
  const d = SEED_DOCUMENTS.find((s) => s.filename === filename);
  if (!d) throw new Error(`no seed document ${filename}`);
  return d;
};

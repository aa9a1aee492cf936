/**
 * A small archive whose documents carry every metadata kind the viewer shows — issuer, outcome,
 * references, the document's own date and a date it only mentions, a value proposed by the model
 * (origin 'llm') — written the way ingestion stores them (test/contract/sqlite-harness.ts), for
 * the HTTP, MCP and browser tests of those fields and of the document-type list. Spans are
 * computed from the page text, so they always hold.
 */
import { createHash } from 'node:crypto';
import type { MetaKind, MetaValue } from '../../ingest/types.js';
import { seedSqlite } from '../contract/sqlite-harness.js';
import { wordsOf, type SeedDocument } from '../contract/seed-documents.js';
import { openDb } from '../../server/store/db.js';

type Spec = [kind: MetaKind, value: string, raw: string, origin?: MetaValue['origin'], extra?: Record<string, string>];

function doc(filename: string, title: string, docType: string | null, docDate: string | null, caseNumber: string | null, text: string, meta: Spec[]): SeedDocument {
  const metadata = meta.map(([kind, value, raw, origin = 'text', extra]): MetaValue => {
    const start = text.indexOf(raw);
    if (start < 0) throw new Error(`metadata archive: "${raw}" is not in ${filename}`);
    return { kind, value, raw, page: 1, start, end: start + raw.length, origin, ...(extra ? { extra } : {}) };
  });
  return {
    sha256: createHash('sha256').update(`metadata-archive:${filename}`).digest('hex'),
    filename, kind: 'pdf', title, caseNumber, docType, docDate, status: 'ready', metadata,
    pages: [{ page: 1, text, words: wordsOf(text), source: 'text-layer' }],
  };
}

const JUDGMENT =
  'Sygn. akt II SA/Wr 412/21\nWYROK\nW IMIENIU RZECZYPOSPOLITEJ POLSKIEJ\nDnia 10 czerwca 2021 r.\n' +
  'Wojewódzki Sąd Administracyjny we Wrocławiu po rozpoznaniu sprawy ze skargi Jana Nowaka na decyzję ' +
  'Wojewody Dolnośląskiego z dnia 5 maja 2020 r. znak IF-AB.7721.14.2020 w przedmiocie pozwolenia na budowę ' +
  'budynku garażowego na działce nr 45/7 obręb Oporów oddala skargę.';

const PERMIT =
  'Wrocław, dnia 14 marca 2019 r.\nWUA-ZRB.6740.1.903.2019\nDECYZJA NR 903/2019\n' +
  'Na podstawie art. 28 ustawy Prawo budowlane Prezydent Wrocławia zatwierdza projekt budowlany i udziela ' +
  'pozwolenia na budowę budynku mieszkalnego jednorodzinnego przy ul. Jeziornej 7 we Wrocławiu, działka nr 12/3 obręb Leśnica.';

const SECOND_JUDGMENT =
  'Sygn. akt II SA/Wr 88/22\nWYROK\nDnia 2 lutego 2022 r.\nWojewódzki Sąd Administracyjny we Wrocławiu ' +
  'po rozpoznaniu skargi na uchwałę Rady Miejskiej Wrocławia stwierdza nieważność uchwały w części dotyczącej działki nr 903 obręb Oporów.';

const ORDER =
  'Wrocław, dnia 2 czerwca 2010 r.\nUA-AB/7351/784/2010\nPOSTANOWIENIE\nPrezydent Wrocławia postanawia zawiesić postępowanie ' +
  'w sprawie pozwolenia na rozbudowę budynku przy ul. Łąkowej 3.';

const NOTE = 'Notatka służbowa bez daty i znaku: w aktach brak potwierdzenia odbioru decyzji dotyczącej garażu.';

/** File names, for readable expectations. */
export const META = {
  judgment: 'wyrok_412_21.pdf',
  permit: 'decyzja_903_2019.pdf',
  /** The second judgment: restricted to user anna in the tests that restrict. */
  secondJudgment: 'wyrok_88_22.pdf',
  order: 'postanowienie_784_2010.pdf',
  /** No document type. */
  note: 'notatka.pdf',
} as const;

export const METADATA_DOCUMENTS: SeedDocument[] = [
  doc(META.judgment, 'WYROK', 'wyrok', '2021-06-10', 'II SA/Wr 412/21', JUDGMENT, [
    ['caseNumber', 'II SA/Wr 412/21', 'II SA/Wr 412/21'],
    ['docType', 'wyrok', 'WYROK'],
    ['date', '2021-06-10', '10 czerwca 2021 r.', 'text', { role: 'document' }],
    ['date', '2020-05-05', '5 maja 2020 r.', 'text', { role: 'mentioned' }],
    ['issuer', 'Wojewódzki Sąd Administracyjny we Wrocławiu', 'Wojewódzki Sąd Administracyjny we Wrocławiu'],
    ['outcome', 'oddala skargę', 'oddala skargę', 'llm'],
    ['references', 'IF-AB.7721.14.2020', 'IF-AB.7721.14.2020'],
    ['parcel', '45/7', '45/7', 'text', { obreb: 'Oporów' }],
    ['investor', 'Jana Nowaka', 'Jana Nowaka'],
  ]),
  doc(META.permit, 'DECYZJA NR 903/2019', 'decyzja o pozwoleniu na budowę', '2019-03-14', 'WUA-ZRB.6740.1.903.2019', PERMIT, [
    ['caseNumber', 'WUA-ZRB.6740.1.903.2019', 'WUA-ZRB.6740.1.903.2019'],
    ['docType', 'decyzja o pozwoleniu na budowę', 'DECYZJA'],
    ['date', '2019-03-14', '14 marca 2019 r.', 'text', { role: 'document' }],
    ['issuer', 'Prezydent Wrocławia', 'Prezydent Wrocławia'],
    ['outcome', 'zatwierdza projekt budowlany i udziela pozwolenia na budowę', 'zatwierdza projekt budowlany i udziela pozwolenia na budowę'],
    ['address', 'Jeziorna 7, Wrocław', 'ul. Jeziornej 7'],
  ]),
  doc(META.secondJudgment, 'WYROK', 'wyrok', '2022-02-02', 'II SA/Wr 88/22', SECOND_JUDGMENT, [
    ['caseNumber', 'II SA/Wr 88/22', 'II SA/Wr 88/22'],
    ['docType', 'wyrok', 'WYROK'],
    ['issuer', 'Wojewódzki Sąd Administracyjny we Wrocławiu', 'Wojewódzki Sąd Administracyjny we Wrocławiu'],
    ['outcome', 'stwierdza nieważność uchwały', 'stwierdza nieważność uchwały'],
  ]),
  doc(META.order, 'POSTANOWIENIE', 'postanowienie', '2010-06-02', 'UA-AB/7351/784/2010', ORDER, [
    ['docType', 'postanowienie', 'POSTANOWIENIE'],
  ]),
  doc(META.note, 'Notatka służbowa', null, null, null, NOTE, []),
];

export const bySha = (filename: string): string => METADATA_DOCUMENTS.find((d) => d.filename === filename)!.sha256;

/** Writes METADATA_DOCUMENTS into a new archive in `dataDir` (the server opens it afterwards). */
export async function writeMetadataArchive(dataDir: string): Promise<void> {
  const db = openDb(dataDir);
  try {
    await seedSqlite(db, dataDir, METADATA_DOCUMENTS);
  } finally {
    db.close();
  }
}

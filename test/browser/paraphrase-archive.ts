/**
 * A small archive for searching by meaning: three born-digital PDF decisions, ingested with an
 * OpenAI-compatible embedding server (the test's stub) that serves a tiny deterministic "concept"
 * model — Polish words of one meaning share a dimension (rozbiórka / wyburzenie / likwidacja,
 * garaż / blaszak / budynek gospodarczy…), every other word is hashed thinly over the rest. A
 * question that shares no word with a document can then still be nearest to it, as with a real
 * neural model, and nothing here needs weights or a network.
 */
import fs from 'node:fs';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb } from 'pdf-lib';
import { fontBytes } from '../../fixtures/fonts.js';
import { tempDir } from '../helpers/paths.js';
import { ingestRuntime } from '../helpers/runtime.js';

export const EMBEDDING_DIMENSIONS = 64;

/** Stems of one meaning each (folded: no diacritics, lower case). */
const CONCEPTS: readonly (readonly string[])[] = [
  ['rozbior', 'rozebr', 'wyburz', 'likwid', 'usuni', 'demontaz'],
  ['garaz', 'blaszak', 'gospodarcz', 'wiat', 'szop'],
  ['mieszkal', 'jednorodzin', 'dom'],
  ['ogrodzen', 'plot', 'parkan'],
  ['drzew', 'wycink', 'zielen'],
  ['zabudow', 'warunk'],
];
const CONCEPT_WEIGHT = 3;

const FOLD: Record<string, string> = { ą: 'a', ć: 'c', ę: 'e', ł: 'l', ń: 'n', ó: 'o', ś: 's', ź: 'z', ż: 'z' };
const fold = (s: string) => s.toLowerCase().replace(/[ąćęłńóśźż]/g, (c) => FOLD[c]!);

function hashOf(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The concept model: one vector per text (the server normalises them). */
export function conceptVectors(texts: string[]): number[][] {
  return texts.map((text) => {
    const v: number[] = Array.from({ length: EMBEDDING_DIMENSIONS }, () => 0);
    for (const word of fold(text).match(/\p{L}{3,}/gu) ?? []) {
      const c = CONCEPTS.findIndex((stems) => stems.some((s) => word.startsWith(s)));
      if (c >= 0) v[c]! += CONCEPT_WEIGHT;
      else v[CONCEPTS.length + (hashOf(word) % (EMBEDDING_DIMENSIONS - CONCEPTS.length))]! += 0.3;
    }
    if (!v.some((x) => x !== 0)) v[EMBEDDING_DIMENSIONS - 1] = 1; // never a zero vector
    return v;
  });
}

/** The environment that points kwerenda's embedder at the stub. */
export function embeddingEnv(baseUrl: string): Record<string, string> {
  return { EMBEDDINGS_BASE_URL: baseUrl, EMBEDDINGS_MODEL: 'pojecia-test', EMBEDDINGS_DIMENSIONS: String(EMBEDDING_DIMENSIONS) };
}

export const DEMOLITION_TITLE = 'DECYZJA NR 412/2021';

/** Each document is a list of pages, each a list of lines. */
const DOCS: { file: string; pages: string[][] }[] = [
  {
    // The operative sentence opens page 2: a chunk never crosses a page, so the passage the search
    // finds by meaning starts with it.
    file: 'WUA-ZRB.6740.2.77.2021/decyzja_rozbiorka.pdf',
    pages: [
      [
        'PREZYDENT WROCŁAWIA', 'Wrocław, dnia 12 marca 2021 r.', 'Znak sprawy: WUA-ZRB.6740.2.77.2021', '',
        DEMOLITION_TITLE, '',
        'Na podstawie art. 104 Kodeksu postępowania administracyjnego oraz art. 28 ustawy',
        'Prawo budowlane, po rozpatrzeniu wniosku inwestora z dnia 2 lutego 2021 r.',
      ],
      [
        'udzielam pozwolenia na rozbiórkę garażu blaszanego wraz z fundamentem,',
        'położonego na działce nr 12/4 obręb Krzyki.', '',
        'Uzasadnienie', 'Obiekt jest zniszczony i nie nadaje się do dalszego użytkowania.',
      ],
    ],
  },
  {
    file: 'WUA-ZWZ.6730.1.15.2020/decyzja_wz.pdf',
    pages: [[
      'PREZYDENT WROCŁAWIA', 'Wrocław, dnia 3 lutego 2020 r.', 'Znak sprawy: WUA-ZWZ.6730.1.15.2020', '',
      'DECYZJA NR 88/2020', '',
      'Ustalam warunki zabudowy dla inwestycji polegającej na budowie budynku mieszkalnego',
      'jednorodzinnego na działce nr 7/2 obręb Jagodno.',
    ]],
  },
  {
    file: 'WUA-ZRB.6743.3.5.2022/postanowienie_ogrodzenie.pdf',
    pages: [[
      'PREZYDENT WROCŁAWIA', 'Wrocław, dnia 9 maja 2022 r.', 'Znak sprawy: WUA-ZRB.6743.3.5.2022', '',
      'POSTANOWIENIE', '',
      'Wzywam do uzupełnienia zgłoszenia budowy ogrodzenia od strony ulicy',
      'o rysunek przekroju przęsła w terminie 7 dni.',
    ]],
  },
];

/** Every folded word of the demolition decision (the test's question must use none of them). */
export function demolitionWords(): Set<string> {
  return new Set(DOCS[0]!.pages.flat().flatMap((l) => fold(l).match(/\p{L}+/gu) ?? []));
}
export { fold as foldWords };

async function writePdf(file: string, pages: string[][]): Promise<void> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  pdf.registerFontkit(fontkit);
  const font = await pdf.embedFont(fontBytes('serif-r'), { subset: true });
  const bold = await pdf.embedFont(fontBytes('serif-b'), { subset: true });
  for (const lines of pages) {
    const page = pdf.addPage([595.28, 841.89]);
    let y = 780;
    for (const line of lines) {
      const heading = line.length > 0 && /^[A-ZĄĆĘŁŃÓŚŹŻ ]+( NR .*)?$/.test(line);
      if (line) page.drawText(line, { x: 60, y, size: heading ? 13 : 11, font: heading ? bold : font, color: rgb(0, 0, 0) });
      y -= 20;
    }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, await pdf.save());
}

/** Writes the PDFs and ingests them with the embedding server at `baseUrl`; returns the data dir. */
export async function buildParaphraseArchive(baseUrl: string): Promise<string> {
  const src = tempDir('paraphrase-src');
  const dataDir = tempDir('paraphrase-archive');
  try {
    for (const d of DOCS) await writePdf(path.join(src, d.file), d.pages);
    const rt = await ingestRuntime(dataDir, embeddingEnv(baseUrl), 1);
    try {
      const r = await rt.ingest.run({ paths: [src], caseOverride: null });
      if (r.failures.length > 0) throw new Error(`paraphrase archive: ${r.failures.map((f) => f.error).join('; ')}`);
    } finally {
      await rt.close();
    }
  } finally {
    fs.rmSync(src, { recursive: true, force: true });
  }
  return dataDir;
}

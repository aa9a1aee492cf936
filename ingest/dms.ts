/**
 * Import from the city's document management system (EZD): a folder export where every file has a
 * metadata sidecar — either `<file>.json` beside it (`decyzja.pdf.json`) or a row in one
 * `metadata.csv` per folder (header `file,caseNumber,docType,date,externalId[,externalUrl]`).
 *
 * The sidecar is what the records office registered, so its case signature, type and date win over
 * what kwerenda reads from the text; both are stored, the sidecar's with `origin: 'dms'`. A missing
 * or broken sidecar fails that file with a Polish reason the records staff can fix (the batch goes
 * on): silently ingesting it without its external id would lose the link back to the case.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { IngestError } from '../server/errors.js';
import { normaliseSignature } from './metadata/index.js';
import type { MetaValue } from './types.js';

/** Name of the per-folder CSV sidecar. */
export const DMS_CSV_NAME = 'metadata.csv';

/** True for sidecar files, which are never ingested as documents: `x.pdf.json`, `metadata.csv`. */
export function isSidecarName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === DMS_CSV_NAME || /\.[a-z0-9]{2,5}\.json$/.test(lower);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const optionalText = (max: number) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().min(1).max(max).optional());

/** One file's metadata as the document management system exported it. Unknown fields are ignored. */
export const zDmsSidecar = z.object({
  caseNumber: optionalText(200),
  docType: optionalText(100),
  date: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(ISO_DATE, 'oczekiwano RRRR-MM-DD')
      .refine((s) => {
        const d = new Date(`${s}T00:00:00Z`);
        return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
      }, 'nieprawidłowa data')
      .optional(),
  ),
  externalId: z.string({ error: 'brak identyfikatora w systemie EZD' }).trim().min(1, 'pusty identyfikator').max(200),
  externalUrl: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .max(2000)
      .refine((s) => /^https?:$/.test(safeProtocol(s)), 'oczekiwano adresu http(s)')
      .optional(),
  ),
});
export type DmsSidecarInput = z.infer<typeof zDmsSidecar>;

/** A validated sidecar: the case signature normalised, the document type lower-case. */
export interface DmsMetadata {
  caseNumber: string | null;
  /** The signature as written in the sidecar (kept as `raw`). */
  caseNumberRaw: string | null;
  docType: string | null;
  date: string | null;
  externalId: string;
  externalUrl: string | null;
  /** Where it was read, e.g. "decyzja.pdf.json" or "metadata.csv, wiersz 3". */
  origin: string;
}

function safeProtocol(s: string): string {
  try {
    return new URL(s).protocol;
  } catch {
    return '';
  }
}

function fail(detail: string): never {
  throw new IngestError('dms_metadata', detail);
}

function validate(input: unknown, where: string): DmsMetadata {
  const parsed = zDmsSidecar.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'opis'}: ${i.message}`).slice(0, 3);
    fail(`${where}: ${issues.join('; ')}`);
  }
  const s = parsed.data;
  let caseNumber: string | null = null;
  if (s.caseNumber !== undefined) {
    caseNumber = normaliseSignature(s.caseNumber);
    if (caseNumber === null) fail(`${where}: caseNumber: nierozpoznany znak sprawy`);
  }
  return {
    caseNumber,
    caseNumberRaw: s.caseNumber ?? null,
    docType: s.docType?.toLocaleLowerCase('pl') ?? null,
    date: s.date ?? null,
    externalId: s.externalId,
    externalUrl: s.externalUrl ?? null,
    origin: where,
  };
}

/**
 * Parses CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF; a leading BOM is dropped;
 * `;` is accepted as the separator when the header uses it, as Polish spreadsheet exports do).
 */
export function parseCsv(text: string): string[][] {
  const src = text.replace(/^\uFEFF/, '');
  const firstLine = src.slice(0, src.search(/\r?\n|$/));
  const sep = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === sep) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (quoted) fail(`${DMS_CSV_NAME}: niezamknięty cudzysłów`);
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

/** The rows of a folder's metadata.csv keyed by file name, each already validated lazily. */
function csvRowFor(csvPath: string, fileName: string): { input: Record<string, string>; line: number } | null {
  const rows = parseCsv(fs.readFileSync(csvPath, 'utf8'));
  const header = (rows[0] ?? []).map((h) => h.trim());
  if (!header.includes('file') || !header.includes('externalId')) {
    fail(`${DMS_CSV_NAME}: nagłówek musi zawierać kolumny file i externalId`);
  }
  let found: { input: Record<string, string>; line: number } | null = null;
  rows.slice(1).forEach((cells, i) => {
    const input: Record<string, string> = {};
    header.forEach((h, j) => (input[h] = (cells[j] ?? '').trim()));
    if (input.file !== fileName) return;
    if (found) fail(`${DMS_CSV_NAME}: plik ${fileName} opisany w kilku wierszach`);
    found = { input, line: i + 2 };
  });
  return found;
}

/**
 * Reads and validates the sidecar of `filePath`. Throws IngestError('dms_metadata') when it is
 * missing, unreadable, invalid, or when both a JSON sidecar and a CSV row describe the file.
 */
export function readSidecar(filePath: string): DmsMetadata {
  const name = path.basename(filePath);
  const jsonPath = `${filePath}.json`;
  const csvPath = path.join(path.dirname(filePath), DMS_CSV_NAME);
  const hasJson = fs.existsSync(jsonPath);
  let row: { input: Record<string, string>; line: number } | null = null;
  try {
    row = fs.existsSync(csvPath) ? csvRowFor(csvPath, name) : null;
  } catch (err) {
    if (err instanceof IngestError) throw err;
    fail(`${DMS_CSV_NAME}: nie można odczytać (${(err as Error).message.slice(0, 120)})`);
  }
  if (hasJson && row) fail(`plik opisany dwa razy: ${name}.json i ${DMS_CSV_NAME}, wiersz ${row.line}`);
  if (row) return validate(row.input, `${DMS_CSV_NAME}, wiersz ${row.line}`);
  if (!hasJson) fail(`brak metadanych: oczekiwano ${name}.json lub wiersza w ${DMS_CSV_NAME}`);
  let input: unknown;
  try {
    input = JSON.parse(fs.readFileSync(jsonPath, 'utf8').replace(/^\uFEFF/, ''));
  } catch {
    fail(`${name}.json: niepoprawny JSON`);
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) fail(`${name}.json: oczekiwano obiektu JSON`);
  return validate(input, `${name}.json`);
}

/** The sidecar's values as metadata with provenance `origin: 'dms'` (no page, no span). */
export function dmsMetaValues(d: DmsMetadata): MetaValue[] {
  const out: MetaValue[] = [];
  const extra = { source: d.origin };
  if (d.caseNumber) {
    out.push({ kind: 'caseNumber', value: d.caseNumber, raw: d.caseNumberRaw ?? d.caseNumber, page: null, start: null, end: null, origin: 'dms', extra });
  }
  if (d.docType) out.push({ kind: 'docType', value: d.docType, raw: d.docType, page: null, start: null, end: null, origin: 'dms', extra });
  if (d.date) {
    out.push({ kind: 'date', value: d.date, raw: d.date, page: null, start: null, end: null, origin: 'dms', extra: { ...extra, role: 'document' } });
  }
  return out;
}

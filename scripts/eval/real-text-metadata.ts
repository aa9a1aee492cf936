/**
 * Metadata extraction on the rendered real texts, read back the way the product stores it (the
 * `metadata` table of an ingested data dir: kind, value, page, start, end, extra) and scored per
 * field against the records' labels with metadata-score.ts, born-digital and scanned apart.
 */
import type Database from 'better-sqlite3';
import type { MetadataRow } from '../../server/search/sqlite/rows.js';
import type { RealTextFile, RealTextRecord } from '../../fixtures/real-text.js';
import {
  type Claim, type Equal, type FieldTally, type Label, addTally, alignOffsets, emptyTally, mapSpan, occurrences,
  parcelValue, precision, recall, sameAddress, sameCompact, sameName, sameOutcome, sameParcel, scoreField,
} from './metadata-score.js';

export const META_FIELDS = [
  'docType', 'date', 'signature', 'otherSignatures', 'issuer', 'parcels', 'addresses', 'parties', 'outcome',
] as const;
export type MetaField = (typeof META_FIELDS)[number];

const EQUAL: Record<MetaField, Equal> = {
  docType: sameCompact, date: sameCompact, signature: sameCompact, otherSignatures: sameCompact, issuer: sameName,
  parcels: sameParcel, addresses: sameAddress, parties: sameName, outcome: sameOutcome,
};

/** The metadata kinds a field is read from (kinds the product does not have yet simply never occur). */
const KINDS: Record<MetaField, readonly string[]> = {
  docType: ['docType'], date: ['date'], signature: ['caseNumber'], otherSignatures: ['caseNumber', 'reference', 'references'],
  issuer: ['issuer'], parcels: ['parcel'], addresses: ['address'], parties: ['investor', 'party'], outcome: ['outcome'],
};

/** A stored metadata row (server/search/sqlite/rows.ts) with its `extra` parsed. */
export type MetaRow = Omit<MetadataRow, 'document_id' | 'extra'> & { extra: Record<string, string> | null };

/** The document's own signature: the caseNumber marked `role: own`, else (no roles at all) the first from the text. */
function ownSignature(rows: readonly MetaRow[]): MetaRow | null {
  const text = rows.filter((r) => r.kind === 'caseNumber' && r.origin === 'text');
  if (text.some((r) => r.extra?.role)) return text.find((r) => r.extra?.role === 'own') ?? null;
  return text[0] ?? null;
}

/** The rows the product claims for one field of one document. */
export function claimedRows(field: MetaField, rows: readonly MetaRow[]): MetaRow[] {
  const own = ownSignature(rows);
  switch (field) {
    case 'docType':
      return rows.filter((r) => r.kind === 'docType').slice(0, 1);
    case 'date': {
      const dates = rows.filter((r) => r.kind === 'date');
      return dates.filter((r) => r.extra?.role === 'document').slice(0, 1);
    }
    case 'signature':
      return own ? [own] : [];
    case 'otherSignatures':
      return rows.filter((r) => (r.kind === 'caseNumber' && r.origin === 'text' && r !== own) || (r.kind !== 'caseNumber' && KINDS.otherSignatures.includes(r.kind)));
    default:
      return rows.filter((r) => KINDS[field].includes(r.kind));
  }
}

const str = (x: unknown): string | null => (typeof x === 'string' && x.trim() !== '' ? x : null);
const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

/** The labels of one field of a record, each with the places of its labelled span in the text. */
export function labelsOf(field: MetaField, r: RealTextRecord): Label[] {
  const text = r.pages[0] ?? '';
  const at = (span: unknown) => occurrences(text, str(span) ?? '');
  if (['docType', 'date', 'signature', 'issuer', 'outcome'].includes(field)) {
    const v = str(r.labels[field]);
    return v === null ? [] : [{ value: v, spans: at(r.spans[field]) }];
  }
  const spans = list(r.spans[field]);
  return list(r.labels[field]).flatMap((v, i): Label[] => {
    if (field === 'parcels') {
      const p = (v ?? {}) as { number?: unknown; precinct?: unknown };
      const n = str(p.number);
      return n === null ? [] : [{ value: parcelValue(n, str(p.precinct)), spans: at(spans[i]) }];
    }
    const s = str(v);
    return s === null ? [] : [{ value: s, spans: at(spans[i]) }];
  });
}

/** The value a row claims; signatures as written on the page (the labels keep clerks' initials and spacing). */
const rowValue = (field: MetaField, r: MetaRow): string =>
  field === 'parcels'
    ? parcelValue(r.value, [r.extra?.obrebNr, r.extra?.obreb].filter(Boolean).join(' ') || null)
    : (field === 'signature' || field === 'otherSignatures') && r.raw
      ? r.raw
      : r.value;

export interface DocMeta {
  pageText: string;
  rows: MetaRow[];
}

/** Metadata and page 1 text of every ready document, by SHA-256. */
export function readDocMeta(db: Database.Database): Map<string, DocMeta> {
  const out = new Map<string, DocMeta>();
  const docs = db.prepare(
    "SELECT d.id, d.sha256, p.text FROM documents d LEFT JOIN pages p ON p.document_id = d.id AND p.page = 1 WHERE d.status = 'ready'",
  ).all() as { id: number; sha256: string; text: string | null }[];
  const meta = db.prepare('SELECT kind, value, raw, page, start, "end", origin, extra FROM metadata WHERE document_id = ? ORDER BY id');
  for (const d of docs) {
    const rows = (meta.all(d.id) as (Omit<MetaRow, 'extra'> & { extra: string | null })[])
      .map((r) => ({ ...r, extra: r.extra ? (JSON.parse(r.extra) as Record<string, string>) : null }));
    out.set(d.sha256, { pageText: d.text ?? '', rows });
  }
  return out;
}

export type MetaClass = 'born-digital' | 'scanned';

export interface MetaMiss {
  id: string;
  cls: MetaClass;
  field: MetaField;
  labels: string[];
  claims: string[];
}

export interface MetadataScores {
  tallies: Record<MetaClass, Record<MetaField, FieldTally>>;
  /** Kinds present in the data dir at all (a field whose kinds never occur is "not extracted"). */
  kinds: Set<string>;
  misses: MetaMiss[];
  missingFiles: string[];
}

/** Scores every rendered file that was ingested; files without a ready document are listed as missing. */
export function scoreMetadata(records: readonly RealTextRecord[], files: readonly RealTextFile[], docs: Map<string, DocMeta>): MetadataScores {
  const byId = new Map(records.map((r) => [r.id, r]));
  const blank = () => Object.fromEntries(META_FIELDS.map((f) => [f, emptyTally()])) as Record<MetaField, FieldTally>;
  const out: MetadataScores = { tallies: { 'born-digital': blank(), scanned: blank() }, kinds: new Set(), misses: [], missingFiles: [] };
  for (const f of files) {
    const r = byId.get(f.id);
    const d = docs.get(f.sha256);
    if (!r || !d) {
      out.missingFiles.push(f.path);
      continue;
    }
    for (const row of d.rows) out.kinds.add(row.kind);
    const cls: MetaClass = f.scanned ? 'scanned' : 'born-digital';
    const map = alignOffsets(d.pageText, r.pages[0] ?? '');
    for (const field of META_FIELDS) {
      const labels = labelsOf(field, r);
      const rows = claimedRows(field, d.rows);
      const claims: Claim[] = rows.map((row) => ({
        value: rowValue(field, row),
        span: row.page === 1 && row.start !== null && row.end !== null ? mapSpan(map, row.start, row.end) : null,
      }));
      const t = scoreField(claims, labels, EQUAL[field]);
      out.tallies[cls][field] = addTally(out.tallies[cls][field], t);
      if (t.fp > 0 || t.tp < t.labelled) {
        out.misses.push({ id: r.id, cls, field, labels: labels.map((l) => l.value), claims: claims.map((c) => c.value) });
      }
    }
  }
  return out;
}

const f2 = (x: number) => (Number.isNaN(x) ? '—' : x.toFixed(2));

/** Markdown: precision/recall per field, born-digital and scanned side by side, then the misses. */
export function formatMetadata(s: MetadataScores, opts: { missesPerField?: number } = {}): string {
  const out = ['## Metadata per field', '',
    'TP = value equal to the label (case, diacritics, whitespace folded) **and** its stored span overlapping the labelled span. ' +
      'A value where the label is null, a wrong value, or a right value from another place is a false positive.', '',
    '| field | born-digital P | R | TP / claimed / labelled | wrong span | scanned P | R | TP / claimed / labelled | wrong span |',
    '|---|---|---|---|---|---|---|---|---|'];
  for (const field of META_FIELDS) {
    const absent = !KINDS[field].some((k) => s.kinds.has(k)) ? ' (not extracted)' : '';
    const cells = (['born-digital', 'scanned'] as const).flatMap((cls) => {
      const t = s.tallies[cls][field];
      return [f2(precision(t)), f2(recall(t)), `${t.tp} / ${t.claimed} / ${t.labelled}`, String(t.wrongSpan)];
    });
    out.push(`| ${field}${absent} | ${cells.join(' | ')} |`);
  }
  if (s.missingFiles.length) out.push('', `Files not ingested (not scored): ${s.missingFiles.join(', ')}`);
  const limit = opts.missesPerField ?? 8;
  out.push('', '### Metadata misses (born-digital; first few per field)', '');
  for (const field of META_FIELDS) {
    const ms = s.misses.filter((m) => m.field === field && m.cls === 'born-digital');
    if (!ms.length) continue;
    const show = ms.slice(0, limit).map((m) => `${m.id}: label ${JSON.stringify(m.labels)} → ${JSON.stringify(m.claims.slice(0, 4))}`);
    out.push(`- **${field}** (${ms.length}): ${show.join('; ').replace(/\|/g, '\\|')}${ms.length > limit ? '; …' : ''}`);
  }
  return `${out.join('\n')}\n`;
}

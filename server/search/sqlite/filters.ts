/**
 * SearchFilters as SQL conditions on the documents table (alias `d`), so that every query applies
 * them before its LIMIT. Values are always bound parameters.
 *
 * Folded comparisons (case, diacritics) are resolved in JS on the *distinct* stored values — a few
 * dozen document types, a few hundred precincts — and sent as an IN list that SQLite answers from
 * an index. A JS function called per row (`kw_fold(doc_type) = ?`) costs ~0.5 µs a row, 50 ms on a
 * 100k-chunk archive; the distinct lists are cached until the archive changes.
 */
import { fold } from '../../../ingest/metadata/common.js';
import { normaliseSignature } from '../../../ingest/metadata/signature.js';
import type { Db } from '../../store/db.js';
import type { SearchFilters } from '../../domain/types.js';

/** Case, Latin diacritics (ł included) and whitespace runs folded: "Obręb  OPORÓW" → "obreb oporow". */
export function foldKey(s: string): string {
  return fold(s.normalize('NFC')).replace(/\s+/g, ' ').trim();
}

/** A parcel number as stored: "45 / 7" → "45/7". */
export function normaliseParcel(s: string): string {
  return s.replace(/\s+/g, '');
}

/** A case signature in canonical form when it is one, else the trimmed text. */
export function normaliseCase(s: string): { value: string; canonical: boolean } {
  const canonical = normaliseSignature(s);
  return canonical !== null ? { value: canonical, canonical: true } : { value: s.trim(), canonical: false };
}

/**
 * Parcel rows by precinct. Without ANALYZE statistics SQLite prefers the (kind, value) index and
 * reads every parcel row's JSON (15–25 ms at 10k documents); the partial index of migration 4 answers
 * in ~1 ms, so it is named explicitly when it exists (a read-only archive may predate it).
 */
const PARCELS_BY_PRECINCT = 'metadata m INDEXED BY metadata_parcel_obreb';

/** Distinct stored values that folded comparisons choose from. */
const DISTINCT = {
  docType: 'SELECT DISTINCT doc_type FROM documents WHERE doc_type IS NOT NULL',
  caseNumber: 'SELECT DISTINCT case_number FROM documents WHERE case_number IS NOT NULL',
  precinct: "SELECT DISTINCT json_extract(m.extra, '$.obreb') AS v FROM PARCELS WHERE m.kind = 'parcel' AND v IS NOT NULL",
  metadata: 'SELECT DISTINCT value FROM metadata WHERE kind = ?',
} as const;

/** Stored values by folded comparison; lists are re-read only after the archive changed. */
export class FoldedValues {
  private readonly folded = new Map<string, string>(); // raw → foldKey(raw): never stale
  private readonly lists = new Map<string, string[]>();
  private key = '';
  private readonly version;
  /** FROM clause for parcel rows looked up by precinct. */
  readonly parcelsByPrecinct: string;

  constructor(private readonly db: Db) {
    const indexed = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'metadata_parcel_obreb'").get();
    this.parcelsByPrecinct = indexed ? PARCELS_BY_PRECINCT : 'metadata m';
    const dataVersion = db.prepare('PRAGMA data_version').pluck();
    const changes = db.prepare('SELECT total_changes()').pluck();
    this.version = () => `${dataVersion.get()}:${changes.get()}`;
  }

  private fold(raw: string): string {
    let f = this.folded.get(raw);
    if (f === undefined) {
      if (this.folded.size > 200_000) this.folded.clear();
      f = foldKey(raw);
      this.folded.set(raw, f);
    }
    return f;
  }

  private distinct(list: keyof typeof DISTINCT, param?: string): string[] {
    const key = this.version();
    if (key !== this.key) {
      this.lists.clear();
      this.key = key;
    }
    const id = `${list}:${param ?? ''}`;
    let values = this.lists.get(id);
    if (!values) {
      const stmt = this.db.prepare(DISTINCT[list].replace('PARCELS', this.parcelsByPrecinct)).pluck();
      values = (param === undefined ? stmt.all() : stmt.all(param)).filter((v): v is string => typeof v === 'string');
      this.lists.set(id, values);
    }
    return values;
  }

  /** Stored values of `list` whose folded form equals (or, with `prefix`, starts with) the folded `query`. */
  matching(list: keyof typeof DISTINCT, query: string, opts: { prefix?: boolean; kind?: string } = {}): string[] {
    const q = foldKey(query);
    return this.distinct(list, opts.kind).filter((v) => {
      const f = this.fold(v);
      return opts.prefix ? f.startsWith(q) : f === q;
    });
  }
}

export interface SqlCondition {
  /** Empty, or conditions each starting with " AND ". */
  sql: string;
  params: unknown[];
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
/** `col IN (list)` with the list as one JSON parameter (an empty list matches nothing). */
const inList = (col: string) => `${col} IN (SELECT value FROM json_each(?))`;

/** A parcel metadata row with this number and/or in this precinct, as `d.id IN (…)`. */
function parcelCondition(parcel: string | undefined, precinct: string | undefined, values: FoldedValues): SqlCondition {
  if (parcel === undefined && precinct === undefined) return { sql: '', params: [] };
  const from = precinct !== undefined ? values.parcelsByPrecinct : 'metadata m';
  let sql = ` AND d.id IN (SELECT m.document_id FROM ${from} WHERE m.kind = 'parcel'`;
  const params: unknown[] = [];
  if (parcel !== undefined) {
    sql += ' AND m.value = ?';
    params.push(normaliseParcel(parcel));
  }
  if (precinct !== undefined) {
    sql += ` AND ${inList("json_extract(m.extra, '$.obreb')")}`;
    params.push(JSON.stringify(values.matching('precinct', precinct)));
  }
  return { sql: `${sql})`, params };
}

/**
 * Conditions for `filters` on `documents d` (the ready status is the caller's). A parcel and a
 * precinct given together must hold for the same parcel ("45/7 obręb Oporów", not 45/7 in one
 * precinct and another parcel in Oporów).
 */
export function filterSql(filters: SearchFilters | undefined, values: FoldedValues): SqlCondition {
  const f = filters ?? {};
  let sql = '';
  const params: unknown[] = [];
  const caseNumber = text(f.caseNumber);
  if (caseNumber !== undefined) {
    const c = normaliseCase(caseNumber);
    if (c.canonical) {
      sql += ' AND d.case_number = ?';
      params.push(c.value);
    } else {
      sql += ` AND ${inList('d.case_number')}`;
      params.push(JSON.stringify(values.matching('caseNumber', c.value)));
    }
  }
  const docType = text(f.docType);
  if (docType !== undefined) {
    sql += ` AND ${inList('d.doc_type')}`;
    params.push(JSON.stringify(values.matching('docType', docType, { prefix: true })));
  }
  const from = text(f.dateFrom);
  if (from !== undefined) {
    sql += ' AND d.doc_date >= ?';
    params.push(from);
  }
  const to = text(f.dateTo);
  if (to !== undefined) {
    sql += ' AND d.doc_date <= ?';
    params.push(to);
  }
  const parcel = parcelCondition(text(f.parcel), text(f.precinct), values);
  return { sql: sql + parcel.sql, params: [...params, ...parcel.params] };
}

/** True when `filters` restricts anything. */
export function hasFilters(filters: SearchFilters | undefined): boolean {
  const f = filters ?? {};
  return [f.caseNumber, f.docType, f.dateFrom, f.dateTo, f.precinct, f.parcel].some((v) => text(v) !== undefined);
}

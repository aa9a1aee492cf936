/**
 * The document's metadata as the archive read it, each value linked to the span of the page it was
 * read from (opening the link highlights that span like a citation). What the document is comes
 * first (type, its own signature, its own date, who issued it, how it was decided), then what it
 * mentions (signatures it cites, parcels, addresses, investors, dates it only mentions). A value
 * the model proposed says so, next to the quote of the page that confirms it.
 */
import { h } from './dom.js';
import { pl } from './i18n/pl.js';
import type { DocumentRecord, MetadataValue } from './types.js';

/** Rows of the table, in order; a date is the document's own unless its role says it is only mentioned. */
const ORDER = ['docType', 'caseNumber', 'date', 'issuer', 'outcome', 'references', 'parcel', 'address', 'investor', 'mentionedDate'] as const;
type Row = (typeof ORDER)[number];

function rowOf(m: MetadataValue): Row | null {
  if (m.kind === 'date') return m.extra?.role === 'mentioned' ? 'mentionedDate' : 'date';
  return (ORDER as readonly string[]).includes(m.kind ?? '') && m.kind !== 'mentionedDate' ? (m.kind as Row) : null;
}

/** "Sąd" for a court, "Organ wydający" for any other issuer (mayor, governor, appeals board …). */
export function issuerLabel(value: string, extra?: Record<string, string>): string {
  const court = extra?.type === 'court' || /(^|[\s,])sąd(\s|$)/iu.test(value) || /^(W|N)SA\b/.test(value);
  return court ? pl.metadata.court : pl.metadata.kinds.issuer!;
}

function label(row: Row, m: MetadataValue): string {
  if (row === 'issuer') return issuerLabel(m.value!, m.extra);
  return pl.metadata.kinds[row] ?? row;
}

export function metadataSection(doc: DocumentRecord, href: (page: number, start: number, end: number) => string): HTMLElement | null {
  const shown = doc.metadata
    .filter((m) => typeof m.value === 'string')
    .map((m) => ({ m, row: rowOf(m) }))
    .filter((x): x is { m: MetadataValue; row: Row } => x.row !== null)
    .sort((a, b) => ORDER.indexOf(a.row) - ORDER.indexOf(b.row) || (a.m.page ?? 0) - (b.m.page ?? 0) || (a.m.start ?? 0) - (b.m.start ?? 0));
  if (shown.length === 0) return null;
  const rows = shown.map(({ m, row }) => {
    const hasSpan = typeof m.page === 'number' && typeof m.start === 'number' && typeof m.end === 'number';
    const byModel = m.origin === 'llm';
    return h('tr', { class: byModel ? 'meta-llm' : undefined, 'data-kind': row },
      h('th', { scope: 'row' }, label(row, m)),
      h('td', {}, m.value!, byModel ? h('span', { class: 'meta-origin' }, pl.metadata.fromModel) : null),
      h('td', {}, hasSpan
        ? h('a', { href: href(m.page!, m.start!, m.end!), class: 'meta-span' }, pl.metadata.source(m.page!, m.raw ?? m.value!))
        : m.origin === 'dms' ? pl.metadata.fromDms : pl.metadata.noSpan));
  });
  return h('details', { class: 'doc-metadata' },
    h('summary', {}, pl.metadata.heading),
    h('table', {},
      h('caption', { class: 'visually-hidden' }, pl.metadata.heading),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, pl.metadata.kind), h('th', { scope: 'col' }, pl.metadata.value), h('th', { scope: 'col' }, pl.metadata.where))),
      h('tbody', {}, ...rows)));
}

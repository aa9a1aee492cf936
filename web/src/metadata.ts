/**
 * The document's metadata as the archive read it, each value linked to the span of the page it was
 * read from (opening the link highlights that span like a citation).
 */
import { h } from './dom.js';
import { pl } from './i18n/pl.js';
import type { DocumentRecord } from './types.js';

const ORDER = ['caseNumber', 'docType', 'date', 'references', 'parcel', 'address', 'investor'];

export function metadataSection(doc: DocumentRecord, href: (page: number, start: number, end: number) => string): HTMLElement | null {
  const shown = doc.metadata
    .filter((m) => typeof m.value === 'string' && ORDER.includes(m.kind ?? ''))
    .sort((a, b) => ORDER.indexOf(a.kind!) - ORDER.indexOf(b.kind!) || (a.page ?? 0) - (b.page ?? 0) || (a.start ?? 0) - (b.start ?? 0));
  if (shown.length === 0) return null;
  const rows = shown.map((m) => {
    const hasSpan = typeof m.page === 'number' && typeof m.start === 'number' && typeof m.end === 'number';
    return h('tr', {},
      h('th', { scope: 'row' }, pl.metadata.kinds[m.kind!] ?? m.kind!),
      h('td', {}, m.value!),
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

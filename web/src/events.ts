/**
 * "Dziennik zdarzeń", the second tab of Nadzór (`#/audit/events?action=&user=&dateFrom=&dateTo=&offset=`):
 * the audit trail's entries as a dense table — when, who, what in Polish, what it concerned, and
 * the details summarised — with filters and paging in the URL. Read-only, like the trail itself.
 */
import { callJson } from './api.js';
import { append, focusHeading, h, replace } from './dom.js';
import { showError } from './errors.js';
import { plEvents as t } from './i18n/pl-admin.js';
import { pl } from './i18n/pl.js';
import { auditTabs } from './nav.js';
import { viewerHref } from './viewer.js';

/** One entry of `GET /api/audit/events` (server/store/audit-log.ts `AuditEntry`, hashes left out). */
export interface AuditEvent {
  seq: number;
  at: string;
  actorName: string | null;
  actorRole: string | null;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  ip: string | null;
}

const PAGE = 50;
const KEYS = ['action', 'user', 'dateFrom', 'dateTo'] as const;
const GROUPS = ['auth', 'document', 'ingest', 'audit'];
let generation = 0;

const when = (iso: string) => new Date(iso).toLocaleString('pl-PL', { dateStyle: 'short', timeStyle: 'medium' });
const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const str = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v));

function eventsHref(q: URLSearchParams): string {
  return `#/audit/events${q.size ? '?' + q.toString() : ''}`;
}

export function renderEvents(root: HTMLElement, query: URLSearchParams): void {
  const gen = ++generation;
  const heading = h('h2', { id: 'events-h' }, t.heading);
  const field = (key: string, label: string, type: string) =>
    h('div', { class: 'field' }, h('label', { for: `e-${key}` }, label),
      h('input', { id: `e-${key}`, name: key, type, value: query.get(key) ?? '', autocomplete: 'off' }));
  const kind = h('select', { id: 'e-action', name: 'action' },
    h('option', { value: '' }, t.anyKind),
    ...GROUPS.map((g) => h('option', { value: g, selected: query.get('action') === g }, t.groups[g]!)),
    ...Object.entries(t.actions).map(([a, label]) => h('option', { value: a, selected: query.get('action') === a }, label)));
  const form = h('form', { class: 'audit-filters', 'aria-label': t.filters },
    h('div', { class: 'filter-grid' },
      h('div', { class: 'field' }, h('label', { for: 'e-action' }, t.kind), kind),
      field('user', t.user, 'text'), field('dateFrom', t.dateFrom, 'date'), field('dateTo', t.dateTo, 'date')),
    h('button', { type: 'submit', class: 'primary' }, t.apply), ' ',
    h('a', { href: '#/audit/events' }, t.clear));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const next = new URLSearchParams();
    for (const k of KEYS) {
      const v = (form.elements.namedItem(k) as HTMLInputElement | HTMLSelectElement).value.trim();
      if (v) next.set(k, v);
    }
    location.hash = eventsHref(next);
  });
  const status = h('div', { role: 'status', 'aria-live': 'polite' }, t.loading);
  const list = h('div', { id: 'events-list' });
  replace(root, auditTabs('events'), h('section', { 'aria-labelledby': 'events-h', class: 'events' }, heading, form, status, list));
  focusHeading(heading);

  const offset = Math.max(0, Number(query.get('offset')) || 0);
  const api = new URLSearchParams();
  for (const k of KEYS) if (query.get(k)) api.set(k, query.get(k)!);
  api.set('limit', String(PAGE));
  api.set('offset', String(offset));
  callJson<{ total: number; events: AuditEvent[] }>(`/api/audit/events?${api.toString()}`).then(
    (page) => {
      if (gen !== generation) return;
      status.replaceChildren();
      replace(list, eventTable(page.events, offset, page.total), pager(query, offset, page.total));
    },
    (err: unknown) => {
      if (gen === generation) showError(err, status);
    },
  );
}

function eventTable(rows: AuditEvent[], offset: number, total: number): HTMLElement {
  if (!rows.length) return h('p', { class: 'empty' }, t.none);
  const head = [t.when, t.who, t.what, t.target, t.details, t.ip].map((c) => h('th', { scope: 'col' }, c));
  return h('div', { class: 'doc-metadata' }, h('table', { class: 'events-table dense' },
    h('caption', {}, t.caption(offset + 1, offset + rows.length, total)),
    h('thead', {}, h('tr', {}, ...head)),
    h('tbody', {}, ...rows.map((e) => h('tr', { 'data-action': e.action, 'data-seq': e.seq },
      h('td', { class: 'when' }, h('time', { datetime: e.at }, when(e.at))),
      h('td', { class: 'who' }, e.actorName ?? t.anonymous, e.actorRole ? h('span', { class: 'hint' }, ` (${pl.roles[e.actorRole] ?? e.actorRole})`) : null),
      h('td', { class: 'what' }, t.actions[e.action] ?? e.action),
      h('td', { class: 'target' }, targetOf(e)),
      h('td', { class: 'details' }, detailsOf(e)),
      h('td', { class: 'ip' }, e.ip ?? ''))))));
}

/** What the entry concerned; a search or a document opens where it can be seen. */
function targetOf(e: AuditEvent): Node | string {
  const target = e.target ?? '';
  const search = /^search:([0-9a-f-]{1,64})$/i.exec(target);
  if (search) return h('a', { href: `#/audit/${search[1]}`, class: 'search-link' }, t.openSearch);
  if (/^(document|page|file)\./.test(e.action) && /^[A-Za-z0-9_-]{1,128}$/.test(target)) {
    const page = typeof e.details.page === 'number' ? e.details.page : 1;
    return h('a', { href: viewerHref(target, page), class: 'doc-link' }, target.length > 12 ? `${target.slice(0, 12)}…` : target);
  }
  return target;
}

/** The details in a few Polish words; unknown shapes fall back to key: value pairs. */
function detailsOf(e: AuditEvent): string {
  const d = e.details;
  const role = (r: unknown) => pl.roles[str(r)] ?? str(r);
  switch (e.action) {
    case 'auth.login':
      return t.via[str(d.via)] ?? str(d.via);
    case 'auth.login_failed':
      return t.failReasons[str(d.reason)] ?? str(d.reason);
    case 'search':
      return t.searchDetails(str(d.question), Array.isArray(d.resultIds) ? d.resultIds.length : 0);
    case 'verdict':
      return t.verdict(num(d.rank), pl.audit.verdicts[str(d.verdict)] ?? str(d.verdict));
    case 'page.view':
    case 'page.image':
      return t.page(num(d.page));
    case 'ingest.batch':
      return d.status === 'done' ? t.batchDone(num(d.files), num(d.ingested), num(d.present), num(d.failed)) : t.batchStarted(num(d.roots));
    case 'ingest.file': {
      const s = str(d.status);
      const word = pl.ingest.statuses[s] ?? (s === 'retry' ? pl.ingest.retry.toLowerCase() : s);
      return t.fileStatus(d.errorCode ? `${word}: ${str(d.errorCode)}` : word, d.batchId);
    }
    case 'user.created':
      return d.sso ? t.createdSso(role(d.role)) : t.created(role(d.role), d.password === true);
    case 'user.changed':
      if ('role' in d) return t.roleChange(role(d.previousRole), role(d.role));
      return d.disabled ? t.blockedNow : t.unblockedNow;
    case 'token.created':
      return t.tokenUntil(typeof d.expiresAt === 'string' ? new Date(d.expiresAt).toLocaleDateString('pl-PL') : '—');
    case 'token.revoked':
      return t.revoked(num(d.count), str(d.reason));
    case 'auth.denied':
      return (
        t.denied(str(d.method), str(d.route), t.denyReasons[str(d.reason)] ?? str(d.reason)) +
        (typeof d.unrecordedBefore === 'number' && d.unrecordedBefore > 0 ? t.unrecorded(d.unrecordedBefore) : '')
      );
    case 'audit.read':
      return t.auditRead(t.auditViews[str(d.view)] ?? str(d.view), d.returned);
    case 'audit.export':
      return t.exported(d.entries);
    default:
      return Object.entries(d).map(([k, v]) => `${k}: ${str(v)}`).join(', ');
  }
}

function pager(query: URLSearchParams, offset: number, total: number): HTMLElement | null {
  if (offset === 0 && total <= PAGE) return null;
  const link = (o: number, text: string, rel: string) => {
    const q = new URLSearchParams(query);
    if (o > 0) q.set('offset', String(o));
    else q.delete('offset');
    return h('a', { href: eventsHref(q), rel }, text);
  };
  const nav = h('nav', { class: 'pager', 'aria-label': t.pages });
  if (offset > 0) append(nav, link(Math.max(0, offset - PAGE), `‹ ${t.prev}`, 'prev'), ' ');
  if (offset + PAGE < total) append(nav, link(offset + PAGE, `${t.next} ›`, 'next'));
  return nav;
}

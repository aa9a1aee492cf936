/**
 * The supervisor's audit screens: `#/audit?user=&dateFrom=&dateTo=&offset=` lists past searches and
 * the weekly verdict summary; `#/audit/:id` shows one search exactly as stored (never re-run), each
 * citation linked to its page in the viewer, with verdict buttons per result.
 */
import { callJson } from './api.js';
import { askedConditions, partialNotice, resultConditions } from './conditions.js';
import { append, focusHeading, h, replace } from './dom.js';
import { showError } from './errors.js';
import { marked, matchRanges, termsOf } from './highlight.js';
import { pl } from './i18n/pl.js';
import { auditTabs } from './nav.js';
import type { AgentResponse, SearchResult } from './types.js';
import { viewerHref } from './viewer.js';
import { resultFacts, resultMeta } from './search.js';

const PAGE = 50;
const VERDICTS = ['relevant', 'not_relevant', 'citation_wrong'] as const;

interface ListedSearch { id: string; userName: string | null; createdAt: string; question: string; mode: string; resultCount: number }
interface Verdict { rank: number; verdict: string; userName: string | null; createdAt: string }
interface StoredSearch { id: string; userName: string | null; createdAt: string; question: string; mode: string; resultCount: number; response: AgentResponse; verdicts: Verdict[] }
interface Week { weekStart: string; relevant: number; notRelevant: number; citationWrong: number; total: number; precision: number }

const call = callJson;

const when = (iso: string) => new Date(iso).toLocaleString('pl-PL', { dateStyle: 'short', timeStyle: 'short' });
const timeEl = (iso: string) => h('time', { datetime: iso }, when(iso));
const who = (name: string | null) => name ?? pl.audit.cli;

/** Renders `#/audit` (the list, filtered by `query`) or `#/audit/:id` (one stored search). */
export function renderAudit(root: HTMLElement, id: string | null, query: URLSearchParams): void {
  if (id) void renderDetail(root, id);
  else void renderList(root, query);
}

async function renderList(root: HTMLElement, query: URLSearchParams): Promise<void> {
  const heading = h('h2', { id: 'audit-h' }, pl.audit.heading);
  const field = (key: string, label: string, type: string) =>
    h('div', { class: 'field' }, h('label', { for: `a-${key}` }, label),
      h('input', { id: `a-${key}`, name: key, type, value: query.get(key) ?? '', autocomplete: 'off' }));
  const form = h('form', { class: 'audit-filters', 'aria-label': pl.audit.filters },
    h('div', { class: 'filter-grid' }, field('user', pl.audit.user, 'text'), field('dateFrom', pl.audit.dateFrom, 'date'), field('dateTo', pl.audit.dateTo, 'date')),
    h('button', { type: 'submit', class: 'primary' }, pl.audit.apply), ' ',
    h('a', { href: '#/audit' }, pl.audit.clear));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const next = new URLSearchParams();
    for (const k of ['user', 'dateFrom', 'dateTo']) {
      const v = (form.elements.namedItem(k) as HTMLInputElement).value.trim();
      if (v) next.set(k, v);
    }
    location.hash = `#/audit${next.size ? '?' + next.toString() : ''}`;
  });
  const status = h('div', { role: 'status', 'aria-live': 'polite' }, pl.audit.loading);
  const list = h('section', { 'aria-labelledby': 'audit-h' });
  const summary = h('section', { 'aria-labelledby': 'summary-h', class: 'doc-metadata' });
  replace(root, auditTabs('searches'), h('section', { 'aria-labelledby': 'audit-h', class: 'audit' }, heading, form, status, list), summary);
  focusHeading(heading);

  const offset = Math.max(0, Number(query.get('offset')) || 0);
  const api = new URLSearchParams();
  for (const k of ['user', 'dateFrom', 'dateTo']) if (query.get(k)) api.set(k, query.get(k)!);
  api.set('limit', String(PAGE));
  api.set('offset', String(offset));
  try {
    const [page, sum] = await Promise.all([
      call<{ total: number; searches: ListedSearch[] }>(`/api/audit/searches?${api.toString()}`),
      call<{ weeks: Week[] }>('/api/audit/verdicts/summary'),
    ]);
    status.replaceChildren();
    replace(list, searchTable(page.searches, page.total), pager(query, offset, page.total));
    replace(summary, ...summaryTable(sum.weeks));
  } catch (err) {
    showError(err, status);
  }
}

function searchTable(rows: ListedSearch[], total: number): HTMLElement {
  if (!rows.length) return h('p', { class: 'empty' }, pl.audit.none);
  return h('div', { class: 'doc-metadata' }, h('table', { class: 'audit-list' },
    h('caption', {}, pl.audit.listCaption(rows.length, total)),
    h('thead', {}, h('tr', {}, ...[pl.audit.when, pl.audit.who, pl.audit.question, pl.audit.mode, pl.audit.results].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, ...rows.map((s) => h('tr', {},
      h('td', {}, timeEl(s.createdAt)),
      h('td', {}, who(s.userName)),
      h('td', {}, h('a', { href: `#/audit/${encodeURIComponent(s.id)}` }, s.question)),
      h('td', {}, pl.results.modes[s.mode] ?? s.mode),
      h('td', {}, s.resultCount))))));
}

function pager(query: URLSearchParams, offset: number, total: number): HTMLElement | null {
  const link = (o: number, text: string) => {
    const q = new URLSearchParams(query);
    if (o > 0) q.set('offset', String(o));
    else q.delete('offset');
    return h('a', { href: `#/audit${q.size ? '?' + q.toString() : ''}` }, text);
  };
  if (offset === 0 && total <= PAGE) return null;
  return h('p', { class: 'pager' }, offset > 0 ? link(Math.max(0, offset - PAGE), pl.audit.prev) : null, ' ',
    offset + PAGE < total ? link(offset + PAGE, pl.audit.next) : null);
}

function summaryTable(weeks: Week[]): (HTMLElement | string)[] {
  const heading = h('h2', { id: 'summary-h' }, pl.audit.summaryHeading);
  if (!weeks.length) return [heading, h('p', {}, pl.audit.summaryNone)];
  const cols = [pl.audit.week, pl.audit.relevant, pl.audit.notRelevant, pl.audit.citationWrong, pl.audit.total, pl.audit.precision];
  return [heading, h('table', { class: 'verdict-summary' },
    h('caption', {}, pl.audit.summaryCaption),
    h('thead', {}, h('tr', {}, ...cols.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, ...weeks.map((w) => h('tr', {},
      h('th', { scope: 'row' }, h('time', { datetime: w.weekStart }, w.weekStart)),
      h('td', {}, w.relevant), h('td', {}, w.notRelevant), h('td', {}, w.citationWrong), h('td', {}, w.total),
      h('td', {}, `${Math.round(w.precision * 100)}%`)))))];
}

async function renderDetail(root: HTMLElement, id: string): Promise<void> {
  const status = h('div', { role: 'status', 'aria-live': 'polite' }, pl.audit.loading);
  const back = h('p', {}, h('a', { href: '#/audit', class: 'back' }, `← ${pl.audit.back}`));
  replace(root, back, status);
  let s: StoredSearch;
  try {
    s = await call<StoredSearch>(`/api/audit/searches/${encodeURIComponent(id)}`);
  } catch (err) {
    showError(err, status);
    return;
  }
  const r = s.response;
  const heading = h('h2', { id: 'audit-detail-h' }, pl.audit.detailHeading(when(s.createdAt)));
  const facts = h('dl', { class: 'meta' },
    h('div', {}, h('dt', {}, pl.audit.who), h('dd', {}, who(s.userName))),
    h('div', {}, h('dt', {}, pl.audit.when), h('dd', {}, timeEl(s.createdAt))),
    h('div', {}, h('dt', {}, pl.audit.question), h('dd', { class: 'question' }, r.question)),
    h('div', {}, h('dt', {}, pl.audit.results), h('dd', {}, r.results.length)));
  const summary = h('div', { class: 'summary' },
    h('p', { class: 'mode' }, h('span', { class: 'label' }, pl.results.mode), ' ', pl.results.modes[r.mode] ?? r.mode),
    h('div', { class: 'plan' }, h('span', { class: 'label', id: 'plan-h' }, pl.results.searched),
      h('ul', { 'aria-labelledby': 'plan-h' }, ...r.plan.map((p) => h('li', {}, p.label, ' ', h('span', { class: 'hits' }, pl.results.hits(p.hits)))))),
    askedConditions(r));
  if (r.degraded) append(summary, h('p', { class: 'notice degraded' }, h('strong', {}, pl.results.degraded), ' ', pl.results.degradedReason, ' ', r.degraded.reason));
  for (const nf of r.notFound ?? []) append(summary, h('p', { class: 'notice not-found' }, `${pl.results.notFound} ${pl.results.notFoundPrefix[nf.kind] ?? ''}${nf.value}`));
  append(summary, partialNotice(r));
  const current = new Map(s.verdicts.map((v) => [v.rank, v]));
  const terms = termsOf(r.plan);
  const list = r.results.length
    ? h('ol', { class: 'results' }, ...r.results.map((res) => resultItem(s.id, res, terms, current.get(res.rank) ?? null)))
    : h('p', { class: 'empty' }, pl.results.none);
  status.replaceChildren();
  replace(root, back, h('section', { 'aria-labelledby': 'audit-detail-h', class: 'audit-detail' },
    heading, h('p', { class: 'hint' }, pl.audit.stored), facts, summary, status, list));
  focusHeading(heading);
}

/** One stored result, rendered with the same fields as the clerk's list, plus its verdict buttons. */
function resultItem(searchId: string, res: SearchResult, terms: string[], verdict: Verdict | null): HTMLElement {
  const d = res.document;
  const titleId = `r${res.rank}-t`;
  const meta = resultMeta(res);
  const cites = h('ul', { class: 'citations', 'aria-label': pl.results.citations },
    ...res.citations.map((c) => h('li', {},
      h('a', { href: viewerHref(d.id, c.page, { start: c.start, end: c.end }), class: 'citation', title: pl.results.openCitation },
        h('span', { class: 'page' }, pl.results.page(c.page)), ' ', h('q', {}, ...marked(c.quote, matchRanges(c.quote, terms)))))));
  return h('li', { class: 'result' },
    h('article', { 'aria-labelledby': titleId },
      h('h3', { id: titleId }, h('span', { class: 'rank' }, h('span', { class: 'visually-hidden' }, `${pl.results.rank} `), `${res.rank}.`), ' ', d.title ?? pl.results.noTitle),
      meta, resultFacts(res), resultConditions(res), cites, verdictControls(searchId, res.rank, verdict)));
}

function verdictControls(searchId: string, rank: number, initial: Verdict | null): HTMLElement {
  const groupLabel = `v${rank}-l`;
  const state = h('p', { class: 'verdict-state', id: `v${rank}-s`, role: 'status', 'aria-live': 'polite' });
  const buttons = VERDICTS.map((v) => h('button', { type: 'button', class: 'secondary verdict', 'data-verdict': v, 'aria-pressed': 'false', 'aria-describedby': `v${rank}-s` }, pl.audit.verdicts[v]!));
  const show = (cur: Verdict | null) => {
    for (const b of buttons) {
      const on = cur?.verdict === b.dataset.verdict;
      b.setAttribute('aria-pressed', String(on));
      b.className = `verdict ${on ? 'primary' : 'secondary'}`; // the current verdict stands out, not only in words
    }
    replace(state, cur ? pl.audit.current(pl.audit.verdicts[cur.verdict] ?? cur.verdict, who(cur.userName), when(cur.createdAt)) : pl.audit.noVerdict);
  };
  show(initial);
  for (const b of buttons) {
    b.addEventListener('click', async () => {
      for (const x of buttons) x.disabled = true;
      replace(state, pl.audit.saving);
      try {
        show(await call<Verdict>(`/api/audit/searches/${encodeURIComponent(searchId)}/verdicts`, { rank, verdict: b.dataset.verdict }));
      } catch (err) {
        showError(err, state);
      } finally {
        for (const x of buttons) x.disabled = false;
        b.focus();
      }
    });
  }
  return h('div', { class: 'verdicts', role: 'group', 'aria-labelledby': groupLabel },
    h('span', { id: groupLabel, class: 'label' }, pl.audit.verdictGroup(rank)), ' ', ...buttons, state);
}

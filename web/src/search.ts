/**
 * The clerk's search: one question, optional filters, the URL's query string holds both (so a search
 * can be shared and reopened). Shows only what the response holds: the plan's labels and the
 * question's conditions, the mode, `degraded`, `notFound`, `partial` (said in the status region too,
 * so a screen reader hears it), and the ranked documents with their verified citations and each
 * one's conditions met or not.
 */
import { agentSearch, getDocTypes } from './api.js';
import { askedConditions, partialNotice, partialSentence, resultConditions } from './conditions.js';
import { append, focusHeading, h, replace } from './dom.js';
import { showError } from './errors.js';
import { marked, matchRanges, termsOf } from './highlight.js';
import { pl } from './i18n/pl.js';
import { issuerLabel } from './metadata.js';
import { pushUrl } from './nav.js';
import { viewerHref } from './viewer.js';
import { FILTER_KEYS, type AgentResponse, type DocTypeCount, type FilterKey, type SearchFilters, type SearchResult } from './types.js';

/** The id of the `<datalist>` of document types the archive holds (the type field's suggestions). */
const DOC_TYPE_LIST = 'doc-type-options';

const FIELDS: { key: FilterKey; label: string; type: string; hint?: string; list?: string }[] = [
  { key: 'caseNumber', label: pl.search.caseNumber, type: 'text' },
  { key: 'docType', label: pl.search.docType, type: 'text', hint: pl.search.docTypeHint, list: DOC_TYPE_LIST },
  { key: 'dateFrom', label: pl.search.dateFrom, type: 'date' },
  { key: 'dateTo', label: pl.search.dateTo, type: 'date' },
  { key: 'precinct', label: pl.search.precinct, type: 'text' },
  { key: 'parcel', label: pl.search.parcel, type: 'text' },
];

/** The last response, by query string: going back from the viewer does not search (and log) again. */
let cache: { key: string; response: AgentResponse } | null = null;
let inflight: AbortController | null = null;

/** Forgets the last response and stops a running search (after logout nothing of it may reappear). */
export function resetSearch(): void {
  inflight?.abort();
  inflight = null;
  cache = null;
}

/**
 * Fills the type field's suggestions with the types the archive holds now, as the user may see them
 * (most documents first; asked each time the form is drawn, so newly ingested types appear). If the
 * list cannot be had, the field stays a plain text field: nothing to report to the clerk.
 */
function fillDocTypes(list: HTMLDataListElement): void {
  getDocTypes()
    .catch((): DocTypeCount[] => [])
    .then((types) => replace(list, ...types.map((t) => h('option', { value: t.value, label: `${t.value} (${pl.search.docTypeCount(t.count)})` }))))
    .catch(() => undefined);
}

export function filtersOf(params: URLSearchParams): SearchFilters {
  const f: SearchFilters = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k)?.trim();
    if (v) f[k] = v;
  }
  return f;
}

/** Renders the search view for the current URL and runs its search when it has a question. */
export function renderSearch(root: HTMLElement, params: URLSearchParams, focus: boolean): void {
  const q = params.get('q') ?? '';
  const filters = filtersOf(params);
  const heading = h('h2', { id: 'search-h' }, pl.search.heading);
  const question = h('input', { id: 'q', name: 'q', type: 'search', value: q, required: true, maxlength: 500, 'aria-describedby': 'q-hint', autocomplete: 'off' });
  const form = h('form', { role: 'search', 'aria-labelledby': 'search-h', class: 'search-form' },
    h('div', { class: 'question-row' },
      h('label', { for: 'q' }, pl.search.question),
      question,
      h('button', { type: 'submit', class: 'primary' }, pl.search.submit)),
    h('p', { id: 'q-hint', class: 'hint' }, pl.search.questionHint),
    filterControls(filters));
  const status = h('div', { id: 'search-status', role: 'status', 'aria-live': 'polite' });
  const results = h('section', { id: 'results', 'aria-labelledby': 'results-h' });
  replace(root, h('section', { 'aria-labelledby': 'search-h', class: 'search' }, heading, form), status, results);

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const next = new URLSearchParams();
    const text = question.value.trim();
    if (!text) {
      replace(status, h('p', { class: 'error', role: 'alert' }, pl.search.emptyQuestion));
      question.focus();
      return;
    }
    next.set('q', text);
    for (const { key } of FIELDS) {
      const v = (form.elements.namedItem(key) as HTMLInputElement | null)?.value.trim();
      if (v) next.set(key, v);
    }
    pushUrl(`${location.pathname}?${next.toString()}`);
    void run(next, status, results, true);
  });

  if (q.trim()) void run(params, status, results, false);
  else if (focus) question.focus();
}

function filterControls(filters: SearchFilters): HTMLElement {
  const grid = h('div', { class: 'filter-grid' });
  for (const f of FIELDS) {
    const id = `f-${f.key}`;
    append(grid, h('div', { class: 'field' },
      h('label', { for: id }, f.label),
      h('input', { id, name: f.key, type: f.type, value: filters[f.key] ?? '', autocomplete: 'off', list: f.list, ...(f.hint ? { 'aria-describedby': `${id}-hint` } : {}) }),
      f.hint ? h('span', { id: `${id}-hint`, class: 'hint' }, f.hint) : null));
    if (f.list) {
      const list = h('datalist', { id: f.list });
      append(grid, list);
      fillDocTypes(list);
    }
  }
  const clear = h('button', { type: 'button', class: 'secondary' }, pl.search.clear);
  clear.addEventListener('click', () => {
    for (const input of grid.querySelectorAll('input')) input.value = '';
  });
  const open = Object.keys(filters).length > 0;
  return h('details', { class: 'filters', open }, h('summary', {}, pl.search.filters), h('fieldset', {}, h('legend', { class: 'visually-hidden' }, pl.search.filters), grid, clear));
}

async function run(params: URLSearchParams, status: HTMLElement, results: HTMLElement, focusResults: boolean): Promise<void> {
  const key = params.toString();
  inflight?.abort();
  if (cache?.key === key) {
    showResults(cache.response, status, results, focusResults);
    return;
  }
  const ctl = new AbortController();
  inflight = ctl;
  replace(status, h('p', {}, pl.search.searching));
  results.setAttribute('aria-busy', 'true');
  try {
    const response = await agentSearch(params.get('q') ?? '', filtersOf(params), ctl.signal);
    if (ctl.signal.aborted) return;
    cache = { key, response };
    showResults(response, status, results, focusResults);
  } catch (err) {
    if (!ctl.signal.aborted) showError(err, status);
  } finally {
    results.removeAttribute('aria-busy');
  }
}

function showResults(r: AgentResponse, status: HTMLElement, root: HTMLElement, focus: boolean): void {
  const heading = h('h2', { id: 'results-h' }, pl.results.heading);
  const summary = h('div', { class: 'summary' },
    h('p', { class: 'count' }, pl.results.count(r.results.length)),
    h('p', { class: 'mode' }, h('span', { class: 'label' }, pl.results.mode), ' ', pl.results.modes[r.mode] ?? r.mode),
    h('div', { class: 'plan' }, h('span', { class: 'label', id: 'plan-h' }, pl.results.searched),
      h('ul', { 'aria-labelledby': 'plan-h' }, ...r.plan.map((s) => h('li', {}, s.label, ' ', h('span', { class: 'hits' }, pl.results.hits(s.hits)))))),
    askedConditions(r));
  if (r.degraded) {
    append(summary, h('p', { class: 'notice degraded' }, h('strong', {}, pl.results.degraded), ' ', pl.results.degradedReason, ' ', r.degraded.reason));
  }
  for (const nf of r.notFound ?? []) {
    append(summary, h('p', { class: 'notice not-found' }, `${pl.results.notFound} ${pl.results.notFoundPrefix[nf.kind] ?? ''}${nf.value}`));
  }
  append(summary, partialNotice(r));
  const partial = partialSentence(r);
  replace(status, partial ? h('p', { class: 'visually-hidden' }, partial) : null);
  const terms = termsOf(r.plan);
  const list = r.results.length
    ? h('ol', { class: 'results' }, ...r.results.map((res) => resultItem(res, terms)))
    : h('p', { class: 'empty' }, pl.results.none);
  replace(root, heading, summary, list);
  if (focus) focusHeading(heading);
}

/** Signature, type, date and confidence of one result: the same in the clerk's list and the stored search. */
export function resultMeta(res: SearchResult): HTMLElement {
  const d = res.document;
  return h('dl', { class: 'meta' },
    h('div', {}, h('dt', {}, pl.results.caseNumber), h('dd', {}, d.caseNumber ?? pl.results.unknown)),
    h('div', {}, h('dt', {}, pl.results.docType), h('dd', {}, d.docType ?? pl.results.unknown)),
    h('div', {}, h('dt', {}, pl.results.date), h('dd', {}, d.date ? h('time', { datetime: d.date }, d.date) : pl.results.unknown)),
    h('div', {}, h('dt', {}, pl.results.confidence), h('dd', { class: `confidence ${res.confidence}` }, pl.results.confidenceWords[res.confidence] ?? res.confidence)));
}

/** Who issued the document and how it was decided, on one line, when the archive read them (else nothing). */
export function resultFacts(res: SearchResult): HTMLElement | null {
  const { issuer, outcome } = res.document;
  const has = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
  if (!has(issuer) && !has(outcome)) return null;
  return h('dl', { class: 'meta result-facts' },
    has(issuer) ? h('div', {}, h('dt', {}, issuerLabel(issuer)), h('dd', {}, issuer)) : null,
    has(outcome) ? h('div', {}, h('dt', {}, pl.results.outcome), h('dd', {}, outcome)) : null);
}

function resultItem(res: SearchResult, terms: string[]): HTMLElement {
  const d = res.document;
  const titleId = `doc-${d.id}-t`;
  const meta = resultMeta(res);
  const facts = resultFacts(res);
  const cites = h('ul', { class: 'citations', 'aria-label': pl.results.citations },
    ...res.citations.map((c) => h('li', {},
      h('a', {
        href: viewerHref(d.id, c.page, { start: c.start, end: c.end }),
        class: 'citation',
        title: pl.results.openCitation,
      }, h('span', { class: 'page' }, pl.results.page(c.page)), ' ', h('q', {}, ...marked(c.quote, matchRanges(c.quote, terms)))))));
  return h('li', { class: 'result' },
    h('article', { 'aria-labelledby': titleId },
      h('h3', { id: titleId }, h('span', { class: 'rank' }, h('span', { class: 'visually-hidden' }, `${pl.results.rank} `), `${res.rank}.`), ' ', d.title ?? pl.results.noTitle),
      meta, facts, resultConditions(res), cites));
}

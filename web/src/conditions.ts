/**
 * The question's conditions as the clerk reads them: the list shown with the plan, the one sentence
 * said when no result meets them all, and each result's ✓ / ✗ / ? per condition. The marks are
 * never alone: every condition says in words whether the document meets it, and where the document
 * shows a value, that value and its page link to the viewer with the span highlighted.
 */
import { h } from './dom.js';
import { fold } from './highlight.js';
import { pl } from './i18n/pl.js';
import type { AgentResponse, AskedCondition, ResultCondition, SearchResult } from './types.js';
import { viewerHref } from './viewer.js';

const T = pl.conditions;

const kindLabel = (c: AskedCondition): string => T.kinds[c.kind] ?? c.kind;
const sameWords = (a: string, b: string): boolean => fold(a.replace(/\s+/g, ' ').trim()) === fold(b.replace(/\s+/g, ' ').trim());

/** "Warunki pytania: rodzaj dokumentu: decyzja · okres: 2010", or nothing when the question set none. */
export function askedConditions(r: AgentResponse): HTMLElement | null {
  const asked = r.conditions ?? [];
  if (asked.length === 0) return null;
  return h('div', { class: 'asked-conditions' },
    h('span', { class: 'label', id: 'asked-h' }, T.asked),
    h('ul', { 'aria-labelledby': 'asked-h' }, ...asked.map((c) => h('li', {}, `${kindLabel(c)}: `, h('span', { class: 'cond-value' }, c.value)))));
}

/** The sentence said above the closest results when none meets every condition (`partial`), else nothing. */
export function partialSentence(r: AgentResponse): string | null {
  if (!r.partial || r.results.length === 0) return null;
  return T.partial(r.partial.unmet.map((c) => c.value));
}

/** The same sentence as a notice, like the not-found notice. */
export function partialNotice(r: AgentResponse): HTMLElement | null {
  const text = partialSentence(r);
  return text ? h('p', { class: 'notice partial' }, text) : null;
}

/** One result's conditions, one line each: mark, condition, verdict in words, what the document shows and where. */
export function resultConditions(res: SearchResult): HTMLElement | null {
  const conds = res.conditions ?? [];
  if (conds.length === 0) return null;
  return h('ul', { class: 'conditions', 'aria-label': T.listLabel }, ...conds.map((c) => conditionItem(res.document.id, c)));
}

function conditionItem(documentId: string, c: ResultCondition): HTMLElement {
  const cite = c.citation;
  const link = (text: string) =>
    h('a', { href: viewerHref(documentId, cite!.page, { start: cite!.start, end: cite!.end }), class: 'condition-link', title: T.open }, text);
  let shown: (Node | string)[] = [];
  // What the document shows is named only when it says more than the question did ("2010" met by "2010-05-11").
  if (cite && c.met === 'yes' && sameWords(cite.value, c.value)) shown = [' (', link(T.page(cite.page)), ')'];
  else if (cite && c.met === 'yes') shown = [' (', link(`${T.shown[c.kind] ?? T.shownOther}: ${cite.value}, ${T.page(cite.page)}`), ')'];
  else if (cite && c.met === 'no') shown = [': ', link(`${cite.value}, ${T.page(cite.page)}`)];
  else if (c.recorded && c.met === 'yes') shown = [` (${T.recorded[c.recorded.origin] ?? c.recorded.origin}: ${c.recorded.value})`];
  return h('li', { class: `condition met-${c.met}` },
    h('span', { class: 'cond-mark', 'aria-hidden': 'true' }, T.marks[c.met] ?? '?'), ' ',
    `${kindLabel(c)} `, h('span', { class: 'cond-value' }, c.value), ' — ',
    h('span', { class: 'cond-verdict' }, T.met[c.met] ?? T.met.unknown!), ...shown);
}

/** The URL last rendered, history helpers, and the Nadzór tabs shared by the audit screens. */
import { h } from './dom.js';
import { pl } from './i18n/pl.js';

/**
 * hashchange and popstate can both fire for one navigation: the router renders a URL once.
 * `viewerBack` is the screen the document viewer was opened from (results, a stored search, the
 * event log), so its "back" link returns there rather than always to the search.
 */
export const nav: { rendered: string; viewerBack: { href: string; from: 'search' | 'audit' } | null } = { rendered: '', viewerBack: null };

/** Adds a history entry for a view the caller renders itself. */
export function pushUrl(url: string): void {
  history.pushState(null, '', url);
  nav.rendered = location.href;
}

/** The tabs of Nadzór: past searches and the event log; `active` gets aria-current. */
export function auditTabs(active: 'searches' | 'events'): HTMLElement {
  const tab = (key: 'searches' | 'events', href: string, text: string) =>
    h('a', { href, class: key === active ? 'tab active' : 'tab', 'aria-current': key === active ? 'page' : null }, text);
  return h('nav', { class: 'tabs', 'aria-label': pl.audit.tabs },
    tab('searches', '#/audit', pl.audit.tabSearches), tab('events', '#/audit/events', pl.audit.tabEvents));
}

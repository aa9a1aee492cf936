/**
 * Entry point: the token form, then a two-view router. The query string holds the search
 * (`?q=…&caseNumber=…`); the hash opens the viewer (`#/documents/:id/pages/:n?start=&end=`).
 */
import { clearToken, getToken, setToken } from './api.js';
import { renderAudit } from './audit.js';
import { focusHeading, h, replace } from './dom.js';
import { setAuthFailureHandler } from './errors.js';
import { pl } from './i18n/pl.js';
import { renderIngest } from './ingest.js';
import { nav } from './nav.js';
import { renderSearch } from './search.js';
import { leaveViewer, renderViewer } from './viewer.js';

const AUDIT = /^#\/audit(?:\/([A-Za-z0-9-]{1,64}))?\/?(?:\?(.*))?$/;
const INGEST = /^#\/ingest(?:\/batches\/(\d{1,12}))?\/?$/;
const VIEWER = /^#\/documents\/([A-Za-z0-9_-]{1,128})\/pages\/(\d{1,6})(?:\?(.*))?$/;

function main(): HTMLElement {
  return document.getElementById('main') as HTMLElement;
}

function chrome(): void {
  document.title = pl.docTitle;
  const header = document.getElementById('banner');
  if (header) {
    const logout = h('button', { type: 'button', class: 'secondary', id: 'logout' }, pl.token.logout);
    logout.addEventListener('click', () => {
      clearToken();
      showTokenForm(null);
    });
    replace(header,
      h('p', { class: 'brand' }, h('a', { href: location.pathname }, pl.appName), ' ', h('span', { class: 'subtitle' }, pl.appSubtitle)),
      h('nav', { 'aria-label': pl.nav }, h('a', { href: '#/audit', class: 'nav-audit' }, pl.audit.nav), ' ', h('a', { href: '#/ingest', class: 'nav-ingest' }, pl.ingest.nav), ' ', logout));
  }
  const footer = document.getElementById('contentinfo');
  if (footer) replace(footer, h('p', {}, pl.footer));
}

function showTokenForm(message: string | null): void {
  leaveViewer();
  nav.rendered = '';
  document.getElementById('logout')?.setAttribute('hidden', '');
  const heading = h('h2', { id: 'token-h' }, pl.token.heading);
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, 'aria-describedby': 'token-hint' + (message ? ' token-msg' : '') });
  const form = h('form', { class: 'token-form', 'aria-labelledby': 'token-h' },
    message ? h('p', { id: 'token-msg', class: 'error', role: 'alert' }, message) : null,
    h('label', { for: 'token' }, pl.token.label),
    input,
    h('p', { id: 'token-hint', class: 'hint' }, pl.token.hint),
    h('button', { type: 'submit', class: 'primary' }, pl.token.submit));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const t = input.value.trim();
    if (!t) {
      showTokenForm(pl.token.empty);
      return;
    }
    setToken(t);
    document.getElementById('logout')?.removeAttribute('hidden');
    route(true);
  });
  replace(main(), h('section', { 'aria-labelledby': 'token-h', class: 'token' }, heading, form));
  if (message) focusHeading(heading);
  input.focus();
}

function route(focus = false): void {
  if (!getToken()) {
    showTokenForm(null);
    return;
  }
  // hashchange and popstate can both fire for one navigation: render once.
  if (location.href === nav.rendered) return;
  nav.rendered = location.href;
  const a = AUDIT.exec(location.hash);
  const m = VIEWER.exec(location.hash);
  const ing = INGEST.exec(location.hash);
  if (ing) {
    leaveViewer();
    renderIngest(main(), ing[1] ? Number(ing[1]) : null);
  } else if (a) {
    leaveViewer();
    renderAudit(main(), a[1] ?? null, new URLSearchParams(a[2] ?? ''));
  } else if (m) {
    const params = new URLSearchParams(m[3] ?? '');
    const start = Number(params.get('start'));
    const end = Number(params.get('end'));
    const span = params.has('start') && Number.isInteger(start) && Number.isInteger(end) && end > start ? { start, end } : null;
    void renderViewer(main(), decodeURIComponent(m[1]!), Number(m[2]), span, null);
  } else {
    leaveViewer();
    renderSearch(main(), new URLSearchParams(location.search), focus);
  }
}

setAuthFailureHandler(() => showTokenForm(pl.token.invalid));
window.addEventListener('hashchange', () => route());
window.addEventListener('popstate', () => route());
chrome();
route(true);

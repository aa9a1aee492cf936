/**
 * Entry point: who is signed in (`GET /api/auth/me`), the sign-in screen when nobody is, then a
 * hash router whose screens and navigation follow the user's permissions. The query string holds
 * the search (`?q=…&caseNumber=…`); the hash holds every other screen (`#/documents/:id/pages/:n`,
 * `#/ingest`, `#/audit`, `#/audit/events`, `#/users`, `#/webhooks`). A screen the role may not use says so
 * plainly instead of failing on the API's 403.
 */
import { can, loadMe, logout, me, type Me } from './api.js';
import { renderAudit } from './audit.js';
import { focusHeading, h, replace } from './dom.js';
import { messageOf, setAuthFailureHandler } from './errors.js';
import { renderEvents } from './events.js';
import { pl } from './i18n/pl.js';
import { renderIngest } from './ingest.js';
import { renderLogin } from './login.js';
import { nav } from './nav.js';
import { renderSearch, resetSearch } from './search.js';
import { renderUsers } from './users.js';
import { renderWebhooks } from './webhooks.js';
import { leaveViewer, renderViewer } from './viewer.js';

type Section = 'search' | 'ingest' | 'audit' | 'users' | 'webhooks' | 'api';

interface View {
  section: Section | null;
  /** The permission the screen needs; 'authenticated': any signed-in user. */
  need: string;
  render: (root: HTMLElement, focus: boolean) => void;
}

const EVENTS = /^#\/audit\/events\/?(?:\?(.*))?$/;
const AUDIT = /^#\/audit(?:\/([A-Za-z0-9-]{1,64}))?\/?(?:\?(.*))?$/;
const INGEST = /^#\/ingest(?:\/batches\/(\d{1,12}))?\/?$/;
const VIEWER = /^#\/documents\/([A-Za-z0-9_-]{1,128})\/pages\/(\d{1,6})(?:\?(.*))?$/;
const USERS = /^#\/users\/?$/;
const WEBHOOKS = /^#\/webhooks\/?$/;
const API = /^#\/api\/?$/;

/** Set by an explicit logout: the next sign-in on this page starts at home, not at the last user's URL. */
let afterLogout = false;

function main(): HTMLElement {
  return document.getElementById('main') as HTMLElement;
}

function viewOf(hash: string): View {
  let m: RegExpExecArray | null;
  if ((m = EVENTS.exec(hash))) {
    const q = new URLSearchParams(m[1] ?? '');
    return { section: 'audit', need: 'audit.read', render: (root) => renderEvents(root, q) };
  }
  if ((m = AUDIT.exec(hash))) {
    const id = m[1] ?? null;
    const q = new URLSearchParams(m[2] ?? '');
    return { section: 'audit', need: 'audit.read', render: (root) => renderAudit(root, id, q) };
  }
  if ((m = INGEST.exec(hash))) {
    const batch = m[1] ? Number(m[1]) : null;
    return { section: 'ingest', need: 'ingest.read', render: (root) => renderIngest(root, batch) };
  }
  if (USERS.test(hash)) return { section: 'users', need: 'users.manage', render: (root) => renderUsers(root) };
  if (WEBHOOKS.test(hash)) return { section: 'webhooks', need: 'webhooks.manage', render: (root) => renderWebhooks(root) };
  // Loaded only when opened: the reference is not part of the first load.
  if (API.test(hash)) return { section: 'api', need: 'authenticated', render: (root) => void import('./api-reference.js').then((m) => m.renderApiReference(root)) };
  if ((m = VIEWER.exec(hash))) {
    const [id, n] = [decodeURIComponent(m[1]!), Number(m[2])];
    const params = new URLSearchParams(m[3] ?? '');
    const start = Number(params.get('start'));
    const end = Number(params.get('end'));
    const span = params.has('start') && Number.isInteger(start) && Number.isInteger(end) && end > start ? { start, end } : null;
    return { section: null, need: 'documents.read', render: (root) => void renderViewer(root, id, n, span, null) };
  }
  return { section: 'search', need: 'search', render: (root, focus) => renderSearch(root, new URLSearchParams(location.search), focus) };
}

/** The first screen the role may use. */
function home(): string {
  if (can('search')) return '#/';
  if (can('ingest.write') || can('ingest.read')) return '#/ingest';
  if (can('audit.read')) return '#/audit';
  if (can('users.manage')) return '#/users';
  return '#/';
}

function header(user: Me | null, active: Section | null): void {
  const banner = document.getElementById('banner');
  if (!banner) return;
  const brand = h('p', { class: 'brand' }, h('a', { href: '#/' }, pl.appName), ' ', h('span', { class: 'subtitle' }, pl.appSubtitle));
  if (!user) {
    replace(banner, brand);
    return;
  }
  const items: [Section, string, string, boolean][] = [
    ['search', '#/', pl.navSearch, can('search')],
    ['ingest', '#/ingest', pl.navIngest, can('ingest.write')],
    ['audit', '#/audit', pl.navAudit, can('audit.read')],
    ['users', '#/users', pl.navUsers, can('users.manage')],
    ['webhooks', '#/webhooks', pl.navWebhooks, can('webhooks.manage')],
    ['api', '#/api', 'API', true],
  ];
  const links = items.filter((i) => i[3]).map(([key, href, text]) =>
    h('li', {}, h('a', { href, class: `nav-${key}`, 'aria-current': key === active ? 'page' : null }, text)));
  const logoutBtn = h('button', { type: 'button', class: 'secondary', id: 'logout' }, pl.auth.logout);
  logoutBtn.addEventListener('click', () => void signOut());
  replace(banner, brand,
    h('nav', { 'aria-label': pl.nav }, h('ul', { class: 'nav-links' }, ...links)),
    h('div', { class: 'account' },
      h('p', { class: 'who', id: 'who' }, h('span', { class: 'visually-hidden' }, `${pl.auth.signedIn} `),
        h('strong', {}, user.user.name), ` (${pl.roles[user.user.role] ?? user.user.role})`),
      logoutBtn));
}

/** Everything a signed-in user saw is dropped: screens, the cached search, polls, the viewer's image. */
function wipe(): void {
  resetSearch();
  leaveViewer();
  nav.rendered = '';
  nav.viewerBack = null;
  main().replaceChildren();
}

function showLogin(notice: string | null): void {
  wipe();
  header(null, null);
  document.title = `${pl.auth.heading} — ${pl.appName}`;
  renderLogin(main(), {
    notice,
    onSignedIn: () => {
      if (afterLogout) history.replaceState(null, '', location.pathname + home());
      afterLogout = false;
      route(true);
    },
  });
}

async function signOut(): Promise<void> {
  wipe();
  await logout();
  afterLogout = true;
  // The question and document ids leave this history entry's URL too.
  history.replaceState(null, '', location.pathname);
  showLogin(pl.auth.loggedOut);
}

function forbidden(root: HTMLElement): void {
  const heading = h('h2', { id: 'forbidden-h' }, pl.forbidden.heading);
  replace(root, h('section', { 'aria-labelledby': 'forbidden-h', class: 'forbidden' },
    heading,
    h('p', {}, pl.forbidden.text(pl.roles[me()?.user.role ?? ''] ?? '')),
    h('p', {}, h('a', { href: home() }, pl.forbidden.home))));
  focusHeading(heading);
}

function route(focus = false): void {
  const user = me();
  if (!user) {
    // Signed out: the sign-in form stays as it is (and whatever was typed in it).
    if (!document.getElementById('login-h')) showLogin(null);
    return;
  }
  if (location.href === nav.rendered) return;
  let view = viewOf(location.hash);
  // The start page of a role without search is its own first screen.
  if (view.section === 'search' && !can('search') && !location.search) {
    history.replaceState(null, '', location.pathname + home());
    view = viewOf(location.hash);
  }
  // Entering the viewer from another screen: that screen is where its "back" link leads.
  if (view.section === null && nav.rendered && !VIEWER.test(new URL(nav.rendered).hash)) {
    const prevHash = new URL(nav.rendered).hash;
    // The search lives in the query string, which the viewer's URL keeps: '#/' returns to it.
    nav.viewerBack = prevHash.startsWith('#/audit') ? { href: prevHash, from: 'audit' } : { href: '#/', from: 'search' };
  }
  nav.rendered = location.href;
  if (view.section !== null) leaveViewer();
  header(user, view.section);
  document.title = pl.docTitle;
  if (view.need === 'authenticated' || can(view.need)) view.render(main(), focus);
  else forbidden(main());
}

async function boot(): Promise<void> {
  wipe();
  header(null, null);
  let user: Me | null;
  try {
    user = await loadMe();
  } catch (err) {
    replace(main(), h('p', { class: 'error', role: 'alert' }, messageOf(err)));
    return;
  }
  if (!user) {
    showLogin(null);
    return;
  }
  route(true);
}

// Several requests can fail with 401 at once (or after a logout): the form is shown once.
setAuthFailureHandler(() => {
  if (!document.getElementById('login-h')) showLogin(pl.auth.expired);
});
window.addEventListener('hashchange', () => route());
window.addEventListener('popstate', () => route());
// A page restored from the back-forward cache asks the server again who is signed in.
window.addEventListener('pageshow', (ev) => {
  if (ev.persisted) void boot();
});
const footer = document.getElementById('contentinfo');
if (footer) replace(footer, h('p', {}, pl.footer));
document.title = pl.docTitle;
void boot();

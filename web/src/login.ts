/**
 * The sign-in screen: user name and password (the session cookie is set by the server), the
 * server's own Polish message on failure (wrong password, locked for N minutes, too many attempts),
 * and a link to the city's single sign-on when the server offers it. The URL is left alone, so the
 * caller can land where the user was going.
 */
import { authOptions, login, type Me } from './api.js';
import { append, h, replace } from './dom.js';
import { messageOf } from './errors.js';
import { pl } from './i18n/pl.js';

export interface LoginOptions {
  /** A notice above the form: why the user is here (session over, signed out). */
  notice?: string | null;
  onSignedIn: (me: Me) => void;
}

/** Renders the form into `root`; `onSignedIn` runs once the server accepted the password. */
export function renderLogin(root: HTMLElement, opts: LoginOptions): void {
  const heading = h('h2', { id: 'login-h' }, pl.auth.heading);
  const errorBox = h('div', { id: 'login-error' });
  const username = h('input', { id: 'username', name: 'username', type: 'text', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true, maxlength: 64 });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 256 });
  const submit = h('button', { type: 'submit', class: 'primary' }, pl.auth.submit);
  const form = h('form', { class: 'login-form', 'aria-labelledby': 'login-h', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'username' }, pl.auth.username), username),
    h('div', { class: 'field' }, h('label', { for: 'password' }, pl.auth.password), password),
    errorBox,
    h('div', {}, submit));
  const sso = h('div', { class: 'sso' });
  replace(root, h('section', { 'aria-labelledby': 'login-h', class: 'login' },
    heading,
    opts.notice ? h('p', { id: 'login-notice', class: 'notice', role: 'status' }, opts.notice) : null,
    form,
    h('p', { class: 'hint' }, pl.auth.hint),
    sso));

  const fail = (text: string, field: HTMLInputElement) => {
    replace(errorBox, h('p', { class: 'error', role: 'alert', id: 'login-msg' }, text));
    for (const f of [username, password]) f.removeAttribute('aria-invalid');
    field.setAttribute('aria-invalid', 'true');
    field.setAttribute('aria-describedby', 'login-msg');
    field.focus();
  };

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const name = username.value.trim();
    if (!name || !password.value) {
      fail(pl.auth.empty, name ? password : username);
      return;
    }
    submit.disabled = true;
    submit.textContent = pl.auth.signingIn;
    login(name, password.value).then(
      (me) => {
        password.value = '';
        opts.onSignedIn(me);
      },
      (err: unknown) => {
        submit.disabled = false;
        submit.textContent = pl.auth.submit;
        password.value = '';
        fail(messageOf(err), password);
      },
    );
  });

  void authOptions().then((o) => {
    if (!o.sso || !sso.isConnected) return;
    const link = h('a', { href: ssoHref(), class: 'button', id: 'sso-login', 'aria-describedby': 'sso-hint' }, pl.auth.sso);
    // The identity provider sends the browser back to `returnTo`: where it is going now.
    link.addEventListener('click', () => link.setAttribute('href', ssoHref()));
    append(sso, h('p', { class: 'or' }, pl.auth.or), link, h('p', { id: 'sso-hint', class: 'hint' }, pl.auth.ssoHint));
  });

  username.focus();
}

/** The single sign-on start, asked to come back to this page's address. */
function ssoHref(): string {
  return `/api/auth/oidc/login?returnTo=${encodeURIComponent(location.pathname + location.search + location.hash)}`;
}

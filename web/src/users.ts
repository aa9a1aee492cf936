/**
 * The administrator's "Użytkownicy" screen (`#/users`): every account with its role, whether it is
 * blocked and whether it has a password; add an account (the API token it gets is shown once, with
 * a copy button and a warning); change a role, block or unblock, set a new password. Every change
 * goes through the users API, which records it in the audit trail.
 */
import { AuthError, callJson, me } from './api.js';
import { append, focusHeading, h, replace } from './dom.js';
import { messageOf, showError } from './errors.js';
import { showOnce } from './shown-once.js';
import { pl } from './i18n/pl.js';
import { plUsers as t } from './i18n/pl-admin.js';

interface User { id: number; name: string; role: string; disabled: boolean; createdAt: string; hasPassword: boolean }

const ROLES = ['clerk', 'records', 'supervisor', 'admin'];
const MIN_PASSWORD = 12;
/** Bumped on every render: an answer for a screen that is gone is dropped. */
let generation = 0;

const roleLabel = (r: string) => pl.roles[r] ?? r;
const enc = encodeURIComponent;

function roleSelect(id: string, selected: string, label?: string): HTMLSelectElement {
  return h('select', { id, name: 'role', ...(label ? { 'aria-label': label } : {}) },
    ...ROLES.map((r) => h('option', { value: r, selected: r === selected }, roleLabel(r))));
}

export function renderUsers(root: HTMLElement): void {
  const gen = ++generation;
  const heading = h('h2', { id: 'users-h' }, t.heading);
  const status = h('div', { id: 'users-status', role: 'status', 'aria-live': 'polite' });
  const tokenBox = h('div', { id: 'token-once' });
  const list = h('section', { id: 'users-list', 'aria-labelledby': 'users-list-h' }, h('h3', { id: 'users-list-h' }, t.listHeading), h('p', {}, t.loading));
  replace(root, h('section', { 'aria-labelledby': 'users-h', class: 'users' }, heading, addForm(status, tokenBox, () => reload()), tokenBox, status, list));
  focusHeading(heading);

  /** Loads the list again; `focusId` gets the keyboard focus back after the table is rebuilt. */
  const reload = async (focusId?: string): Promise<void> => {
    let users: User[];
    try {
      users = (await callJson<{ users: User[] }>('/api/users')).users;
    } catch (err) {
      if (gen === generation) showError(err, status);
      return;
    }
    if (gen !== generation) return;
    replace(list, h('h3', { id: 'users-list-h' }, t.listHeading), table(users, status, reload));
    if (focusId) document.getElementById(focusId)?.focus();
  };
  void reload();
}

function addForm(status: HTMLElement, tokenBox: HTMLElement, reload: () => Promise<void>): HTMLElement {
  const name = h('input', { id: 'nu-name', name: 'name', type: 'text', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', required: true, maxlength: 64, 'aria-describedby': 'nu-name-hint' });
  const role = roleSelect('nu-role', 'clerk');
  const password = h('input', { id: 'nu-password', name: 'password', type: 'password', autocomplete: 'new-password', maxlength: 256, 'aria-describedby': 'nu-password-hint' });
  const errors = h('div', { id: 'nu-error' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t.add);
  const form = h('form', { id: 'new-user', class: 'summary', 'aria-labelledby': 'nu-h', novalidate: true },
    h('h3', { id: 'nu-h' }, t.addHeading),
    h('div', { class: 'filter-grid' },
      h('div', { class: 'field' }, h('label', { for: 'nu-name' }, t.name), name, h('span', { id: 'nu-name-hint', class: 'hint' }, t.nameHint)),
      h('div', { class: 'field' }, h('label', { for: 'nu-role' }, t.role), role),
      h('div', { class: 'field' }, h('label', { for: 'nu-password' }, t.password), password, h('span', { id: 'nu-password-hint', class: 'hint' }, t.passwordHint))),
    errors, submit);
  const fail = (text: string, field: HTMLElement) => {
    replace(errors, h('p', { class: 'error', role: 'alert', id: 'nu-msg' }, text));
    field.setAttribute('aria-invalid', 'true');
    field.focus();
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    errors.replaceChildren();
    for (const f of [name, password]) f.removeAttribute('aria-invalid');
    const userName = name.value.trim();
    if (!userName) return fail(t.nameEmpty, name);
    if (password.value && password.value.length < MIN_PASSWORD) return fail(t.passwordShort, password);
    submit.disabled = true;
    const body = { name: userName, role: role.value, ...(password.value ? { password: password.value } : {}) };
    callJson<{ user: User; token: string }>('/api/users', body).then(
      (created) => {
        submit.disabled = false;
        name.value = '';
        password.value = '';
        role.value = 'clerk';
        replace(status, h('p', {}, t.added(created.user.name)));
        showToken(tokenBox, created.user.name, created.token);
        void reload();
      },
      (err: unknown) => {
        submit.disabled = false;
        if (err instanceof AuthError) showError(err, errors);
        else fail(messageOf(err), password.value ? password : name);
      },
    );
  });
  return form;
}

/** The new account's API token, once: read-only field, copy button, a plain warning. */
function showToken(box: HTMLElement, userName: string, token: string): void {
  showOnce(box, {
    ids: { field: 'new-token', copy: 'copy-token', hide: 'hide-token', copyState: 'copy-state', heading: 'token-h', warning: 'token-warning' },
    value: token,
    text: { heading: t.tokenHeading(userName), warning: t.tokenWarning, label: t.tokenLabel, copy: t.copy, hide: t.hideToken, copied: t.copied, copyFailed: t.copyFailed },
    focusAfterHide: 'nu-name',
  });
}

function table(users: User[], status: HTMLElement, reload: (focusId?: string) => Promise<void>): HTMLElement {
  const self = me()?.user.name;
  const done = (text: string, focusId: string) => {
    replace(status, h('p', {}, text));
    void reload(focusId);
  };
  const rows = users.map((u, i) => {
    const id = (what: string) => `u${i}-${what}`;
    const actions = h('td', { class: 'actions' });
    if (u.name !== self) {
      // An administrator cannot take their own rights away (the server refuses it too).
      const select = roleSelect(id('role'), u.role, t.roleOf(u.name));
      const change = h('button', { type: 'button', class: 'secondary', id: id('set-role'), 'aria-label': t.changeRoleOf(u.name) }, t.changeRole);
      change.addEventListener('click', () => {
        change.disabled = true;
        callJson<{ user: User }>(`/api/users/${enc(u.name)}`, { role: select.value }, 'PATCH').then(
          (r) => done(t.roleChanged(u.name, roleLabel(r.user.role)), id('set-role')),
          (err: unknown) => { change.disabled = false; showError(err, status); },
        );
      });
      const block = h('button', { type: 'button', class: 'secondary', id: id('block'), 'aria-label': u.disabled ? t.unblockOf(u.name) : t.blockOf(u.name) }, u.disabled ? t.unblock : t.block);
      block.addEventListener('click', () => {
        block.disabled = true;
        callJson<{ user: User }>(`/api/users/${enc(u.name)}`, { disabled: !u.disabled }, 'PATCH').then(
          (r) => done(r.user.disabled ? t.blockedDone(u.name) : t.unblockedDone(u.name), id('block')),
          (err: unknown) => { block.disabled = false; showError(err, status); },
        );
      });
      append(actions, h('span', { class: 'inline' }, select, change), ' ', block, ' ');
    }
    append(actions, passwordControl(u, id, status, done));
    return h('tr', { 'data-user': u.name, class: u.disabled ? 'blocked' : null },
      h('th', { scope: 'row' }, u.name, u.name === self ? ` ${t.you}` : ''),
      h('td', { class: 'role' }, roleLabel(u.role)),
      h('td', { class: u.disabled ? 'state error' : 'state' }, u.disabled ? t.blocked : t.active),
      h('td', { class: 'has-password' }, u.hasPassword ? t.hasPassword : t.noPassword),
      h('td', {}, h('time', { datetime: u.createdAt }, new Date(u.createdAt).toLocaleDateString('pl-PL'))),
      actions);
  });
  const head = [t.colName, t.colRole, t.colState, t.colPassword, t.colCreated, t.colActions].map((c) => h('th', { scope: 'col' }, c));
  return h('div', { class: 'doc-metadata' }, h('table', { class: 'users-table' },
    h('caption', { class: 'visually-hidden' }, t.caption(users.length)),
    h('thead', {}, h('tr', {}, ...head)),
    h('tbody', {}, ...rows)));
}

/** "Nowe hasło": a disclosure with a password field, so the table stays one line per account. */
function passwordControl(u: User, id: (what: string) => string, status: HTMLElement, done: (text: string, focusId: string) => void): HTMLElement {
  const input = h('input', { id: id('pw'), type: 'password', autocomplete: 'new-password', maxlength: 256, 'aria-label': t.newPasswordOf(u.name) });
  const save = h('button', { type: 'submit', class: 'secondary' }, t.setPassword);
  const form = h('form', { class: 'inline', novalidate: true }, input, ' ', save);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (input.value.length < MIN_PASSWORD) {
      replace(status, h('p', { class: 'error', role: 'alert' }, t.passwordShort));
      input.focus();
      return;
    }
    save.disabled = true;
    callJson<{ user: User; revokedTokens?: number }>(`/api/users/${enc(u.name)}/password`, { password: input.value }).then(
      (r) => done(t.passwordSet(u.name) + (r.revokedTokens ? t.tokensRevoked(r.revokedTokens) : ''), id('pw-summary')),
      (err: unknown) => { save.disabled = false; showError(err, status); },
    );
  });
  return h('details', { class: 'set-password' }, h('summary', { id: id('pw-summary') }, t.newPassword, h('span', { class: 'visually-hidden' }, ` ${t.ofUser(u.name)}`)), form);
}

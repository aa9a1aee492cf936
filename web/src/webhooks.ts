/**
 * The administrator's "Webhooki" screen (`#/webhooks`): every active webhook with its URL, event
 * types and the state of its latest deliveries; add one (URL, optional secret, event checkboxes —
 * a secret the server generates is shown once, with a copy button); disable and remove one; open
 * the recent deliveries of each (event, state, attempts, the receiver's answer). Every change goes
 * through the webhooks API, which records it in the audit trail.
 */
import { AuthError, call, callJson } from './api.js';
import { focusHeading, h, replace } from './dom.js';
import { messageOf, showError } from './errors.js';
import { showOnce } from './shown-once.js';
import { plWebhooks as t } from './i18n/pl-admin.js';

interface Webhook { id: number; url: string; events: string[]; createdBy: string | null; createdAt: string; disabledAt: string | null }
interface Delivery {
  id: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** The event types the API accepts (server/store/webhooks.ts WEBHOOK_EVENTS). */
const EVENTS = ['ingest.file.completed', 'ingest.file.failed', 'ingest.batch.completed', 'document.restricted'];
const MIN_SECRET = 32;
/** Deliveries shown when a webhook's list is opened (the API keeps more). */
const SHOWN_DELIVERIES = 20;
/** Bumped on every render: an answer for a screen that is gone is dropped. */
let generation = 0;

const eventName = (e: string) => t.eventNames[e] ?? e;
const when = (iso: string | null) => (iso ? h('time', { datetime: iso }, new Date(iso).toLocaleString('pl-PL')) : '—');

export function renderWebhooks(root: HTMLElement): void {
  const gen = ++generation;
  const heading = h('h2', { id: 'webhooks-h' }, t.heading);
  const status = h('div', { id: 'webhooks-status', role: 'status', 'aria-live': 'polite' });
  const secretBox = h('div', { id: 'secret-once' });
  const list = h('section', { id: 'webhooks-list', 'aria-labelledby': 'webhooks-list-h' }, h('h3', { id: 'webhooks-list-h' }, t.listHeading), h('p', {}, t.loading));
  replace(root, h('section', { 'aria-labelledby': 'webhooks-h', class: 'webhooks users' },
    heading, h('p', { class: 'hint' }, t.intro), addForm(status, secretBox, () => reload()), secretBox, status, list));
  focusHeading(heading);

  /** Loads the list (and each webhook's deliveries) again; `focusId` gets the focus back. */
  const reload = async (focusId?: string): Promise<void> => {
    let rows: { hook: Webhook; deliveries: Delivery[] }[];
    try {
      const { webhooks } = await callJson<{ webhooks: Webhook[] }>('/api/webhooks');
      rows = await Promise.all(webhooks.map(async (hook) => ({
        hook,
        deliveries: (await callJson<{ deliveries: Delivery[] }>(`/api/webhooks/${hook.id}/deliveries`)).deliveries,
      })));
    } catch (err) {
      if (gen === generation) showError(err, status);
      return;
    }
    if (gen !== generation) return;
    replace(list, h('h3', { id: 'webhooks-list-h' }, t.listHeading), rows.length ? table(rows, status, reload) : h('p', { id: 'webhooks-none' }, t.none));
    if (focusId) document.getElementById(focusId)?.focus();
  };
  void reload();
}

function addForm(status: HTMLElement, secretBox: HTMLElement, reload: () => Promise<void>): HTMLElement {
  const url = h('input', { id: 'wh-url', name: 'url', type: 'url', autocomplete: 'off', spellcheck: 'false', required: true, maxlength: 2000, 'aria-describedby': 'wh-url-hint' });
  const secret = h('input', { id: 'wh-secret', name: 'secret', type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: 256, 'aria-describedby': 'wh-secret-hint' });
  const boxes = EVENTS.map((e, i) => h('input', { id: `wh-ev-${i}`, name: 'events', type: 'checkbox', value: e }));
  const events = h('fieldset', { id: 'wh-events', class: 'field' },
    h('legend', {}, t.events),
    ...boxes.map((box, i) => h('div', { class: 'check' }, box, ' ', h('label', { for: `wh-ev-${i}` }, eventName(EVENTS[i]!)))));
  const errors = h('div', { id: 'wh-error' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t.add);
  const form = h('form', { id: 'new-webhook', class: 'summary', 'aria-labelledby': 'wh-h', novalidate: true },
    h('h3', { id: 'wh-h' }, t.addHeading),
    h('div', { class: 'filter-grid' },
      h('div', { class: 'field' }, h('label', { for: 'wh-url' }, t.url), url, h('span', { id: 'wh-url-hint', class: 'hint' }, t.urlHint)),
      h('div', { class: 'field' }, h('label', { for: 'wh-secret' }, t.secret), secret, h('span', { id: 'wh-secret-hint', class: 'hint' }, t.secretHint))),
    events, errors, submit);
  const fail = (text: string, field: HTMLElement) => {
    replace(errors, h('p', { class: 'error', role: 'alert', id: 'wh-msg' }, text));
    field.setAttribute('aria-invalid', 'true');
    field.focus();
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    errors.replaceChildren();
    for (const f of [url, secret, events]) f.removeAttribute('aria-invalid');
    const address = url.value.trim();
    const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
    if (!address) return fail(t.urlEmpty, url);
    if (secret.value && secret.value.length < MIN_SECRET) return fail(t.secretShort, secret);
    if (chosen.length === 0) return fail(t.eventsEmpty, boxes[0]!);
    submit.disabled = true;
    const body = { url: address, events: chosen, ...(secret.value ? { secret: secret.value } : {}) };
    callJson<{ webhook: Webhook; secret?: string }>('/api/webhooks', body).then(
      (created) => {
        submit.disabled = false;
        url.value = '';
        secret.value = '';
        for (const b of boxes) b.checked = false;
        replace(status, h('p', {}, t.added(created.webhook.url)));
        if (created.secret) showSecret(secretBox, created.secret);
        else secretBox.replaceChildren();
        void reload();
      },
      (err: unknown) => {
        submit.disabled = false;
        if (err instanceof AuthError) showError(err, errors);
        else fail(messageOf(err), /sekret/i.test(messageOf(err)) ? secret : /zdarz/i.test(messageOf(err)) ? boxes[0]! : url);
      },
    );
  });
  return form;
}

/** A generated secret, once: read-only field, copy button, a plain warning. */
function showSecret(box: HTMLElement, secret: string): void {
  showOnce(box, {
    ids: { field: 'new-secret', copy: 'copy-secret', hide: 'hide-secret', copyState: 'secret-copy-state', heading: 'secret-h', warning: 'secret-warning' },
    value: secret,
    text: { heading: t.secretHeading, warning: t.secretWarning, label: t.secretLabel, copy: t.copy, hide: t.hideSecret, copied: t.copied, copyFailed: t.copyFailed },
    focusAfterHide: 'wh-url',
  });
}

/** "dostarczono: 3, oczekuje: 1" over the deliveries shown, newest state first. */
function lastDeliveries(hook: Webhook, deliveries: Delivery[]): HTMLElement {
  if (deliveries.length === 0) return h('td', { class: 'last' }, t.noDeliveries);
  const newest = deliveries[0]!;
  const counts = new Map<string, number>();
  for (const d of deliveries.slice(0, SHOWN_DELIVERIES)) counts.set(d.status, (counts.get(d.status) ?? 0) + 1);
  return h('td', { class: 'last' },
    h('span', { class: `delivery-${newest.status}` }, t.status[newest.status] ?? newest.status), ' ', when(newest.createdAt),
    h('br'), h('span', { class: 'hint' }, [...counts].map(([s, n]) => `${t.status[s] ?? s}: ${n}`).join(', ')),
    h('details', { class: 'deliveries' }, h('summary', {}, t.deliveries(Math.min(deliveries.length, SHOWN_DELIVERIES))), deliveriesTable(hook, deliveries)));
}

/** The receiver's last answer: its HTTP status, and the error when it says more than the status. */
function answerOf(d: Delivery): string {
  const status = d.lastStatus !== null ? t.http(d.lastStatus) : d.attempts > 0 ? t.noAnswer : '—';
  return d.lastError && !(d.lastStatus !== null && d.lastError.includes(String(d.lastStatus))) ? `${status} — ${d.lastError}` : status;
}

function deliveriesTable(hook: Webhook, deliveries: Delivery[]): HTMLElement {
  const head = [t.colWhen, t.colEvent, t.colStatus, t.colAttempts, t.colAnswer, t.colNext].map((c) => h('th', { scope: 'col' }, c));
  const rows = deliveries.slice(0, SHOWN_DELIVERIES).map((d) =>
    h('tr', { 'data-delivery': d.id, class: `delivery-${d.status}` },
      h('td', {}, when(d.createdAt)),
      h('td', { class: 'event' }, eventName(d.event)),
      h('td', { class: 'status' }, t.status[d.status] ?? d.status),
      h('td', { class: 'attempts' }, d.attempts),
      h('td', { class: 'answer' }, answerOf(d)),
      h('td', {}, d.status === 'pending' ? when(d.nextAttemptAt) : '—')));
  return h('table', { class: 'dense deliveries' },
    h('caption', {}, t.deliveriesOf(hook.url)),
    h('thead', {}, h('tr', {}, ...head)),
    h('tbody', {}, ...rows));
}

function table(rows: { hook: Webhook; deliveries: Delivery[] }[], status: HTMLElement, reload: (focusId?: string) => Promise<void>): HTMLElement {
  const body = rows.map(({ hook, deliveries }) => {
    const remove = h('button', { type: 'button', class: 'secondary', id: `wh${hook.id}-remove`, 'aria-label': t.removeOf(hook.url) }, t.remove);
    remove.addEventListener('click', () => {
      if (!window.confirm(t.confirmRemove(hook.url))) return;
      remove.disabled = true;
      call(`/api/webhooks/${hook.id}`, { method: 'DELETE' }).then(
        () => {
          replace(status, h('p', {}, t.removed(hook.url)));
          void reload('wh-url');
        },
        (err: unknown) => { remove.disabled = false; showError(err, status); },
      );
    });
    return h('tr', { 'data-webhook': String(hook.id) },
      h('th', { scope: 'row', class: 'url' }, hook.url),
      h('td', { class: 'events' }, hook.events.map(eventName).join(', ')),
      h('td', { class: 'state' }, t.active),
      lastDeliveries(hook, deliveries),
      h('td', { class: 'actions' }, remove));
  });
  const head = [t.colUrl, t.colEvents, t.colState, t.colLast, t.colActions].map((c) => h('th', { scope: 'col' }, c));
  return h('div', { class: 'doc-metadata' }, h('table', { class: 'users-table webhooks-table' },
    h('caption', { class: 'visually-hidden' }, t.caption(rows.length)),
    h('thead', {}, h('tr', {}, ...head)),
    h('tbody', {}, ...body)));
}

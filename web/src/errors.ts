/** Turns a failed API call into what the clerk sees; a 401 goes back to the token form. */
import { ApiError, AuthError } from './api.js';
import { h } from './dom.js';
import { pl } from './i18n/pl.js';

let onAuthFailure: () => void = () => {};

export function setAuthFailureHandler(fn: () => void): void {
  onAuthFailure = fn;
}

/** Shows the error in `where` (role=alert), or asks for the token again on 401. */
export function showError(err: unknown, where: HTMLElement): void {
  if (err instanceof DOMException && err.name === 'AbortError') return;
  if (err instanceof AuthError) {
    onAuthFailure();
    return;
  }
  let text: string = pl.errors.network;
  if (err instanceof ApiError && err.status > 0) text = `${pl.errors.server} ${err.message || err.code}`;
  where.replaceChildren(h('p', { class: 'error', role: 'alert' }, text));
}

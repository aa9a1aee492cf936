/** Turns a failed API call into what the user sees; a 401 (session over) goes back to the sign-in screen. */
import { ApiError, AuthError } from './api.js';
import { h } from './dom.js';
import { pl } from './i18n/pl.js';

let onAuthFailure: () => void = () => {};

export function setAuthFailureHandler(fn: () => void): void {
  onAuthFailure = fn;
}

/** The server's Polish message as a sentence: capital first letter. */
export function sentence(message: string): string {
  return message ? message[0]!.toLocaleUpperCase('pl-PL') + message.slice(1) : message;
}

/** What to say about `err`: the server's own message for anything it refused, a fixed notice otherwise. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.message) return sentence(err.message);
  if (err instanceof ApiError && err.status > 0) return `${pl.errors.server} ${err.message || err.code}`;
  return pl.errors.network;
}

/** Shows the error in `where` (role=alert), or returns to the sign-in screen on 401. */
export function showError(err: unknown, where: HTMLElement): void {
  if (err instanceof DOMException && err.name === 'AbortError') return;
  if (err instanceof AuthError) {
    onAuthFailure();
    return;
  }
  where.replaceChildren(h('p', { class: 'error', role: 'alert' }, messageOf(err)));
}

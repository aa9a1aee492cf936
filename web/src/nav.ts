/** The URL last rendered: hashchange and popstate can both fire for one navigation, render once. */
export const nav = { rendered: '' };

/** Adds a history entry for a view the caller renders itself. */
export function pushUrl(url: string): void {
  history.pushState(null, '', url);
  nav.rendered = location.href;
}

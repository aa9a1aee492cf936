/**
 * A secret shown exactly once (a new user's API token, a generated webhook secret): a read-only
 * field, a copy button that also works without the Clipboard API (plain http on the city network),
 * a plain warning, and a button that removes it for good.
 */
import { focusHeading, h, replace } from './dom.js';

export interface ShownOnce {
  /** Element ids: `#<field>`, `#<copy>`, `#<hide>`, `#<copyState>`, `#<heading>`, `#<warning>` (tests find them). */
  ids: { field: string; copy: string; hide: string; copyState: string; heading: string; warning: string };
  value: string;
  text: { heading: string; warning: string; label: string; copy: string; hide: string; copied: string; copyFailed: string };
  /** Where focus goes once the secret is hidden. */
  focusAfterHide: string;
}

export function showOnce(box: HTMLElement, s: ShownOnce): void {
  const field = h('input', { id: s.ids.field, type: 'text', readonly: true, value: s.value, class: 'token-value', spellcheck: 'false', 'aria-describedby': s.ids.warning });
  const copyState = h('p', { role: 'status', class: 'hint', id: s.ids.copyState });
  const copy = h('button', { type: 'button', class: 'primary', id: s.ids.copy }, s.text.copy);
  const hide = h('button', { type: 'button', class: 'secondary', id: s.ids.hide }, s.text.hide);
  copy.addEventListener('click', async () => {
    field.select();
    let ok = false;
    try {
      await navigator.clipboard.writeText(s.value);
      ok = true;
    } catch {
      // Without a secure context (plain http on the city network) the Clipboard API is absent.
      ok = document.execCommand?.('copy') ?? false;
    }
    copyState.textContent = ok ? s.text.copied : s.text.copyFailed;
  });
  hide.addEventListener('click', () => {
    box.replaceChildren();
    document.getElementById(s.focusAfterHide)?.focus();
  });
  const heading = h('h3', { id: s.ids.heading }, s.text.heading);
  replace(box, h('section', { class: 'token-once', 'aria-labelledby': s.ids.heading },
    heading,
    h('p', { id: s.ids.warning, class: 'notice' }, s.text.warning),
    h('div', { class: 'field' }, h('label', { for: s.ids.field }, s.text.label), field),
    h('div', { class: 'toolbar' }, copy, hide),
    copyState));
  focusHeading(heading);
}

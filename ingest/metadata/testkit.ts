import { expect } from 'vitest';
import type { MetaValue } from '../types.js';

type Page = { page: number; text: string };

/** Every text value must point at its raw span in the exact page text. */
export function checkProvenance(pages: Page[], values: MetaValue[]): void {
  for (const v of values) {
    if (v.origin === 'text') {
      const page = pages.find((p) => p.page === v.page);
      expect(page, `page of ${JSON.stringify(v)}`).toBeDefined();
      expect(v.start).not.toBeNull();
      expect(v.end).not.toBeNull();
      expect(v.raw).toBe(page!.text.slice(v.start!, v.end!));
      expect(v.raw.length).toBeGreaterThan(0);
    } else {
      expect(v.page).toBeNull();
      expect(v.start).toBeNull();
      expect(v.end).toBeNull();
    }
  }
}

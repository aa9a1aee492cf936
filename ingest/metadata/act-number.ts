/**
 * Numbers of resolutions of municipal councils: the session in Roman numerals, the number, the
 * year ("XV/110/20", "XXXV/1168/09", "XXII/486/16"), or number/session/year ("66/XI/2015"). A
 * resolution's own number is its signature; other documents cite them ("uchwały Nr XII/287/19").
 */
import type { Found } from './common.js';

const ACT_RE =
  /(?<![A-Za-z0-9/.\-])(?:([IVXLC]{1,8})\/(\d{1,5})\/(\d{4}|\d{2})|(\d{1,5})\/([IVXLC]{1,8})\/(\d{4}))(?![A-Za-z0-9/])/g;
const ROMAN = /^(?:C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$/;

/** Every resolution number in `text` (the signature view), as written. */
export function findActNumbers(text: string): Found[] {
  const out: Found[] = [];
  ACT_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = ACT_RE.exec(text)) !== null) {
    const roman = m[1] ?? m[5] ?? '';
    if (!ROMAN.test(roman)) continue;
    out.push({ value: m[0], start: m.index, end: m.index + m[0].length });
  }
  return out;
}

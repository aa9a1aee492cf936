/**
 * Text folding.
 *
 * `foldForIndex` prepares page text for SQLite FTS5 (unicode61 with remove_diacritics), which
 * folds ą/ć/ę/ń/ó/ś/ź/ż itself but not ł. It preserves the UTF-16 length so that offsets into the
 * folded text are offsets into the original page text.
 *
 * `foldForCompare` is a lossy key for comparing OCR output with ground truth.
 */

/** Map ł -> l and Ł -> L; nothing else changes. Same UTF-16 length as the input. */
export function foldForIndex(s: string): string {
  return s.replace(/[łŁ]/g, (c) => (c === 'ł' ? 'l' : 'L'));
}

const POLISH: Record<string, string> = {
  ą: 'a',
  ć: 'c',
  ę: 'e',
  ł: 'l',
  ń: 'n',
  ó: 'o',
  ś: 's',
  ź: 'z',
  ż: 'z',
};

/** NFC, lower case, Polish diacritics stripped, whitespace runs collapsed to one space, trimmed. */
export function foldForCompare(s: string): string {
  return s
    .normalize('NFC')
    .toLowerCase()
    .replace(/[ąćęłńóśźż]/g, (c) => POLISH[c] ?? c)
    .replace(/\s+/gu, ' ')
    .trim();
}

/**
 * A clerk's question that writes a case signature with look-alike characters (pasted from a word
 * processor: U+2010, an en dash, a no-break space, full-width forms) is read as that signature: one
 * token with its canonical value, and the planner's case facts name the canonical signature.
 */
import { describe, expect, it } from 'vitest';
import { readQuestion } from '../agent/question.js';
import { tokenize } from './polish.js';

const CASE = 'WUA-ZRB.6740.1.123.2019';

describe('signatures in questions, written with look-alike characters', () => {
  it.each([
    ['U+2010', 'WUA\u2010ZRB.6740.1.123.2019'],
    ['en dash, typed with a space', 'WUA\u2013ZRB 6740.1.123.2019'],
    ['non-breaking hyphen and no-break space', 'wua\u2011zrb\u00a06740.1.123.2019'],
    ['full-width', 'ＷＵＡ－ＺＲＢ．６７４０．１．１２３．２０１９'],
    ['Cyrillic А', 'WU\u0410-ZRB.6740.1.123.2019'],
  ])('%s', (_name, typed) => {
    const question = `decyzja w sprawie ${typed} z 2019 r.`;
    const sig = tokenize(question).filter((t) => t.kind === 'signature');
    expect(sig.map((t) => t.value)).toEqual([CASE]);
    expect(sig[0]!.text).toBe(question.slice(sig[0]!.start, sig[0]!.end));
    expect(readQuestion(question).caseNumbers).toEqual([CASE]);
  });
});

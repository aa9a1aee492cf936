/** Global setup of the corpus suite: no corpus, no run — a clear message instead of 40 failures. */
import { corpusMissing } from './paths.js';

export default function setup(): void {
  const missing = corpusMissing();
  if (missing) throw new Error(`npm run test:corpus: ${missing}`);
}

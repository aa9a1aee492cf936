/** Messages between the metadata runner (runner.ts) and its worker thread (worker.ts). */
import type { MetaKind, MetaValue } from '../types.js';
import type { Found } from './common.js';
import type { ExtractContext, PageText } from './index.js';

/** Read these kinds of one document, in order; `spans` are the signature spans of an earlier caseNumber step. */
export interface MetadataJob {
  id: number;
  pages: PageText[];
  ctx: ExtractContext;
  kinds: MetaKind[];
  spans: [number, Found[]][];
}

/** One step done: its values (and, after the caseNumber step, the signature spans it found). */
export interface MetadataStepReply {
  id: number;
  kind: MetaKind;
  values: MetaValue[];
  spans?: [number, Found[]][];
}

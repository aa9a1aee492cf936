/**
 * The SearchBackend contract: one suite that every backend (SQLite now, Elasticsearch later) must
 * pass. It asserts what a clerk would notice — which documents are found, in what order, with which
 * filters — never how a backend stores things. A harness seeds SEED_DOCUMENTS (chunked with
 * `chunkPages`, embedded with `HashingEmbedder`, the offline default) and the suite queries it.
 *
 * Usage: `describeSearchBackendContract('sqlite', async () => harness)` in a *.contract.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchBackend } from '../../server/search/backend.js';
import type { DocumentId } from '../../server/domain/types.js';
import { ALL, READY_SEEDS, type ContractContext } from './contract-kit.js';
import { SEED_DOCUMENTS, type SeedDocument } from './seed-documents.js';
import { docTypesContract } from './doc-types.contract.js';
import { keywordContract } from './keyword.contract.js';
import { lookupContract } from './lookup.contract.js';
import { recordsContract } from './records.contract.js';
import { restrictionContract } from './restriction.contract.js';
import { vectorContract } from './vector.contract.js';

export type { SeedDocument } from './seed-documents.js';

/** A backend under test with a way to fill it. Seeding must index documents exactly as ingestion would. */
export interface BackendHarness {
  backend: SearchBackend;
  /** Stores the documents; `status: 'staging'` ones must be indexed but not ready. */
  seed(docs: SeedDocument[]): Promise<void>;
  /**
   * Restricts one document to the named users and roles, as an admin would (one rule; a document
   * restricted twice is readable only by viewers both rules admit).
   */
  restrict(documentId: DocumentId, principals: { kind: 'user' | 'role'; value: string }[]): Promise<void>;
  close(): Promise<void>;
}

export function describeSearchBackendContract(name: string, makeHarness: () => Promise<BackendHarness>): void {
  describe(`SearchBackend contract: ${name}`, () => {
    let harness: BackendHarness;
    const ids = new Map<string, DocumentId>();
    const names = new Map<DocumentId, string>();

    beforeAll(async () => {
      harness = await makeHarness();
      await harness.seed(SEED_DOCUMENTS);
      const listed = await harness.backend.listDocuments({}, 100, ALL);
      for (const doc of await harness.backend.documents(listed, ALL)) {
        const seed = SEED_DOCUMENTS.find((s) => s.sha256 === doc.source.sha256);
        if (seed) {
          ids.set(seed.filename, doc.id);
          names.set(doc.id, seed.filename);
        }
      }
    });

    afterAll(async () => {
      await harness?.close();
    });

    const ctx: ContractContext = {
      backend: () => harness.backend,
      idOf: (filename) => {
        const id = ids.get(filename);
        if (id === undefined) throw new Error(`seed document ${filename} is not listed by the backend`);
        return id;
      },
      nameOf: (id) => names.get(id) ?? '?',
      docsOf: (hits) => [...new Set(hits.map((h) => names.get(h.documentId) ?? '?'))],
    };

    it('lists every ready seed document and only those', () => {
      expect([...ids.keys()].sort()).toEqual(READY_SEEDS.map((d) => d.filename).sort());
    });

    keywordContract(ctx);
    vectorContract(ctx);
    lookupContract(ctx);
    recordsContract(ctx);
    docTypesContract(ctx);
    restrictionContract(makeHarness);
  });
}

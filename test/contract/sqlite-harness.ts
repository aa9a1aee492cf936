/**
 * Seeds the embedded archive the way ingestion writes it (Archive, chunkPages, HashingEmbedder), for
 * the contract suite and the SQLite backend's own tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HashingEmbedder } from '../../ingest/embed.js';
import { chunkPages } from '../../ingest/text/chunk.js';
import { SqliteSearchBackend, type SqliteBackendOptions } from '../../server/search/sqlite/sqlite-backend.js';
import { Archive } from '../../server/store/archive.js';
import { ensureVectorTable, openDb, type Db } from '../../server/store/db.js';
import { Restrictions } from '../../server/store/restrictions.js';
import { SYSTEM_ACTOR, Users } from '../../server/store/users.js';
import { tempDir } from '../helpers/paths.js';
import type { BackendHarness } from './search-backend.contract.js';
import type { SeedDocument } from './seed-documents.js';

const embedder = new HashingEmbedder();

/** Writes `docs` into the archive in `dataDir` through `db`; staging ones are indexed, then un-readied. */
export async function seedSqlite(db: Db, dataDir: string, docs: SeedDocument[]): Promise<void> {
  const archive = new Archive(db, dataDir);
  ensureVectorTable(db, embedder.id, embedder.dimensions);
  for (const d of docs) {
    // beginDocument stores the original file: give it one, named like the scan.
    const source = path.join(fs.mkdtempSync(path.join(dataDir, 'src-')), d.filename);
    fs.writeFileSync(source, d.sha256);
    const row = archive.beginDocument({
      sha256: d.sha256, size: 64, mime: null, sourcePath: source, kind: d.kind, pageCount: d.pages.length,
    });
    for (const p of d.pages) {
      archive.savePage(row.id, {
        page: p.page, text: p.text, words: p.words, source: p.source, confidence: p.source === 'ocr' ? 91 : null,
        corrections: {}, width: 595.28, height: 841.89,
      }, null);
    }
    const chunks = chunkPages(d.pages);
    const vectors = await embedder.embed(chunks.map((c) => c.text), 'passage');
    archive.finishDocument(row.id, {
      title: d.title, caseNumber: d.caseNumber, docType: d.docType, docDate: d.docDate, metadata: d.metadata, chunks, vectors,
    });
    if (d.status === 'staging') {
      // Indexed but not ready: every index holds it, so only the status keeps it out.
      db.prepare("UPDATE documents SET status = 'staging', ready_at = NULL WHERE id = ?").run(row.id);
    }
  }
}

/** A SQLite backend on a fresh temporary data dir. */
export async function sqliteHarness(opts: SqliteBackendOptions = {}): Promise<BackendHarness & { db: Db; dataDir: string }> {
  const dataDir = tempDir('contract');
  const db = openDb(dataDir);
  return {
    db,
    dataDir,
    backend: new SqliteSearchBackend(db, opts),
    seed: (docs) => seedSqlite(db, dataDir, docs),
    async restrict(documentId, principals) {
      // Named users must exist (the store refuses a rule for an unknown user): create them.
      const users = new Users(db);
      for (const p of principals) if (p.kind === 'user' && !users.byName(p.value)) users.add(p.value, 'clerk', { by: SYSTEM_ACTOR });
      new Restrictions(db).add({ scope: 'document', value: documentId, principals }, SYSTEM_ACTOR);
    },
    async close() {
      if (db.open) db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

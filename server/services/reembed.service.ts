/**
 * Moving an archive to another embedding model without re-ingesting (`kwerenda reembed`): every
 * chunk is embedded with the configured embedder into a second vector table, batch by batch, each
 * batch committed on its own; then one transaction switches the archive to it
 * (server/store/vector-generations.ts). The archive answers on its old vectors throughout;
 * documents ingested meanwhile (on the old embedder) are caught up before the switch. A killed run
 * continues from what the new table holds; a run for yet another model starts that table over.
 *
 * Scaled out, the new vectors reach Elasticsearch through a new index generation whose mapping is
 * made for the new vector size, switched in by alias (server/search/elasticsearch/es-reindex.ts).
 */
import type { Embedder } from '../../ingest/embed.js';
import type { ElasticsearchRuntime } from '../search/elasticsearch/es-runtime.js';
import type { ReindexResult } from '../search/elasticsearch/es-reindex.js';
import { archiveEmbedding, embedderKey, type Db, type EmbedderSpec } from '../store/db.js';
import {
  abandonTarget,
  beginTarget,
  chunkCount,
  chunksAfter,
  chunksMissing,
  filledChunks,
  searchIndexEmbedder,
  storeBatch,
  switchToTarget,
  type ChunkText,
  type ReembedTarget,
} from '../store/vector-generations.js';

export interface ReembedOptions {
  /** Chunks embedded and committed per batch. */
  batch: number;
  /** After every committed batch: chunks with a new vector, of all chunks (both grow while documents arrive). */
  onProgress?: (done: number, total: number) => void;
  /** Scaled out: the search index gets a new generation from the new vectors. */
  elasticsearch?: ElasticsearchRuntime;
  onIndexProgress?: (done: number, total: number) => void;
}

export type ReembedResult =
  | { done: false; current: string; abandoned: ReembedTarget | null; index: ReindexResult | null }
  | {
      done: true;
      from: string;
      to: string;
      chunks: number;
      /** Chunks embedded by this run (the rest came from a killed run before it). */
      embedded: number;
      resumed: boolean;
      /** A target made for another model, dropped to start over. */
      replaced: ReembedTarget | null;
      /** Vectors of chunks removed meanwhile, dropped at the switch. */
      orphans: number;
      /** Chunks of documents ingested while it ran, embedded before the switch. */
      caughtUp: number;
      index: ReindexResult | null;
    };

/** Moves the archive in `db` to `embedder` (described by `spec`); nothing to do when it is on it already. */
export async function reembedArchive(db: Db, embedder: Embedder, spec: EmbedderSpec, opts: ReembedOptions): Promise<ReembedResult> {
  const live = archiveEmbedding(db);
  const key = embedderKey(embedder.id, embedder.dimensions);
  if (live === null || live.key === key) {
    // Nothing to move (an unfinished run for another model is not needed any more either), unless
    // a run was stopped after the archive's switch, before the search index's.
    const abandoned = abandonTarget(db);
    const lagging = opts.elasticsearch && live !== null && searchIndexEmbedder(db)?.key !== live.key;
    const index = lagging ? await rebuildIndex(db, opts) : null;
    return { done: false, current: live?.key ?? key, abandoned, index };
  }
  const began = beginTarget(db, key, spec);
  const target = began.target;
  const filled = filledChunks(db, target.table);
  let done = filled.size;
  let embedded = 0;
  const progress = () => opts.onProgress?.(done, Math.max(done, chunkCount(db)));
  progress();

  const embedAndStore = async (chunks: ChunkText[]): Promise<number> => {
    const vectors = await embedder.embed(
      chunks.map((c) => c.text),
      'passage',
    );
    if (vectors.length !== chunks.length) throw new Error(`embedder returned ${vectors.length} vectors for ${chunks.length} texts`);
    const stored = storeBatch(db, target, chunks.map((chunk, i) => ({ chunk, vector: vectors[i]! })));
    embedded += chunks.length;
    done += stored;
    progress();
    return stored;
  };

  // One pass in chunk order, skipping what a killed run already stored.
  let cursor = 0;
  for (;;) {
    const page = chunksAfter(db, cursor, opts.batch);
    if (page.length === 0) break;
    cursor = page[page.length - 1]!.id;
    const todo = page.filter((c) => !filled.has(c.id));
    if (todo.length > 0) await embedAndStore(todo);
  }
  filled.clear();

  // Then whatever arrived meanwhile, until the switch finds nothing missing.
  let caughtUp = 0;
  for (;;) {
    for (;;) {
      const missing = chunksMissing(db, target.table, opts.batch);
      if (missing.length === 0) break;
      caughtUp += await embedAndStore(missing);
    }
    const outcome = switchToTarget(db, target);
    if (!outcome.switched) continue;
    const index = opts.elasticsearch ? await rebuildIndex(db, opts) : null;
    return {
      done: true,
      from: outcome.from,
      to: outcome.to,
      chunks: outcome.chunks,
      embedded,
      resumed: began.resumed,
      replaced: began.replaced,
      orphans: outcome.orphans,
      caughtUp,
      index,
    };
  }
}

/**
 * Scaled out: a new index generation made from the archive's (now new) vectors, its mapping made
 * for their size; until its aliases switch, the old generation answers, and questions are embedded
 * by the old model (server/runtime.ts ArchiveEmbedder.followSearchIndex).
 */
async function rebuildIndex(db: Db, opts: ReembedOptions): Promise<ReindexResult> {
  const { reindexArchive } = await import('../search/elasticsearch/es-reindex.js');
  return reindexArchive(opts.elasticsearch!, db, opts.onIndexProgress ? { onProgress: opts.onIndexProgress } : {});
}

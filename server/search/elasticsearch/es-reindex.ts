/**
 * `kwerenda reindex`: rebuilds the Elasticsearch index from the archive record into a new
 * generation of indices (`kwerenda-chunks-000002`, …, made from the current templates: e.g. the
 * stempel analyzer once the plugin is installed, or new mappings after an upgrade), then switches
 * every alias to it in one atomic `_aliases` request. Searches keep using the old generation until
 * that moment and the new one from then on: no downtime, never a half-filled index. The new
 * generation carries the archive's live vectors and is mapped for their size, so after
 * `kwerenda reembed` moved the archive to another model it is how the index follows; the archive
 * then records that the index answers with that model (questions are embedded by it).
 *
 * Changes while it runs are not lost: the reindex target is announced in the archive's settings
 * (with a heartbeat), and every outbox drain (./es-sync.ts) writes to it as well as to the aliases.
 * A document copied from a record read just before an admin changed its rules is checked again
 * after its copy is written (the change's own drain comes later, or the check sees it). A crashed
 * run leaves a stale announcement that drains ignore once its heartbeat is 10 minutes old, and
 * indices no alias points to; run the command again.
 */
import type { Db } from '../../store/db.js';
import { archiveEmbedding, setSetting } from '../../store/db.js';
import { setSearchIndexEmbedder } from '../../store/vector-generations.js';
import { ElasticsearchIndexer, type EsDocumentInput } from './es-indexer.js';
import type { ElasticsearchRuntime } from './es-runtime.js';
import { accessRules, REINDEX_SETTING, recordInput, type ReindexAnnouncement as Announcement } from './es-sync.js';
import { aliasName, RECORD_KINDS, type RecordKind } from './mappings.js';

const GENERATION = /-(\d{6})$/;

export interface ReindexResult {
  generation: string;
  documents: number;
  /** Indices the aliases pointed to before (deleted unless kept). */
  previous: string[];
  deleted: boolean;
  stempel: boolean;
}

export async function reindexArchive(
  es: ElasticsearchRuntime,
  db: Db,
  opts: {
    keepOld?: boolean;
    batchDocuments?: number;
    onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<ReindexResult> {
  const { client, prefix } = es;
  const aliases = Object.fromEntries(RECORD_KINDS.map((k) => [k, aliasName(prefix, k)])) as Record<RecordKind, string>;
  // Every index of ours, aliased or not (a crashed run's leftovers must not be reused).
  const existing = Object.keys(await client.indices.get({ index: RECORD_KINDS.map((k) => `${aliases[k]}-*`), expand_wildcards: 'all', ignore_unavailable: true }));
  const current = new Map<RecordKind, string[]>();
  for (const k of RECORD_KINDS) {
    const reply = await client.indices.getAlias({ name: aliases[k] }, { ignore: [404] });
    current.set(k, Object.keys(reply).filter((i) => i.startsWith(`${aliases[k]}-`)));
  }
  const highest = Math.max(0, ...existing.map((i) => Number(GENERATION.exec(i)?.[1] ?? 0)));
  const generation = String(highest + 1).padStart(6, '0');
  const indices = Object.fromEntries(RECORD_KINDS.map((k) => [k, `${aliases[k]}-${generation}`])) as Record<RecordKind, string>;

  // The new generation is made from the archive's live vectors, whatever model made them (after
  // `kwerenda reembed` another than the index has now: the templates and mapping follow its size).
  const embedding = archiveEmbedding(db);
  const dimensions = embedding?.dimensions ?? es.backend.dimensions;
  const templates = dimensions === es.backend.dimensions ? es.indexer : new ElasticsearchIndexer({ client, prefix, dimensions });
  const { stempel } = await templates.ensureIndices(); // current templates: what the new generation is made from
  for (const k of RECORD_KINDS) await client.indices.create({ index: indices[k] });
  // Changes queued before the copy starts are in what it reads: their outbox rows go once it is switched.
  const queuedBefore = db.prepare('SELECT coalesce(max(seq), 0) FROM search_sync').pluck().get() as number;
  const announce = () => setSetting(db, REINDEX_SETTING, JSON.stringify({ indices, heartbeat: Date.now() } satisfies Announcement));
  announce(); // from here on, every drain also writes to the new generation

  const target = new ElasticsearchIndexer({ client, prefix, dimensions, indices });
  const ids = db.prepare("SELECT id FROM documents WHERE status = 'ready' ORDER BY id").pluck().all() as number[];
  const per = opts.batchDocuments ?? 20;
  let done = 0;
  try {
    for (let i = 0; i < ids.length; i += per) {
      const batch = ids.slice(i, i + per).map((id) => recordInput(db, id)).filter((d): d is EsDocumentInput => d !== null);
      await target.writeReady(batch);
      for (const d of batch) {
        const now = accessRules(db, Number(d.id));
        if (JSON.stringify(now) !== JSON.stringify(d.restrictions ?? [])) await target.setRestrictions([d.id], now);
      }
      done += batch.length;
      announce();
      opts.onProgress?.(done, ids.length);
    }
    await client.indices.refresh({ index: Object.values(indices) });
    const previous = [...current.values()].flat();
    await client.indices.updateAliases({
      actions: RECORD_KINDS.flatMap((k) => [
        ...(current.get(k) ?? []).map((index) => ({ remove: { index, alias: aliases[k] } })),
        { add: { index: indices[k], alias: aliases[k], is_write_index: true } },
      ]),
    });
    // Questions are embedded from now on by the model whose vectors the aliases now answer with.
    if (embedding?.spec) setSearchIndexEmbedder(db, embedding.key, embedding.spec);
    db.prepare('DELETE FROM search_sync WHERE seq <= ?').run(queuedBefore);
    if (!opts.keepOld && previous.length > 0) await client.indices.delete({ index: previous });
    return { generation, documents: done, previous, deleted: !opts.keepOld && previous.length > 0, stempel };
  } catch (err) {
    // Not switched: the old generation still answers; the half-filled one goes.
    await client.indices.delete({ index: Object.values(indices) }, { ignore: [404] }).catch(() => undefined);
    throw err;
  } finally {
    db.prepare('DELETE FROM settings WHERE key = ?').run(REINDEX_SETTING);
  }
}

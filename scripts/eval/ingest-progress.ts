/**
 * Ingesting an eval archive with the product's ingest runtime, with a progress line every 10 s on
 * stderr (an eval ingest of scans takes minutes). Used by the synthetic and the real-text eval.
 */
import { loadConfig } from '../../server/config.js';

/** `env`: settings on top of the process's own (the eval's embedder). */
export async function ingestWithProgress(archive: string, dataDir: string, log: (line: string) => void, env: Record<string, string> = {}): Promise<void> {
  // Loaded only when needed: a reference-only run does not depend on the server's composition root.
  const { createIngestRuntime } = await import('../../server/main.js');
  const rt = await createIngestRuntime(loadConfig({ ...process.env, ...env, KWERENDA_DATA_DIR: dataDir, KWERENDA_PROGRESS: 'none' }));
  const t0 = Date.now();
  let last = 0;
  try {
    const r = await rt.ingest.run({
      paths: [archive],
      caseOverride: null,
      onProgress: (batchId) => {
        if (Date.now() - last < 10_000) return;
        last = Date.now();
        const s = rt.ledger.summary(batchId);
        log(`  ${s.pagesDone}/${s.pagesTotal} pages, ${s.ingested + s.present}/${s.files} files, ${Math.round((Date.now() - t0) / 1000)} s`);
      },
    });
    log(`Ingested in ${Math.round((Date.now() - t0) / 1000)} s: ${r.summary.ingested} new, ${r.summary.present} present, ${r.summary.failed} failed`);
    for (const f of r.failures) log(`  failed: ${f.path} (${f.error_code}: ${f.error})`);
  } finally {
    await rt.close();
  }
}

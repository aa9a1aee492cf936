import { loadConfig, type Config } from '../../server/config.js';
import { createIngestRuntime, type IngestRuntime } from '../../server/main.js';

/** An ingest runtime on a temporary data dir, configured as a user would with env variables. */
export async function ingestRuntime(dataDir: string, env: Record<string, string> = {}, workers = 2): Promise<IngestRuntime> {
  const config: Readonly<Config> = loadConfig({ KWERENDA_DATA_DIR: dataDir, KWERENDA_PAGE_TIMEOUT_S: '90', ...env });
  return createIngestRuntime(config, workers);
}

/**
 * A real `kwerenda serve` (createHttpServer) on an archive directory, for HTTP tests: the runtime,
 * the listening server, its base URL, and one close() that stops both.
 */
import type http from 'node:http';
import { loadConfig } from '../../server/config.js';
import { silentLogger } from '../../server/log.js';
import { createHttpServer, createSearchRuntime, type RuntimeOptions, type SearchRuntime } from '../../server/main.js';

export interface ServedArchive {
  rt: SearchRuntime;
  server: http.Server;
  base: string;
  close(): Promise<void>;
}

export async function serveArchive(dataDir: string, env: Record<string, string> = {}, opts: RuntimeOptions = {}): Promise<ServedArchive> {
  const rt = await createSearchRuntime(loadConfig({ KWERENDA_DATA_DIR: dataDir, ...env }), { logger: silentLogger, ...opts });
  const server = await createHttpServer(rt, '127.0.0.1', 0);
  const addr = server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return {
    rt,
    server,
    base,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await rt.close();
    },
  };
}

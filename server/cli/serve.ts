/**
 * `kwerenda serve`: the API on 127.0.0.1 by default. Prints where it listens once it is ready;
 * stops cleanly on SIGINT/SIGTERM. At start it sweeps the staging folder of uploads nothing needs.
 */
import type { Server } from 'node:http';
import type { Config } from '../config.js';
import { createHttpServer, createSearchRuntime } from '../main.js';
import { closeOnSignal } from './until-signal.js';

export async function serveCommand(config: Readonly<Config>): Promise<number> {
  const runtime = await createSearchRuntime(config);
  let server: Server;
  try {
    // Before anything is staged here: what failed, cut-off or crashed uploads left behind goes.
    runtime.uploads.sweepStaging();
    server = await createHttpServer(runtime, config.http.host, config.http.port);
  } catch (err) {
    await runtime.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      process.stderr.write(`Port ${config.http.port} jest zajęty (ustaw inny: --port lub KWERENDA_PORT).\n`);
      return 1;
    }
    throw err;
  }
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.http.port;
  process.stderr.write(`kwerenda: archiwum ${config.dataDir}; API na http://${config.http.host}:${port}\n`);
  await closeOnSignal(server);
  await runtime.close();
  return 0;
}

/** Serving until Ctrl+C or SIGTERM: then the server stops listening and drops its open connections. */
import type { Server } from 'node:http';

/** Resolves once SIGINT or SIGTERM has closed `server` (`onStop` runs first, e.g. to say so). */
export function closeOnSignal(server: Server, onStop?: () => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      onStop?.();
      server.close(() => resolve());
      server.closeAllConnections();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * A throwaway Redis for tests: Debian's `redis-server` on a free loopback port, no persistence,
 * stopped by its PID. A missing binary fails the test (CI installs it), it never skips.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface TestRedis {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = '';
    sock.setTimeout(500, () => {
      sock.destroy();
      resolve(false);
    });
    sock.on('error', () => resolve(false));
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) {
        sock.destroy();
        resolve(buf.startsWith('+PONG'));
      }
    });
  });
}

/** Starts `redis-server`; throws with a clear message when the binary is not installed. */
export async function startRedis(): Promise<TestRedis> {
  const which = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (which.error || which.status !== 0) {
    throw new Error('redis-server is not installed: run `apt-get install -y redis-server` (CI installs it in .ci/run)');
  }
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let exited = false;
  child.once('exit', () => (exited = true));
  // Up to ~10 s for the server to answer PING; a crash at start ends the wait at once.
  for (let i = 0; i < 100 && !exited; i++) {
    if (await ping(port)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (exited || !(await ping(port))) {
    if (!exited) child.kill('SIGKILL');
    throw new Error(`redis-server did not start on port ${port}`);
  }
  const pid = child.pid!;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        process.kill(pid, 'SIGTERM');
      }),
  };
}

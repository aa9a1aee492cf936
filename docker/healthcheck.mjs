// Container health probe for docker-compose (the slim Node image has no curl):
//   node docker/healthcheck.mjs http URL   → exit 0 when URL answers 2xx within 5 s
//   node docker/healthcheck.mjs redis      → exit 0 when REDIS_URL answers PING (after AUTH)
// A worker has no HTTP port; "healthy" for it means its queue is reachable with its credentials.
// It reads REDIS_URL itself because it runs outside the app (no config module); it never prints it.
import net from 'node:net';
import tls from 'node:tls';

const TIMEOUT_MS = 5000;
const [mode, target] = process.argv.slice(2);

function done(ok, why) {
  if (!ok) console.error(`healthcheck: ${why}`);
  process.exit(ok ? 0 : 1);
}
setTimeout(() => done(false, 'brak odpowiedzi w ciągu 5 s'), TIMEOUT_MS).unref();

/** RESP array of bulk strings: the form Redis accepts for any command. */
function command(...args) {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

function pingRedis(raw) {
  if (!raw) return done(false, 'brak REDIS_URL');
  const url = new URL(raw);
  const port = Number(url.port || 6379);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const socket = url.protocol === 'rediss:' ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
  const password = decodeURIComponent(url.password);
  const user = decodeURIComponent(url.username);
  const expected = password ? ['+OK', '+PONG'] : ['+PONG'];
  let buffer = '';
  socket.on('error', (e) => done(false, `redis: ${e.code ?? e.message}`));
  socket.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    const lines = buffer.split('\r\n').slice(0, -1);
    for (const [i, line] of lines.entries()) {
      if (line !== expected[i]) return done(false, `redis odpowiedział: ${line.slice(0, 80)}`);
    }
    if (lines.length >= expected.length) {
      socket.end();
      done(true);
    }
  });
  const auth = password ? (user ? command('AUTH', user, password) : command('AUTH', password)) : '';
  socket.write(auth + command('PING'));
}

async function getHttp(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    done(res.ok, `${url} → HTTP ${res.status}`);
  } catch (e) {
    done(false, `${url}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

if (mode === 'http' && target) await getHttp(target);
else if (mode === 'redis') pingRedis(process.env.REDIS_URL);
else done(false, 'użycie: healthcheck.mjs http URL | redis');

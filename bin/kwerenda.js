#!/usr/bin/env node
// The package's command. The TypeScript sources are compiled to dist/ by `npm ci` (prepare).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/server/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('kwerenda: brak skompilowanego kodu (dist/). Uruchom najpierw: npm ci  (albo npm run build)');
  process.exit(1);
}
const { run } = await import(main.href);
process.exitCode = await run(process.argv);

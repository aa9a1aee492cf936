/**
 * Web build, second half: `tsc -p web/tsconfig.json` compiles the UI's TypeScript to dist/web; this
 * copies the static files (index.html, CSS) next to it. No bundler: the browser loads ES modules.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const from = path.join(root, 'web', 'static');
const to = path.join(root, 'dist', 'web');
fs.mkdirSync(to, { recursive: true });
fs.cpSync(from, to, { recursive: true });
if (!fs.existsSync(path.join(to, 'main.js'))) {
  console.error('dist/web/main.js is missing: run `tsc -p web/tsconfig.json` first');
  process.exit(1);
}

import { defineConfig } from 'vitest/config';

/**
 * `npm run test:corpus`: the tests whose point is the real third-party corpus (hostile files, real
 * Polish scans, real public texts), read from `KWERENDA_CORPUS_DIR` (default ../shared/corpus). The
 * global setup stops the run with a clear message when the corpus is not there.
 */
export default defineConfig({
  test: {
    include: ['{server,ingest,fixtures,scripts,test}/**/*.corpus.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    globalSetup: ['test/helpers/corpus-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});

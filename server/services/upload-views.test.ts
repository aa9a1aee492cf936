import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LedgerFile } from '../store/ledger.js';
import { fileView } from './upload-views.js';

const root = path.join(path.sep, 'archiwum', 'staging');
const row = (over: Partial<LedgerFile>): LedgerFile => ({
  id: 7, batch_id: 1, path: path.join(root, 'u1', 'teczka', 'decyzja.pdf'), size: 1200, sha256: 'ab'.repeat(32), detected: 'application/pdf',
  status: 'ingested', stage: 'done', pages_done: 2, pages_total: 2, attempts: 1, error_code: null, error: null, document_id: 3, ...over,
});

describe('fileView: one ingest record as records staff see it', () => {
  it('names a staged file by its path inside the upload, with no error or notice when all went well', () => {
    const v = fileView(row({}), root, new Set());
    expect(v).toMatchObject({ name: 'teczka/decyzja.pdf', status: 'ingested', documentId: 3, error: null });
    expect(v.notice).toBeUndefined();
  });

  it('says why an ingested file lacks some metadata (a step ran past its time limit)', () => {
    const reason = 'nie odczytano metadanych: typ dokumentu (analiza tekstu przekroczyła 10 s)';
    const v = fileView(row({ error_code: 'metadata_incomplete', error: reason }), root, new Set());
    expect(v).toMatchObject({ status: 'ingested', error: null, notice: reason });
  });

  it('gives a failed file its error, and a restricted one neither name nor notice', () => {
    expect(fileView(row({ status: 'failed', error_code: 'corrupt', error: 'plik jest uszkodzony', document_id: null }), root, new Set()).error).toEqual({
      code: 'corrupt',
      reason: 'plik jest uszkodzony',
    });
    const hidden = fileView(row({ error_code: 'metadata_incomplete', error: 'nie odczytano metadanych: strony' }), root, new Set([3]));
    expect(hidden).toMatchObject({ withheld: true, documentId: null });
    expect(hidden.notice).toBeUndefined();
    expect(hidden.name).not.toContain('decyzja');
  });
});

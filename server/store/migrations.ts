/**
 * The archive database's schema, as the ordered list of migrations `openDb` applies (PRAGMA
 * user_version counts the ones applied). Append only: a released migration is never edited.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE files (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mime TEXT,
    stored_path TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );

  -- A document is searchable only when status = 'ready'; pages are stored while it is 'staging'.
  CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE REFERENCES files(sha256),
    status TEXT NOT NULL CHECK (status IN ('staging', 'ready')),
    filename TEXT NOT NULL,
    source_path TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT,
    case_number TEXT,
    doc_type TEXT,
    doc_date TEXT,
    page_count INTEGER NOT NULL,
    ocr_pages INTEGER NOT NULL DEFAULT 0,
    mean_confidence REAL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    ready_at TEXT
  );
  CREATE INDEX documents_case ON documents(case_number);
  CREATE INDEX documents_type_date ON documents(doc_type, doc_date);

  CREATE TABLE pages (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    page INTEGER NOT NULL,
    text TEXT NOT NULL,
    words TEXT NOT NULL,          -- JSON [[start, end, x0, y0, x1, y1, confidence], ...]
    source TEXT NOT NULL,
    confidence REAL,
    corrections TEXT NOT NULL,    -- JSON PageCorrections
    width REAL NOT NULL,
    height REAL NOT NULL,
    image_path TEXT,
    seconds REAL,
    PRIMARY KEY (document_id, page)
  );

  CREATE TABLE metadata (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    raw TEXT NOT NULL,
    page INTEGER,
    start INTEGER,
    end INTEGER,
    origin TEXT NOT NULL,
    extra TEXT
  );
  CREATE INDEX metadata_kind_value ON metadata(kind, value);
  CREATE INDEX metadata_document ON metadata(document_id);

  CREATE TABLE chunks (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    page INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL
  );
  CREATE INDEX chunks_document ON chunks(document_id, page);

  -- Indexed text has ł/Ł folded to l/L (same length, so offsets hold); unicode61 folds the rest.
  CREATE VIRTUAL TABLE chunks_fts USING fts5(
    text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2'
  );
  -- Substring index: finds OCR-damaged and partial words, and identifiers split by the tokenizer.
  CREATE VIRTUAL TABLE chunks_trigram USING fts5(
    text, content='', contentless_delete=1, tokenize='trigram remove_diacritics 1'
  );

  CREATE TABLE batches (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    finished_at TEXT,
    roots TEXT NOT NULL,
    case_override TEXT,
    owner_pid INTEGER,
    owner_host TEXT,
    status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'interrupted'))
  );

  -- The ingest ledger: one row per file per batch; CLI, API and UI read progress from here.
  CREATE TABLE ingest_files (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    path TEXT NOT NULL,
    size INTEGER,
    sha256 TEXT,
    detected TEXT,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'ingested', 'present', 'failed')),
    stage TEXT NOT NULL DEFAULT 'queued',
    pages_done INTEGER NOT NULL DEFAULT 0,
    pages_total INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    error_code TEXT,
    error TEXT,
    document_id INTEGER REFERENCES documents(id),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );
  -- No uniqueness on (batch, path): in --watch mode a file replaced by new content is a new row.
  CREATE INDEX ingest_files_status ON ingest_files(batch_id, status);
  CREATE INDEX ingest_files_path ON ingest_files(path);
  CREATE INDEX ingest_files_sha ON ingest_files(sha256);

  -- The embedded job queue (BullMQ takes this role when scaled out).
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'active', 'completed', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_after INTEGER NOT NULL DEFAULT 0,
    owner_pid INTEGER,
    owner_host TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );
  CREATE INDEX jobs_waiting ON jobs(status, run_after);
  `,
  `
  CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('clerk', 'records', 'supervisor', 'admin')),
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );

  -- API tokens: only the SHA-256 of the token is stored (tokens are 256-bit random, so a fast hash suffices).
  CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    expires_at TEXT,
    revoked_at TEXT,
    last_used_at TEXT
  );

  -- Every agent search exactly as it was shown (the response JSON), for supervisors.
  CREATE TABLE searches (
    id TEXT PRIMARY KEY,
    user_id INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    question TEXT NOT NULL,
    mode TEXT NOT NULL,
    degraded TEXT,
    result_count INTEGER NOT NULL,
    response TEXT NOT NULL
  );
  CREATE INDEX searches_user_time ON searches(user_id, created_at);
  CREATE INDEX searches_time ON searches(created_at);
  `,
  `
  -- Precinct filters and lookups (server/search/sqlite/filters.ts): distinct precincts, and the
  -- documents with a parcel in one, without reading every parcel row's JSON.
  CREATE INDEX metadata_parcel_obreb ON metadata(json_extract(extra, '$.obreb'), document_id) WHERE kind = 'parcel';
  `,
  `
  -- Supervisors' verdicts on what a search showed (server/store/verdicts.ts). Append-only: a newer
  -- verdict on the same (search, rank) supersedes the older one; the triggers refuse edits and deletes.
  CREATE TABLE verdicts (
    id INTEGER PRIMARY KEY,
    search_id TEXT NOT NULL REFERENCES searches(id),
    rank INTEGER NOT NULL,
    document_id TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('relevant', 'not_relevant', 'citation_wrong')),
    user_id INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );
  CREATE INDEX verdicts_search ON verdicts(search_id, rank, id);
  CREATE TRIGGER verdicts_no_update BEFORE UPDATE ON verdicts BEGIN SELECT RAISE(ABORT, 'verdicts are append-only'); END;
  CREATE TRIGGER verdicts_no_delete BEFORE DELETE ON verdicts BEGIN SELECT RAISE(ABORT, 'verdicts are append-only'); END;
  `,
  `
  -- Security (server/security, server/store/sessions.ts, server/store/audit-log.ts).
  ALTER TABLE users ADD COLUMN password_hash TEXT;
  ALTER TABLE users ADD COLUMN password_changed_at TEXT;
  -- The identity provider's subject for single sign-on users (OpenID Connect "sub").
  ALTER TABLE users ADD COLUMN oidc_subject TEXT;
  CREATE UNIQUE INDEX users_oidc_subject ON users(oidc_subject) WHERE oidc_subject IS NOT NULL;

  -- Browser sessions: only the SHA-256 of the cookie value is stored.
  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    via TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  CREATE INDEX sessions_user ON sessions(user_id);

  -- Failed logins per user name (known or not): lockout with growing back-off.
  CREATE TABLE login_attempts (
    name TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    locked_until TEXT,
    last_failure_at TEXT NOT NULL
  );

  -- The audit trail: append-only, each entry carries the hash of the previous one.
  CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id INTEGER,
    actor_name TEXT,
    actor_role TEXT,
    action TEXT NOT NULL,
    target TEXT,
    details TEXT NOT NULL,
    ip TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
  );
  CREATE INDEX audit_events_time ON audit_events(at);
  CREATE INDEX audit_events_action ON audit_events(action, at);
  CREATE INDEX audit_events_actor ON audit_events(actor_name, at);
  CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
  CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
  CREATE TRIGGER searches_no_update BEFORE UPDATE ON searches BEGIN SELECT RAISE(ABORT, 'searches are append-only'); END;
  CREATE TRIGGER searches_no_delete BEFORE DELETE ON searches BEGIN SELECT RAISE(ABORT, 'searches are append-only'); END;
  `,
  `
  -- Restricted documents (server/store/restrictions.ts). A rule names a case, a folder or a
  -- document and who may read it; removed rules stay, with removed_at, for the record.
  CREATE TABLE restrictions (
    id INTEGER PRIMARY KEY,
    scope TEXT NOT NULL CHECK (scope IN ('case', 'folder', 'document')),
    value TEXT NOT NULL,
    principals TEXT NOT NULL,     -- JSON [{kind: 'user'|'role', value}]
    reason TEXT,
    created_by TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    removed_at TEXT,
    removed_by TEXT
  );
  CREATE INDEX restrictions_active ON restrictions(scope, value) WHERE removed_at IS NULL;
  -- Who may read a document, one row per (active rule covering it, principal). Searches join this.
  CREATE TABLE document_access (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    restriction_id INTEGER NOT NULL REFERENCES restrictions(id),
    kind TEXT NOT NULL CHECK (kind IN ('user', 'role')),
    principal TEXT NOT NULL,
    PRIMARY KEY (document_id, restriction_id, kind, principal)
  ) WITHOUT ROWID;
  CREATE INDEX document_access_restriction ON document_access(restriction_id);
  -- How many active rules cover the document (0: open to every reader). Read in the row the query
  -- already has, so the unrestricted path costs nothing; the partial index lists the restricted few.
  ALTER TABLE documents ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX documents_restricted ON documents(id) WHERE restricted <> 0;
  `,
  `
  -- Webhooks (server/store/webhooks.ts). The secret is stored because every delivery is signed
  -- with it; the API never returns it after creation. Removed webhooks keep disabled_at.
  CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    events TEXT NOT NULL,         -- JSON array of event types
    created_by TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    disabled_at TEXT
  );
  -- One row per event and subscribed webhook, written in the transaction that caused the event.
  CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    webhook_id INTEGER NOT NULL REFERENCES webhooks(id),
    event TEXT NOT NULL,
    payload TEXT NOT NULL,        -- the exact body sent (ids only)
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,      -- ms since the epoch; NULL once final
    last_status INTEGER,
    last_error TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    delivered_at TEXT
  );
  CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
  CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries(webhook_id, created_at);
  `,
  `
  -- Import from the document management system (ingest/dms.ts): the case's id (and link) there,
  -- and whether a batch reads metadata sidecars (so a worker process reads them too).
  ALTER TABLE documents ADD COLUMN external_id TEXT;
  ALTER TABLE documents ADD COLUMN external_url TEXT;
  ALTER TABLE batches ADD COLUMN dms INTEGER NOT NULL DEFAULT 0;
  `,
  `
  -- The outbox of an external search index (Elasticsearch, server/search/elasticsearch/es-sync.ts):
  -- a row per document whose copy there must be written ('index') or whose access rules changed
  -- ('access'), added in the same transaction as the change; \`seq\` grows with every change, so a
  -- row is removed only if nothing changed while it was being synced. Filled only while the
  -- setting 'search_index' names an external index.
  CREATE TABLE search_sync (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    what TEXT NOT NULL CHECK (what IN ('index', 'access')),
    seq INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
  );
  `,
  `
  -- A keyed audit chain (server/store/audit-key.ts): the HMAC of each entry's hash with a key kept
  -- outside the data directory; NULL for entries written before the archive was keyed.
  ALTER TABLE audit_events ADD COLUMN mac TEXT;
  `,
  `
  -- Webhook secrets sealed under a key outside the database (server/services/webhook-secrets.ts);
  -- 0 for a secret still in clear, sealed when the server next starts.
  ALTER TABLE webhooks ADD COLUMN secret_sealed INTEGER NOT NULL DEFAULT 0;
  `,
];

/**
 * Domain errors with stable codes. Domain code throws these; the CLI and (later) the HTTP layer
 * translate them. Messages meant for records staff and clerks are Polish; codes are stable ids.
 */

export type IngestFailureCode =
  | 'unsupported'
  | 'encrypted'
  | 'corrupt'
  | 'empty'
  | 'too_large'
  | 'timeout'
  | 'out_of_memory'
  | 'ocr_failed'
  | 'read_failed'
  | 'dms_metadata'
  | 'interrupted'
  | 'search_index'
  | 'internal';

const ingestMessages: Record<IngestFailureCode, string> = {
  unsupported: 'nieobsługiwany typ pliku',
  encrypted: 'plik PDF jest zaszyfrowany (hasło nieznane)',
  corrupt: 'plik jest uszkodzony',
  empty: 'plik nie zawiera żadnej strony',
  too_large: 'obraz jest zbyt duży',
  timeout: 'przekroczono limit czasu przetwarzania',
  out_of_memory: 'przekroczono limit pamięci przetwarzania',
  ocr_failed: 'rozpoznawanie tekstu (OCR) nie powiodło się',
  read_failed: 'nie można odczytać pliku',
  dms_metadata: 'błędne lub brakujące metadane z systemu EZD',
  interrupted: 'przetwarzanie przerwane',
  search_index: 'indeks wyszukiwania (Elasticsearch) nie przyjął dokumentu',
  internal: 'błąd wewnętrzny',
};

/** A file could not be ingested; `detail` says why in terms the records staff can act on. */
export class IngestError extends Error {
  constructor(
    public readonly code: IngestFailureCode,
    public readonly detail: string,
    /** Retrying cannot help (corrupt, encrypted, unsupported …). */
    public readonly permanent = true,
  ) {
    super(`${ingestMessages[code]}: ${detail}`);
    this.name = 'IngestError';
  }
}

/** Turns anything thrown into an IngestError without leaking document text into the message. */
export function toIngestError(err: unknown): IngestError {
  if (err instanceof IngestError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new IngestError('internal', message.slice(0, 300), false);
}

export function ingestMessage(code: IngestFailureCode): string {
  return ingestMessages[code];
}

/** Errors for API callers (used by the HTTP layer in a later issue). */
export class DomainError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly status = 400,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

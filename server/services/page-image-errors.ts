/** What a failed page render or text-layer read tells the caller: retry later (503) or not (422). */
import { DomainError, IngestError } from '../errors.js';

/** Time and memory limits may pass on a retry (503); a file pdf.js cannot read will not (422). */
export function toDomainError(err: unknown): DomainError {
  if (err instanceof DomainError) return err;
  if (err instanceof IngestError) {
    const why = `nie można przygotować obrazu strony: ${err.message}`;
    if (err.code === 'timeout' || err.code === 'out_of_memory' || err.code === 'interrupted') {
      return withCause(new DomainError('page_image_unavailable', `${why}; spróbuj ponownie później`, 503), err);
    }
    if (err.code === 'internal') return withCause(new DomainError('page_image_failed', why, 500), err);
    return withCause(new DomainError('page_image_failed', why, 422), err);
  }
  return withCause(new DomainError('page_image_failed', 'nie można przygotować obrazu strony: błąd wewnętrzny', 500), err);
}

function withCause(e: DomainError, cause: unknown): DomainError {
  e.cause = cause;
  return e;
}

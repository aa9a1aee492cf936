/**
 * A pdf.js "worker" that parses the document from the caller's own bytes instead of a copy.
 *
 * In Node, pdf.js runs its parser in the calling thread behind a port that structured-clones every
 * message (its LoopbackPort): the document's buffer is either transferred (detached from the
 * caller) or copied. The PDF worker needs those bytes after pdf.js has them — the embedded-image
 * reader takes image streams straight from the file — so the stock port costs a second copy of the
 * whole file. This port hands the document's bytes over by reference; pdf.js's parser only reads
 * them (its `Stream` never writes). Text-content chunks pass by reference too (see cloneMessage);
 * every other message is cloned exactly as pdf.js's port does.
 */
import { pdfjs, WorkerMessageHandler } from './pdfjs.js';

type PDFWorker = InstanceType<typeof pdfjs.PDFWorker>;

type Listener = (event: { data: unknown }) => void;
type TransferList = NonNullable<NonNullable<Parameters<typeof structuredClone>[1]>['transfer']>;

/** The action pdf.js sends with the document's bytes as `data.data`. */
const OPEN_ACTION = 'GetDocRequest';

/** An in-thread message port, like pdf.js's LoopbackPort but sharing the document's bytes. */
export class SharingPort {
  private readonly listeners = new Map<Listener, (() => void) | null>();
  private readonly deferred = Promise.resolve();

  postMessage(message: unknown, transfer?: TransferList | null): void {
    const event = { data: cloneMessage(message, transfer ?? undefined) };
    void this.deferred.then(() => {
      for (const listener of [...this.listeners.keys()]) listener.call(this, event);
    });
  }

  addEventListener(_type: string, listener: Listener, options?: { signal?: AbortSignal } | null): void {
    const signal = options?.signal;
    if (signal?.aborted) return;
    let unhook: (() => void) | null = null;
    if (signal) {
      const onAbort = () => this.removeEventListener(_type, listener);
      signal.addEventListener('abort', onAbort);
      unhook = () => signal.removeEventListener('abort', onAbort);
    }
    this.listeners.set(listener, unhook);
  }

  removeEventListener(_type: string, listener: Listener): void {
    this.listeners.get(listener)?.();
    this.listeners.delete(listener);
  }

  terminate(): void {
    for (const unhook of this.listeners.values()) unhook?.();
    this.listeners.clear();
  }
}

/** pdf.js's `StreamKind.ENQUEUE` (message-handler internals): one chunk of a streamed reply. */
const STREAM_ENQUEUE = 4;

/**
 * A chunk of `getTextContent`'s stream: fresh item objects the parser never touches again (it
 * starts new `items`/`styles` for the next chunk but reuses the chunk object itself). Operator-list
 * chunks, which the parser does empty after sending, have no `items`.
 */
function isTextChunk(m: { stream?: unknown; chunk?: unknown }, transfer?: TransferList): m is { chunk: { items: unknown[] } } {
  if (m.stream !== STREAM_ENQUEUE || (transfer && transfer.length > 0)) return false;
  const c = m.chunk as { items?: unknown; styles?: unknown } | null | undefined;
  return !!c && Array.isArray(c.items) && typeof c.styles === 'object' && c.styles !== null;
}

/**
 * Structured clone, except for two messages whose contents nobody changes after sending: the
 * document's bytes in an open request stay the same object, and a text-content chunk passes its
 * items by reference (cloning them was ~7 % of a born-digital file's text extraction).
 */
export function cloneMessage(message: unknown, transfer?: TransferList): unknown {
  const m = message as { action?: unknown; data?: { data?: unknown }; stream?: unknown; chunk?: unknown } | null;
  if (m && isTextChunk(m, transfer)) return { ...m, chunk: { ...m.chunk } };
  const bytes = m && m.action === OPEN_ACTION ? m.data?.data : undefined;
  if (bytes instanceof Uint8Array) {
    const clone: { data: { data: unknown } } = structuredClone({ ...m, data: { ...m!.data, data: null } });
    clone.data.data = bytes;
    return clone;
  }
  return structuredClone(message, transfer ? { transfer } : undefined);
}

/**
 * A pdf.js worker whose documents are parsed from the bytes given to `getDocument({ data })`
 * without copying or detaching them. Pass it as `getDocument({ worker })`; destroy it when done.
 */
export async function createSharedPdfWorker(): Promise<PDFWorker> {
  const port = new SharingPort();
  WorkerMessageHandler.initializeFromPort(port);
  // The declared type allows no port, though the constructor takes one (as in a browser).
  return new pdfjs.PDFWorker({ port: port as never });
}

/**
 * What Node's HTTP server answers by itself, before Express sees a request: requests it cannot
 * parse (bad header bytes, unknown methods, headers too large) and an `Expect` it cannot meet.
 * These get the same `{error: {code, message}}` JSON as every other answer, not a bare status line.
 * Create the server with `requireHostHeader: false`: nothing here depends on Host, and otherwise
 * Node refuses an HTTP/1.1 request without it with a bare 400.
 */
import type http from 'node:http';

export function answerMalformedRequestsInJson(server: http.Server): void {
  server.on('checkExpectation', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(417, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
    res.end(JSON.stringify({ error: { code: 'expectation_failed', message: 'nieobsługiwany nagłówek Expect' } }));
  });
  // Garbage after a request the app is already answering gets no second answer on that socket: the
  // socket closes once that answer is out (or at once if the request's own body is what broke).
  const answering = new WeakMap<object, http.ServerResponse>();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    answering.set(req.socket, res);
    res.on('close', () => answering.delete(req.socket));
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const inFlight = answering.get(socket);
    if (inFlight?.req.complete) {
      inFlight.on('close', () => socket.destroy());
      return;
    }
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight) {
      socket.destroy();
      return;
    }
    const [status, text, code, message] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'headers_too_large', 'nagłówki żądania są za duże']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout', 'request_timeout', 'przekroczono czas oczekiwania na żądanie']
          : [400, 'Bad Request', 'bad_request', 'nieprawidłowe żądanie HTTP'];
    const body = JSON.stringify({ error: { code, message } });
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

/** How long a client may take to send a request's headers. */
export const HEADERS_TIMEOUT_MS = 15_000;
/** How long a caller not yet known (a sign-in) may take to send its small body. */
export const ANONYMOUS_BODY_TIMEOUT_MS = 15_000;

const hasBody = (req: http.IncomingMessage) =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/**
 * Timeouts, and no socket held for a body nobody reads.
 *
 * Node's whole-request deadline (`requestTimeout`) is off: it cannot tell a records clerk's
 * multi-gigabyte upload on a slow link from an anonymous client that trickles a body to hold a
 * socket, and answers both with a 408 (the default, 5 minutes, cuts off the first; 30 minutes held
 * the second). The second is handled where the caller is known instead: headers must arrive within
 * `HEADERS_TIMEOUT_MS`; the API authenticates before it reads any body, and an answer given before
 * the request's body was read (a 401, 403, 404, 413 …) closes the connection (`closeIfBodyUnread`),
 * so Node does not drain the rest; the one body read from an unknown caller, a sign-in, has
 * `ANONYMOUS_BODY_TIMEOUT_MS` (`anonymousBodyDeadline`). Idle keep-alive connections close after 5 s,
 * and TCP keep-alive probes drop peers that vanished mid-request.
 */
export function limitSlowClients(server: http.Server): void {
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = 0;
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket: import('node:net').Socket) => socket.setKeepAlive(true, 60_000));
}

/**
 * An answer given before the request's body was read in full closes the connection, so Node does
 * not drain (and wait for) the rest. The app installs it before anything else can answer.
 */
export function closeIfBodyUnread(req: http.IncomingMessage, res: http.ServerResponse): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: http.ServerResponse, ...args: unknown[]) {
    if (!req.complete && hasBody(req) && !res.headersSent) res.setHeader('Connection', 'close');
    return (writeHead as (...a: unknown[]) => http.ServerResponse).apply(this, args);
  } as typeof res.writeHead;
}

/**
 * For a body read before the caller is known: unless it has arrived in full within `ms`, the
 * caller gets a 408 and the connection closes.
 */
export function anonymousBodyDeadline(req: http.IncomingMessage, res: http.ServerResponse, ms = ANONYMOUS_BODY_TIMEOUT_MS): void {
  if (req.complete || !hasBody(req)) return;
  const timer = setTimeout(() => {
    if (req.complete) return;
    if (!res.headersSent) {
      const body = JSON.stringify({ error: { code: 'request_timeout', message: 'przekroczono czas oczekiwania na treść żądania' } });
      res.writeHead(408, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
      res.end(body);
    } else req.socket.destroy();
  }, ms);
  timer.unref();
  const clear = () => clearTimeout(timer);
  req.once('end', clear);
  res.once('close', clear);
}

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

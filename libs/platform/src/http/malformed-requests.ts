// Requests Node's HTTP parser refuses before any route sees them (headers too large, a request
// line that is not HTTP, a timeout while the headers arrive): answered by Node itself with an
// empty body. This gives them the JSON shape of every other refusal, reason code included.
import type { Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

const statusOfParserError: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'HEADERS_TOO_LARGE'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'REQUEST_TIMEOUT'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'PAYLOAD_TOO_LARGE'],
};

export function answerMalformedRequestsAsJson(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // nothing to answer to: the client has gone, or an answer is already on its way
    if (error.code === 'ECONNRESET' || !socket.writable || (socket as Duplex & { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    const [status, code] = statusOfParserError[error.code ?? ''] ?? [400, 'MALFORMED_REQUEST'];
    const body = JSON.stringify({ statusCode: status, code, message: STATUS_CODES[status] });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

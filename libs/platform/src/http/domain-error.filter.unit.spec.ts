import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Logger, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { DomainErrorFilter } from './domain-error.filter';
import { answerMalformedRequestsAsJson } from './malformed-requests';

class RecordedResponse {
  statusCode = 200;
  body?: Record<string, unknown>;
  headers: Record<string, string> = { 'content-type': 'text/csv', 'content-disposition': 'attachment; filename="x.csv"' };
  headersSent = false;
  status(code: number) {
    this.statusCode = code;
    return this;
  }
  type(value: string) {
    this.headers['content-type'] = value;
    return this;
  }
  removeHeader(name: string) {
    delete this.headers[name];
  }
  json(body: Record<string, unknown>) {
    this.body = body;
    return this;
  }
}

function answerTo(error: unknown): RecordedResponse {
  const response = new RecordedResponse();
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  new DomainErrorFilter().catch(error, host);
  return response;
}

/** What body-parser throws (an http-errors error). */
const parserError = (status: number, type: string | undefined, message: string) => Object.assign(new Error(message), { status, statusCode: status, expose: true, ...(type ? { type } : {}) });

describe('the HTTP error filter', () => {
  // the 500 case logs its stack on purpose: not in the test output
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']));

  it.each([
    ['malformed JSON', parserError(400, 'entity.parse.failed', 'Unexpected end of JSON input'), 400, 'MALFORMED_BODY'],
    ['a body that does not inflate', parserError(400, undefined, 'Bad Request'), 400, 'MALFORMED_BODY'],
    ['a body over the limit', parserError(413, 'entity.too.large', 'request entity too large'), 413, 'PAYLOAD_TOO_LARGE'],
    ['an unknown charset', parserError(415, 'charset.unsupported', 'unsupported charset "NONSENSE"'), 415, 'UNSUPPORTED_CHARSET'],
    ['an unknown content encoding', parserError(415, 'encoding.unsupported', 'unsupported content encoding "nonsense"'), 415, 'UNSUPPORTED_CONTENT_ENCODING'],
    ["the router's unknown route", new NotFoundException('Cannot GET /nowhere'), 404, 'NOT_FOUND'],
  ])('answers %s as the client error it is, with a reason code', (_label, error, status, code) => {
    expect(answerTo(error)).toMatchObject({ statusCode: status, body: { statusCode: status, code } });
  });

  it('answers anything unexpected with a 500 that shows no internals', () => {
    const answer = answerTo(new Error('connection terminated: password authentication failed'));
    expect(answer).toMatchObject({ statusCode: 500, body: { code: 'INTERNAL_ERROR', message: 'an unexpected error occurred' } });
  });

  it('answers in JSON even when the handler had chosen a file download', () => {
    const answer = answerTo({ reason: 'UNKNOWN_SUBSIDIARY', kind: 'invalidRequest', message: 'no such subsidiary' });
    expect(answer.headers).toEqual({ 'content-type': 'application/json' });
    expect(answer.body).toMatchObject({ code: 'UNKNOWN_SUBSIDIARY' });
  });
});

describe('requests the HTTP parser refuses', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((_request, response) => response.end('ok'));
    answerMalformedRequestsAsJson(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  function rawExchange(request: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(request));
      let received = '';
      socket.on('data', (chunk) => (received += chunk));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
    });
  }

  it.each([
    ['headers over the limit', `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'HEADERS_TOO_LARGE'],
    ['a request line that is not HTTP', 'HELLO WORLD\r\n\r\n', 400, 'MALFORMED_REQUEST'],
  ])('answers %s in JSON with a reason code', async (_label, request, status, code) => {
    const answer = await rawExchange(request);
    expect(answer.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}`);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ statusCode: status, code });
  });
});

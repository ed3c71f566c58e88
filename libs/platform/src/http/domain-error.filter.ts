// Maps errors to HTTP once, at the edge. Domain code stays free of HTTP: its errors carry a
// `reason` code and a `kind` (see DomainErrorKind), and this filter turns the kind into a status.
// The body parser's refusals (malformed JSON, too large, unknown charset or encoding) are the
// client's fault and answered as such. Every refusal carries a machine-readable `code`. Anything
// unexpected is a 500 with no internals in the body, logged with its stack.
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';

export type DomainErrorKind = 'invalidRequest' | 'notFound' | 'conflict' | 'notSellable' | 'rejected';

const statusOfKind: Record<DomainErrorKind, number> = {
  invalidRequest: 400,
  notFound: 404,
  conflict: 409,
  notSellable: 422,
  rejected: 422,
};

/** The shape domain errors share (duck-typed so that domain code need not import this lib). */
export interface DomainErrorLike {
  reason: string;
  kind: DomainErrorKind;
  message: string;
  details?: Record<string, unknown>;
}

export function isDomainError(error: unknown): error is DomainErrorLike {
  const candidate = error as Partial<DomainErrorLike> | null;
  return !!candidate && typeof candidate.reason === 'string' && typeof candidate.kind === 'string' && candidate.kind in statusOfKind;
}

@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrors');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (isDomainError(error)) {
      const status = statusOfKind[error.kind];
      reply(response, status, { statusCode: status, code: error.reason, message: error.message, ...(error.details ?? {}) });
      return;
    }
    if ((error as Error)?.name === 'WrongExpectedVersionError') {
      reply(response, 409, { statusCode: 409, code: 'VERSION_CONFLICT', message: (error as Error).message });
      return;
    }
    if (isClientRequestError(error)) {
      const code = requestErrorCodes[error.type ?? ''] ?? (error.status === 400 ? 'MALFORMED_BODY' : codeOfStatus(error.status));
      reply(response, error.status, { statusCode: error.status, code, message: error.message });
      return;
    }
    if (error instanceof HttpException) {
      const body = error.getResponse();
      const status = error.getStatus();
      reply(response, status, typeof body === 'string' ? { statusCode: status, code: codeOfStatus(status), message: body } : { code: codeOfStatus(status), ...body });
      return;
    }
    this.logger.error(error as Error);
    reply(response, 500, { statusCode: 500, code: 'INTERNAL_ERROR', message: 'an unexpected error occurred' });
  }
}

/**
 * Answers the refusal as JSON even when the handler had already chosen another type (a CSV or
 * PDF download that failed): the body is the error, not the file.
 */
function reply(response: Response, status: number, body: Record<string, unknown>): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  response.removeHeader('content-disposition');
  response.status(status).type('application/json').json(body);
}

/** What body-parser (through http-errors) throws: a 4xx status it is safe to show (`expose`). */
interface ClientRequestError {
  status: number;
  expose: true;
  type?: string;
  message: string;
}

function isClientRequestError(error: unknown): error is ClientRequestError {
  const candidate = error as Partial<ClientRequestError> | null;
  return !!candidate && candidate.expose === true && typeof candidate.status === 'number' && candidate.status >= 400 && candidate.status < 500;
}

/** body-parser's error types (see its README), as reason codes. */
const requestErrorCodes: Record<string, string> = {
  'entity.parse.failed': 'MALFORMED_BODY',
  'entity.verify.failed': 'MALFORMED_BODY',
  'entity.too.large': 'PAYLOAD_TOO_LARGE',
  'request.size.invalid': 'MALFORMED_BODY',
  'request.aborted': 'REQUEST_ABORTED',
  'charset.unsupported': 'UNSUPPORTED_CHARSET',
  'encoding.unsupported': 'UNSUPPORTED_CONTENT_ENCODING',
  'parameters.too.many': 'PAYLOAD_TOO_LARGE',
};

function codeOfStatus(status: number): string {
  switch (status) {
    case 400: return 'BAD_REQUEST';
    case 401: return 'UNAUTHENTICATED';
    case 403: return 'FORBIDDEN';
    case 404: return 'NOT_FOUND';
    case 409: return 'CONFLICT';
    case 413: return 'PAYLOAD_TOO_LARGE';
    case 415: return 'UNSUPPORTED_MEDIA_TYPE';
    case 431: return 'HEADERS_TOO_LARGE';
    case 422: return 'UNPROCESSABLE';
    default: return status >= 500 ? 'INTERNAL_ERROR' : 'HTTP_ERROR';
  }
}

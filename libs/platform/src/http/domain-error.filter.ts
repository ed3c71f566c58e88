// Maps errors to HTTP once, at the edge. Domain code stays free of HTTP: its errors carry a
// `reason` code and a `kind` (see DomainErrorKind), and this filter turns the kind into a status.
// Anything unexpected is a 500 with no internals in the body, logged with its stack.
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
      response.status(status).json({ statusCode: status, code: error.reason, message: error.message, ...(error.details ?? {}) });
      return;
    }
    if ((error as Error)?.name === 'WrongExpectedVersionError') {
      response.status(409).json({ statusCode: 409, code: 'VERSION_CONFLICT', message: (error as Error).message });
      return;
    }
    if (error instanceof HttpException) {
      const body = error.getResponse();
      const status = error.getStatus();
      response.status(status).json(typeof body === 'string' ? { statusCode: status, code: codeOfStatus(status), message: body } : { code: codeOfStatus(status), ...body });
      return;
    }
    this.logger.error(error as Error);
    response.status(500).json({ statusCode: 500, code: 'INTERNAL_ERROR', message: 'an unexpected error occurred' });
  }
}

function codeOfStatus(status: number): string {
  switch (status) {
    case 400: return 'BAD_REQUEST';
    case 401: return 'UNAUTHENTICATED';
    case 403: return 'FORBIDDEN';
    case 404: return 'NOT_FOUND';
    case 409: return 'CONFLICT';
    case 413: return 'PAYLOAD_TOO_LARGE';
    case 415: return 'UNSUPPORTED_MEDIA_TYPE';
    case 422: return 'UNPROCESSABLE';
    default: return status >= 500 ? 'INTERNAL_ERROR' : 'HTTP_ERROR';
  }
}

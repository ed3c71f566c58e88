// One-time termination tokens. The token is the HMAC-SHA256 of the request's random id under a
// service secret: the event store keeps only the token's SHA-256 (a database dump confirms
// nothing), and the outbox relay derives the token again when it publishes the notification
// (ServiceTerminationRequested), so the token exists only in that event — never in a response,
// a log line or a stored row.
import { createHash, createHmac } from 'node:crypto';

/** Known to everyone by design: refused in production. */
export const DEVELOPMENT_TERMINATION_TOKEN_SECRET = 'subscription-development-termination-token-secret';

export class TerminationTokens {
  private constructor(private readonly secret: string) {}

  static fromConfig(secret: string | undefined, environment: string): TerminationTokens {
    if (secret) return new TerminationTokens(secret);
    if (environment === 'production') throw new Error('TERMINATION_TOKEN_SECRET is required in production');
    return new TerminationTokens(DEVELOPMENT_TERMINATION_TOKEN_SECRET);
  }

  /** The token of one termination request (43 characters, base64url). */
  tokenOf(serviceId: string, requestId: string): string {
    return createHmac('sha256', this.secret).update(`termination-token/${serviceId}/${requestId}`).digest('base64url');
  }

  /** What the aggregate stores and compares: the token's SHA-256, hex. */
  static hashOf(token: string): string {
    return createHash('sha256').update(token, 'utf8').digest('hex');
  }
}

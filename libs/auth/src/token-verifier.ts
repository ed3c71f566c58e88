// Verifies bearer JWTs. Production verifies with the configured public key (ES256/RS256) or
// shared secret (HS256), issuer and audience; outside production, with no key configured, a
// published development secret is used so that local runs and tests can mint tokens.
import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import type { Principal, Role } from './principal';

/** Known to everyone by design: accepted only when NODE_ENV is not `production`. */
export const DEVELOPMENT_SIGNING_SECRET = 'billing-platform-development-signing-secret-not-for-production';
export const DEFAULT_ISSUER = 'billing-platform';
export const DEFAULT_AUDIENCE = 'billing-platform';

export const authConfigSchema = z.object({
  AUTH_ISSUER: z.string().min(1).default(DEFAULT_ISSUER),
  AUTH_AUDIENCE: z.string().min(1).default(DEFAULT_AUDIENCE),
  /** PEM public key (ES256 or RS256). */
  AUTH_JWT_PUBLIC_KEY: z.string().min(1).optional(),
  /** Shared secret for HS256, at least 32 characters. */
  AUTH_JWT_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
});

export type AuthConfig = z.infer<typeof authConfigSchema>;

export class AuthenticationError extends Error {
  constructor(readonly reason: 'MISSING_TOKEN' | 'INVALID_TOKEN' | 'EXPIRED_TOKEN', message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

const claimsSchema = z.object({
  sub: z.string().min(1).max(128),
  roles: z.array(z.enum(['customer', 'operator'])).optional(),
});

export class TokenVerifier {
  private constructor(
    private readonly key: KeyObject,
    private readonly issuer: string,
    private readonly audience: string,
  ) {}

  static fromConfig(config: AuthConfig, environment: string): TokenVerifier {
    if (config.AUTH_JWT_PUBLIC_KEY) {
      return new TokenVerifier(createPublicKey(config.AUTH_JWT_PUBLIC_KEY), config.AUTH_ISSUER, config.AUTH_AUDIENCE);
    }
    if (config.AUTH_JWT_SECRET) {
      return new TokenVerifier(createSecretKey(Buffer.from(config.AUTH_JWT_SECRET)), config.AUTH_ISSUER, config.AUTH_AUDIENCE);
    }
    if (environment === 'production') {
      throw new Error('AUTH_JWT_PUBLIC_KEY or AUTH_JWT_SECRET is required in production');
    }
    return new TokenVerifier(createSecretKey(Buffer.from(DEVELOPMENT_SIGNING_SECRET)), config.AUTH_ISSUER, config.AUTH_AUDIENCE);
  }

  /** Reads an `Authorization` header value; throws AuthenticationError with a reason. */
  async verifyHeader(authorization: string | undefined): Promise<Principal> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) throw new AuthenticationError('MISSING_TOKEN', 'a bearer token is required');
    return this.verify(match[1]);
  }

  async verify(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: this.issuer,
        audience: this.audience,
        algorithms: ['HS256', 'ES256', 'RS256'],
      });
      const claims = claimsSchema.parse(payload);
      const roles: Role[] = claims.roles?.length ? claims.roles : ['customer'];
      return { customerId: claims.sub, roles };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new AuthenticationError('EXPIRED_TOKEN', 'the token has expired');
      throw new AuthenticationError('INVALID_TOKEN', 'the token is not valid');
    }
  }
}

/** Mints a token with the development secret, for local runs, the demo and tests. */
export async function issueDevelopmentToken(
  customerId: string,
  { roles = ['customer'], expiresIn = '1h', issuer = DEFAULT_ISSUER, audience = DEFAULT_AUDIENCE } = {} as {
    roles?: Role[];
    expiresIn?: string;
    issuer?: string;
    audience?: string;
  },
): Promise<string> {
  return new SignJWT({ roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(customerId)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(createSecretKey(Buffer.from(DEVELOPMENT_SIGNING_SECRET)));
}

import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { authConfigSchema, AuthenticationError, issueDevelopmentToken, TokenVerifier } from './token-verifier';

const defaults = authConfigSchema.parse({});

describe('bearer token verification', () => {
  const development = TokenVerifier.fromConfig(defaults, 'development');

  it('reads the customer id from the subject of a development token', async () => {
    const token = await issueDevelopmentToken('customer-42');
    await expect(development.verifyHeader(`Bearer ${token}`)).resolves.toEqual({ customerId: 'customer-42', roles: ['customer'] });
  });

  it('carries the operator role', async () => {
    const token = await issueDevelopmentToken('ops-1', { roles: ['operator'] });
    await expect(development.verify(token)).resolves.toEqual({ customerId: 'ops-1', roles: ['operator'] });
  });

  it.each([
    ['no header', undefined, 'MISSING_TOKEN'],
    ['a basic header', 'Basic dXNlcjpwYXNz', 'MISSING_TOKEN'],
    ['garbage', 'Bearer not.a.jwt', 'INVALID_TOKEN'],
  ])('refuses %s', async (_label, header, reason) => {
    await expect(development.verifyHeader(header)).rejects.toMatchObject({ reason });
  });

  it('refuses an expired token', async () => {
    const token = await issueDevelopmentToken('customer-1', { expiresIn: '-1m' });
    await expect(development.verify(token)).rejects.toMatchObject({ reason: 'EXPIRED_TOKEN' });
  });

  it('refuses a token for another audience or issuer', async () => {
    const otherAudience = await issueDevelopmentToken('customer-1', { audience: 'someone-else' });
    const otherIssuer = await issueDevelopmentToken('customer-1', { issuer: 'evil' });
    await expect(development.verify(otherAudience)).rejects.toBeInstanceOf(AuthenticationError);
    await expect(development.verify(otherIssuer)).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('never accepts the development secret in production', () => {
    expect(() => TokenVerifier.fromConfig(defaults, 'production')).toThrow(/AUTH_JWT_PUBLIC_KEY or AUTH_JWT_SECRET is required/);
  });

  it('verifies ES256 tokens with the configured public key and rejects development tokens then', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const verifier = TokenVerifier.fromConfig(
      { ...defaults, AUTH_JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
      'production',
    );
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('customer-7')
      .setIssuer(defaults.AUTH_ISSUER)
      .setAudience(defaults.AUTH_AUDIENCE)
      .setExpirationTime('5m')
      .sign(privateKey);
    await expect(verifier.verify(token)).resolves.toMatchObject({ customerId: 'customer-7' });
    await expect(verifier.verify(await issueDevelopmentToken('customer-7'))).rejects.toMatchObject({ reason: 'INVALID_TOKEN' });
  });
});

// Calls the services' operator endpoints with a bearer token that has the operator role:
// BILLING_TOKEN, or, outside production only, one minted with the development signing key.
import { issueDevelopmentToken } from '@billing/auth';
import { OperationsError } from './operations-error';
import type { OperationsTarget, ServiceName } from './target';

export interface OperatorRequest {
  method?: 'GET' | 'POST';
  body?: unknown;
  /** What a 404 means here (an endpoint that does not exist in production, an unknown name). */
  notFound?: string;
}

export class OperatorHttp {
  private token?: Promise<string>;

  constructor(private readonly target: OperationsTarget) {}

  async json<T>(service: ServiceName, route: string, request: OperatorRequest = {}): Promise<T> {
    const response = await this.send(service, route, request);
    return (await response.json()) as T;
  }

  /** The raw response (a CSV export is streamed through). */
  async send(service: ServiceName, route: string, request: OperatorRequest = {}): Promise<Response> {
    const url = `${this.target.serviceUrls[service]}${route}`;
    const headers: Record<string, string> = { authorization: `Bearer ${await this.operatorToken()}` };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method ?? 'GET',
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new OperationsError(`the ${service} service does not answer at ${this.target.serviceUrls[service]} (${cause}); is it running? (${service.toUpperCase()}_URL)`);
    }
    if (response.ok) return response;
    const text = await response.text();
    const detail = describeRefusal(text);
    if (response.status === 404 && request.notFound) throw new OperationsError(request.notFound);
    if (response.status === 401) throw new OperationsError(`${service} refused the token (${detail}): set BILLING_TOKEN to an operator token of this platform`);
    if (response.status === 403) throw new OperationsError(`${service} refused: the token lacks the operator role (${detail})`);
    throw new OperationsError(`${service} answered ${response.status} to ${request.method ?? 'GET'} ${route}: ${detail}`);
  }

  private operatorToken(): Promise<string> {
    this.token ??= (async () => {
      if (this.target.token) return this.target.token;
      if (this.target.environment === 'production') {
        throw new OperationsError('BILLING_TOKEN is required in production (a bearer token with the operator role)');
      }
      // the services accept the published development key outside production only
      return issueDevelopmentToken('billingctl', { roles: ['operator'], expiresIn: '15m' });
    })();
    return this.token;
  }
}

function describeRefusal(text: string): string {
  try {
    const body = JSON.parse(text) as { code?: string; message?: string | string[]; fields?: { field: string; message: string }[] };
    const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
    // a validation refusal names the fields and what is wrong with each
    const fields = (body.fields ?? []).map((field) => ` (${field.field}: ${field.message})`).join('');
    return [body.code, `${message ?? ''}${fields}`].filter(Boolean).join(': ') || text.slice(0, 300);
  } catch {
    return text.slice(0, 300) || '(no body)';
  }
}

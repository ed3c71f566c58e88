// The customers' side of the chaos and sustained runs: many customers of several subsidiaries
// with a billing profile and a card, one-click orders of monthly services of every universe, and
// the shared test clock. Every call survives the faults the way a careful client does: a refused
// connection or a 5xx is retried, and an order is retried under the same Idempotency-Key, so a
// retry can never place a second order.
import { randomUUID } from 'node:crypto';
import { issueDevelopmentToken } from '@billing/auth';
import type { PlatformServiceName, PlatformUnderTest } from '@billing/service-testing';

/** What each subsidiary's customers order: monthly plans, so every service comes due in a month. */
export const baskets: Record<string, { country: string; plans: string[] }> = {
  FR: { country: 'FR', plans: ['web-hosting-pro', 'telecom-voip-line-solo', 'dedicated-ks-1', 'cloud-instance-b3-8'] },
  DE: { country: 'DE', plans: ['dedicated-ks-1', 'web-hosting-starter', 'cloud-block-storage-1tb'] },
  GB: { country: 'GB', plans: ['cloud-instance-b3-8', 'web-hosting-performance'] },
  PL: { country: 'PL', plans: ['web-hosting-starter', 'dedicated-ks-1'] },
  ES: { country: 'ES', plans: ['web-hosting-pro', 'cloud-instance-b3-8'] },
  NL: { country: 'NL', plans: ['cloud-block-storage-1tb', 'web-hosting-performance'] },
};

/**
 * How a customer pays: `good` always; `retryable` and `refused` have a card that works when they
 * order and one that fails at the renewal (insufficient funds: dunning retries; declined: no
 * retry); `declinedAtOrder` orders with a declined card (the order is not paid, nothing delivered).
 */
export type PayingProfile = 'good' | 'retryable' | 'refused' | 'declinedAtOrder';

export interface Customer {
  index: number;
  customerId: string;
  subsidiary: string;
  profile: PayingProfile;
  token: string;
  paymentMethodId: string;
}

export interface PlacedOrder {
  orderId: string;
  customerId: string;
  items: number;
  profile: PayingProfile;
  postedAt: number;
}

export class CallFailed extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Workload {
  /** Calls answered only after one or more retries (service down, broker down, 5xx). */
  retriedCalls = 0;
  private operatorToken?: string;

  constructor(
    private readonly platform: PlatformUnderTest,
    private readonly retryForMs = 600_000,
  ) {}

  /** One HTTP call, retried while the service is down or answers 5xx (a chaos run kills it). */
  async call<T>(service: PlatformServiceName, method: string, route: string, token: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
    const deadline = Date.now() + this.retryForMs;
    let lastProblem = '';
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await fetch(`${this.platform.url(service)}${route}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        if (response.status < 500) {
          if (attempt > 1) this.retriedCalls++;
          return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
        }
        lastProblem = `${response.status} ${text.slice(0, 200)}`;
      } catch (error) {
        lastProblem = (error as Error).message;
      }
      if (Date.now() > deadline) throw new CallFailed(`${method} ${service}${route} still failing after ${this.retryForMs} ms: ${lastProblem}`);
      await sleep(Math.min(2_000, 200 * attempt));
    }
  }

  async registerCustomer(index: number, profile: PayingProfile): Promise<Customer> {
    const subsidiaries = Object.keys(baskets);
    const subsidiary = subsidiaries[index % subsidiaries.length];
    const customerId = `chaos-${index}-${randomUUID().slice(0, 8)}`;
    const token = await issueDevelopmentToken(customerId);
    const account = await this.call('invoicing', 'PUT', '/me', token, {
      subsidiary,
      name: `Customer ${index}`,
      postalAddress: { lines: [`${index} rue de la Paix`], postalCode: '75002', city: 'Paris' },
      country: baskets[subsidiary].country,
      email: `${customerId}@example.com`,
    });
    if (account.status !== 200) throw new CallFailed(`PUT /me answered ${account.status}: ${JSON.stringify(account.body)}`);
    const card = profile === 'declinedAtOrder' ? 'tok_declined' : 'tok_success';
    const paymentMethodId = await this.addCard(token, card);
    return { index, customerId, subsidiary, profile, token, paymentMethodId };
  }

  /** A new default card; POST is not idempotent, so a retried call may leave a spare card. */
  async addCard(token: string, card: string): Promise<string> {
    const method = await this.call<{ paymentMethodId: string }>('invoicing', 'POST', '/me/payment/method', token, { type: 'card', token: card, default: true });
    if (method.status !== 201) throw new CallFailed(`POST /me/payment/method answered ${method.status}: ${JSON.stringify(method.body)}`);
    return method.body.paymentMethodId;
  }

  /** The cards that fail at the renewal replace the good ones, once the services are delivered. */
  async switchToFailingCard(customer: Customer): Promise<void> {
    if (customer.profile === 'retryable') customer.paymentMethodId = await this.addCard(customer.token, 'tok_insufficient_funds');
    if (customer.profile === 'refused') customer.paymentMethodId = await this.addCard(customer.token, 'tok_declined');
  }

  /** A one-click order of `items` monthly plans (the subsidiary's universes in turn). */
  async placeOrder(customer: Customer, sequence: number, items: number): Promise<PlacedOrder> {
    const plans = baskets[customer.subsidiary].plans;
    const postedAt = performance.now();
    const placed = await this.call<{ orderId: string }>(
      'order',
      'POST',
      '/orders',
      customer.token,
      {
        subsidiary: customer.subsidiary,
        items: Array.from({ length: items }, (_, index) => ({ planCode: plans[(sequence + index) % plans.length], period: 'P1M', quantity: 1 })),
        autoPay: true,
        paymentMethodId: customer.paymentMethodId,
      },
      // the same key on every retry of this order: at most one order whatever happens to the calls
      { 'idempotency-key': `chaos-${customer.customerId}-${sequence}` },
    );
    if (placed.status !== 201 && placed.status !== 200) throw new CallFailed(`POST /orders answered ${placed.status}: ${JSON.stringify(placed.body)}`);
    return { orderId: placed.body.orderId, customerId: customer.customerId, items, profile: customer.profile, postedAt };
  }

  /** Moves the shared test clock and waits until every running service reads it. */
  async moveClock(instant: string, services: PlatformServiceName[]): Promise<void> {
    this.operatorToken ??= await issueDevelopmentToken('operator-chaos', { roles: ['operator'] });
    const token = this.operatorToken;
    for (let attempt = 0; ; attempt++) {
      // any service moves the clock of all: ask one that is up
      const via = services[attempt % services.length];
      const moved = await this.call(via, 'POST', '/operator/clock', token, { set: instant }).catch(() => undefined);
      if (moved?.status === 200) break;
      if (attempt > 20) throw new CallFailed(`could not move the clock to ${instant}`);
      await sleep(1_000);
    }
    for (const name of services) {
      const deadline = Date.now() + 300_000;
      for (;;) {
        const answer = await this.call<{ now: string }>(name, 'GET', '/operator/clock', token);
        if (Date.parse(answer.body.now) >= Date.parse(instant)) break;
        if (Date.now() > deadline) throw new CallFailed(`${name} does not run at ${instant}`);
        await sleep(200);
      }
    }
  }
}

// One simulated customer at the platform's public APIs, with his own bearer token: opens an
// account with a card, orders in one click, and at each step of the clock does what his
// behaviour says — switches renew mode, terminates (confirming with the e-mailed token), sees his
// card fail and fixes it on time, late, or never, pays his manual renewals, upgrades.
import { issueDevelopmentToken } from '@billing/auth';
import { terminationReasons } from '@billing/contracts';
import type { PlatformUnderTest, PlatformServiceName } from '@billing/service-testing';
import { upgradePath, type SimulatedCustomer } from './population';

export interface Answer<T> {
  status: number;
  body: T;
}

interface BillSummary {
  billId: string;
  kind: 'invoice' | 'creditNote';
  category: string;
  status: string;
  lastPaymentFailure?: { attempt: number; reason: string } | null;
}

/** The termination tokens, as the customer would read them in his e-mail (from the services topic). */
export interface Mailbox {
  terminationToken(serviceId: string, timeoutMs: number): Promise<string>;
}

/** A late payer pays this many days after he first sees his renewal fail: after the expiration. */
const LATE_PAYMENT_DAYS = 12;

export class CustomerAgent {
  readonly customerId: string;
  orderId?: string;
  private token?: string;
  private serviceId?: string;
  private paymentMethodId?: string;
  private done = new Set<string>();
  private failureSeenOn?: string;
  /** what the customer did, for the report: 'renew mode manual', 'card failing', … */
  readonly actions: string[] = [];

  constructor(
    readonly profile: SimulatedCustomer,
    private readonly platform: PlatformUnderTest,
    private readonly mailbox: Mailbox,
    runId: string,
  ) {
    this.customerId = `demo-${runId}-${String(profile.index).padStart(4, '0')}`;
  }

  /** A request; a 5xx (the shared PostgreSQL out of connections, say) is tried again a few times. */
  async call<T>(service: PlatformServiceName, method: string, route: string, body?: unknown): Promise<Answer<T>> {
    for (let attempt = 1; ; attempt++) {
      const answer = await this.callOnce<T>(service, method, route, body).catch((error: unknown) => ({ status: 599, body: String(error) as T }));
      if (answer.status < 500 || attempt === 5) return answer;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }

  private async callOnce<T>(service: PlatformServiceName, method: string, route: string, body?: unknown): Promise<Answer<T>> {
    this.token ??= await issueDevelopmentToken(this.customerId);
    const response = await fetch(`${this.platform.url(service)}${route}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: response.status, body: parsed as T };
  }

  private async expect<T>(status: number, service: PlatformServiceName, method: string, route: string, body?: unknown): Promise<T> {
    const answer = await this.call<T>(service, method, route, body);
    if (answer.status !== status) throw new Error(`${this.customerId}: ${method} ${route} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /** A billing profile in the customer's subsidiary, and a card (one that is declined for some). */
  async openAccount(): Promise<void> {
    const { subsidiary, country, index } = this.profile;
    await this.expect(200, 'invoicing', 'PUT', '/me', {
      subsidiary,
      name: `Demo Customer ${index}`,
      postalAddress: { lines: [`${index} Demo Street`], postalCode: '75002', city: 'Paris' },
      country,
      email: `${this.customerId}@example.com`,
    });
    this.paymentMethodId = await this.addCard(this.profile.behaviour === 'declinedAtOrder' ? 'tok_declined' : 'tok_success');
  }

  private async addCard(cardToken: string): Promise<string> {
    const method = await this.expect<{ paymentMethodId: string }>(201, 'invoicing', 'POST', '/me/payment/method', { type: 'card', token: cardToken, default: true });
    return method.paymentMethodId;
  }

  /** One click: the item, paid at once with the default card. */
  async order(): Promise<void> {
    const placed = await this.expect<{ orderId: string }>(201, 'order', 'POST', '/orders', {
      subsidiary: this.profile.subsidiary,
      items: [{ ...this.profile.item, quantity: 1 }],
      autoPay: true,
      paymentMethodId: this.paymentMethodId,
    });
    this.orderId = placed.orderId;
  }

  /** What the customer does at this step of the clock (`month`: months since the start). */
  async act(month: number, today: string): Promise<boolean> {
    if (!this.orderId || this.profile.behaviour === 'automatic' || this.profile.behaviour === 'declinedAtOrder') return false;
    const service = await this.service();
    if (!service || service.status === 'terminated') return false;
    const once = async (key: string, action: () => Promise<void>) => {
      if (this.done.has(key)) return false;
      this.done.add(key);
      await action();
      this.actions.push(key);
      return true;
    };
    const actNow = month >= this.profile.actMonth;
    switch (this.profile.behaviour) {
      case 'manualPayer':
        return (await once('renew mode manual', () => this.renewMode(service.serviceId, 'manual'))) || (await this.payDueRenewals());
      case 'manualNonPayer':
        return once('renew mode manual', () => this.renewMode(service.serviceId, 'manual'));
      case 'deleteAtExpiration':
        return actNow && once('deleteAtExpiration', () => this.renewMode(service.serviceId, 'deleteAtExpiration'));
      case 'terminates':
        return actNow && once('terminated', () => this.terminate(service.serviceId));
      case 'upgrades':
        return actNow && once('upgraded', () => this.upgrade(service.serviceId));
      case 'cardFailsPaysOnRetry':
      case 'cardFailsPaysLate':
      case 'cardFailsNeverPays':
        return actNow && ((await once('card failing', async () => void (await this.addCard('tok_insufficient_funds')))) || (await this.reactToFailure(today)));
    }
    return false;
  }

  private async service(): Promise<{ serviceId: string; status: string } | undefined> {
    if (this.serviceId) return (await this.call<{ serviceId: string; status: string }>('subscription', 'GET', `/services/${this.serviceId}`)).body;
    const answer = await this.call<{ serviceId: string; status: string }[] | { services: { serviceId: string; status: string }[] }>('subscription', 'GET', '/services');
    const list = Array.isArray(answer.body) ? answer.body : (answer.body?.services ?? []);
    this.serviceId = list[0]?.serviceId;
    return list[0];
  }

  private async renewMode(serviceId: string, mode: string): Promise<void> {
    await this.expect(200, 'subscription', 'PUT', `/services/${serviceId}`, { renew: { mode } });
  }

  private async terminate(serviceId: string): Promise<void> {
    await this.expect(202, 'subscription', 'POST', `/services/${serviceId}/terminate`);
    const token = await this.mailbox.terminationToken(serviceId, 60_000);
    const reason = terminationReasons[this.profile.index % terminationReasons.length];
    await this.expect(200, 'subscription', 'POST', `/services/${serviceId}/confirmTermination`, { token, reason, futureUse: 'NOT_REPLACING_SERVICE' });
  }

  private async upgrade(serviceId: string): Promise<void> {
    await this.expect(200, 'subscription', 'POST', `/services/${serviceId}/changePlan`, { planCode: upgradePath.to });
  }

  private async unpaidRenewals(): Promise<BillSummary[]> {
    const bills = (await this.call<{ bills: BillSummary[] }>('invoicing', 'GET', '/me/bill')).body?.bills ?? [];
    return bills.filter((bill) => bill.kind === 'invoice' && bill.category === 'autorenew' && bill.status === 'unpaid');
  }

  private async payDueRenewals(): Promise<boolean> {
    let paid = false;
    for (const bill of await this.unpaidRenewals()) {
      const answer = await this.call<{ status: string }>('invoicing', 'POST', `/me/bill/${bill.billId}/pay`);
      if (answer.status === 200) {
        paid = true;
        this.actions.push('paid a manual renewal');
      }
    }
    return paid;
  }

  /** The card was refused: a new card at once (the next retry passes), after the expiration, or never. */
  private async reactToFailure(today: string): Promise<boolean> {
    // the list does not say why a bill is unpaid: its detail does
    const details = await Promise.all((await this.unpaidRenewals()).map(async (bill) => (await this.call<BillSummary>('invoicing', 'GET', `/me/bill/${bill.billId}`)).body));
    const failed = details.filter((bill) => bill?.lastPaymentFailure);
    if (failed.length === 0) return false;
    this.failureSeenOn ??= today;
    if (this.profile.behaviour === 'cardFailsPaysOnRetry') {
      if (this.done.has('new card')) return false;
      this.done.add('new card');
      await this.addCard('tok_success');
      this.actions.push('new card');
      return true;
    }
    if (this.profile.behaviour === 'cardFailsPaysLate' && daysBetween(this.failureSeenOn, today) >= LATE_PAYMENT_DAYS && !this.done.has('paid late')) {
      this.done.add('paid late');
      await this.addCard('tok_success');
      for (const bill of failed) await this.call('invoicing', 'POST', `/me/bill/${bill.billId}/pay`);
      this.actions.push('paid late');
      return true;
    }
    return false;
  }
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
}

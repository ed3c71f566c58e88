import { runBillingctl } from './billingctl';
import { renderTable } from './table';
import { targetFromEnvironment } from '../target';
import { parsePosition } from '../dead-letters';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const code = await runBillingctl(argv, { out: (text) => (out += text), err: (text) => (err += text), env });
  return { code, out, err };
}

describe('billingctl without a platform', () => {
  it('prints its usage and exits 2 when given no command, 0 when asked for help', async () => {
    expect(await run([])).toMatchObject({ code: 2, out: expect.stringContaining('Usage: billingctl <command>') });
    expect(await run(['--help'])).toMatchObject({ code: 0 });
  });

  it('names an unknown command or option and exits 2', async () => {
    expect(await run(['frobnicate'])).toMatchObject({ code: 2, err: 'billingctl: unknown command "frobnicate" (billingctl --help lists them)\n' });
    expect(await run(['lag', '--bogus'])).toMatchObject({ code: 2, err: expect.stringContaining("'--bogus'") });
  });

  it('says the test clock does not exist in production instead of calling it', async () => {
    expect(await run(['clock', 'advance', 'P1D'], { NODE_ENV: 'production', BILLING_TOKEN: 'x' })).toEqual({
      code: 3,
      out: '',
      err: 'billingctl: the test clock does not exist in production: the platform runs on real time\n',
    });
  });

  it('asks for BILLING_TOKEN in production rather than minting a development token', async () => {
    expect(await run(['renewals', 'run'], { NODE_ENV: 'production' })).toMatchObject({
      code: 3,
      err: expect.stringContaining('BILLING_TOKEN is required in production'),
    });
  });

  it('names the service and the variable when a service does not answer', async () => {
    expect(await run(['renewals', 'run', '--dry-run'], { RENEWAL_URL: 'http://127.0.0.1:9' })).toMatchObject({
      code: 3,
      err: expect.stringMatching(/the renewal service does not answer at http:\/\/127\.0\.0\.1:9 .*RENEWAL_URL/),
    });
  });

  it('refuses a dead-letter position that is not <partition>:<offset>', async () => {
    expect(parsePosition('3:42')).toEqual({ partition: 3, offset: '42' });
    expect(() => parsePosition('42')).toThrow('expected <partition>:<offset>');
    expect(await run(['dlt', 'inspect', 'billing.orders.v1', 'x'], { KAFKA_BROKERS: '127.0.0.1:1' })).toMatchObject({ code: 2 });
  });
});

describe('the target platform', () => {
  it('names the service databases after DATABASE_URL and DATABASE_PREFIX, unless one is given its own URL', () => {
    const target = targetFromEnvironment({
      DATABASE_URL: 'postgres://ops@db.internal:5433/postgres',
      DATABASE_PREFIX: 'acme_',
      INVOICING_DATABASE_URL: 'postgres://ops@other:5432/invoices',
      ORDER_URL: 'https://order.internal/',
      RENEWAL_PORT: '4003',
      KAFKA_BROKERS: 'k1:9092, k2:9092',
    });
    expect(target.databaseUrls).toEqual({
      order: 'postgres://ops@db.internal:5433/acme_order',
      subscription: 'postgres://ops@db.internal:5433/acme_subscription',
      renewal: 'postgres://ops@db.internal:5433/acme_renewal',
      invoicing: 'postgres://ops@other:5432/invoices',
    });
    expect(target.serviceUrls).toMatchObject({ order: 'https://order.internal', renewal: 'http://127.0.0.1:4003', invoicing: 'http://127.0.0.1:3004' });
    expect(target.brokers).toEqual(['k1:9092', 'k2:9092']);
  });
});

describe('tables', () => {
  it('aligns text left and numbers right, with a dash for nothing', () => {
    expect(renderTable(['GROUP', 'LAG'], [['a.long-group', 3], ['b', null], ['c', 120]])).toBe(
      ['GROUP         LAG', '------------  ---', 'a.long-group    3', 'b               -', 'c             120', ''].join('\n'),
    );
  });
});

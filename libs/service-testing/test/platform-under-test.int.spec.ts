import { readFileSync } from 'node:fs';
import { PlatformUnderTest } from '../src';

describe('a platform of built services', () => {
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    platform = await PlatformUnderTest.start({ services: ['invoicing'], built: true, readyTimeoutMs: 120_000 });
  }, 150_000);

  afterAll(async () => {
    await platform?.stop();
  }, 30_000);

  it('runs the production build with plain node, as the image does, and it serves', async () => {
    const pid = platform.pidOf('invoicing');
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    // no TypeScript loader: what runs is tools/build-service.mjs's output
    expect(commandLine.slice(1)).toEqual([expect.stringMatching(/dist\/platform-under-test\/invoicing\/main\.js$/)]);
    expect(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).toContain('NODE_OPTIONS=--enable-source-maps');

    expect((await fetch(`${platform.url('invoicing')}/health/ready`)).status).toBe(200);
    // a route that goes through the guards, the validation and the database
    const refused = await fetch(`${platform.url('invoicing')}/me/payment/method`);
    expect(refused.status).toBe(401);
    const metrics = await (await fetch(`${platform.url('invoicing')}/metrics`)).text();
    expect(metrics).toContain('nodejs_heap_size_used_bytes');
  });
});

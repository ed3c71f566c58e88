import { readFileSync } from 'node:fs';
import { PlatformUnderTest } from '../src';

describe('a platform of built services', () => {
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    platform = await PlatformUnderTest.start({ services: ['invoicing'], built: true, memoryLimit: '512Mi', readyTimeoutMs: 120_000 });
  }, 150_000);

  afterAll(async () => {
    await platform?.stop();
  }, 30_000);

  it('runs the production build with plain node, as the image does, and it serves', async () => {
    const pid = platform.pidOf('invoicing');
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    // no TypeScript loader: what runs is tools/build-service.mjs's output
    expect(commandLine.slice(1)).toEqual([expect.stringMatching(/dist\/platform-under-test\/invoicing\/main\.js$/)]);
    const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');

    expect((await fetch(`${platform.url('invoicing')}/health/ready`)).status).toBe(200);
    // a route that goes through the guards, the validation and the database
    const refused = await fetch(`${platform.url('invoicing')}/me/payment/method`);
    expect(refused.status).toBe(401);
    const metrics = await (await fetch(`${platform.url('invoicing')}/metrics`)).text();
    expect(metrics).toContain('nodejs_heap_size_used_bytes');

    // its pod's memory limit: a cgroup of its own where this machine allows one, the heap flag elsewhere
    const limit = platform.memoryLimitOf('invoicing');
    if (limit?.includes('cgroup')) {
      expect(environment).toContain('NODE_OPTIONS=--enable-source-maps');
      // `4:memory:/billing-…-invoicing` (v1) or `0::/billing-…-invoicing` (v2)
      const memoryCgroup = readFileSync(`/proc/${pid}/cgroup`, 'utf8')
        .split('\n')
        .map((line) => line.split(':'))
        .find(([, controllers, cgroup]) => (controllers === 'memory' || controllers === '') && cgroup?.endsWith('-invoicing'));
      expect(memoryCgroup).toBeDefined();
      const [, controllers, cgroup] = memoryCgroup ?? [];
      const directory = controllers === 'memory' ? `/sys/fs/cgroup/memory${cgroup}` : `/sys/fs/cgroup${cgroup}`;
      const limitFile = limit.includes('v2') ? 'memory.max' : 'memory.limit_in_bytes';
      expect(readFileSync(`${directory}/${limitFile}`, 'utf8').trim()).toBe(String(512 * 1024 * 1024));
    } else {
      expect(limit).toBe('512Mi (heap flag)');
      expect(environment).toContain('NODE_OPTIONS=--enable-source-maps --max-old-space-size=208');
    }
  });
});

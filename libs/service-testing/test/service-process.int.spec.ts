import { runServiceProcess, startServiceProcess } from '../src';

const entryPoint = require.resolve('./fixtures/exits-with.ts');

describe('service processes', () => {
  it('runs an entry point with its environment and reports how it exited', async () => {
    const result = await runServiceProcess(entryPoint, { GREETING: 'hello', EXIT_CODE: '3' });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('started with hello\n');
  });

  it('kills an entry point that outlives its deadline', async () => {
    const result = await runServiceProcess(entryPoint, {}, 2_000);
    expect(result.signal).toBe('SIGKILL');
  });

  it('delivers signals to a running entry point', async () => {
    const running = startServiceProcess(entryPoint, {});
    running.child.kill('SIGTERM');
    expect((await running.exited).signal).toBe('SIGTERM');
  });
});

import * as net from 'node:net';
import { freePort, reservableRange, reservePort, startServiceProcess, type RunningService } from '../src';

const holderEntryPoint = require.resolve('./fixtures/holds-port.ts');

/** Another test process that reserves `port` (or any free port), once it has said what it got. */
async function otherProcessReserving(port?: number, env: Record<string, string> = {}): Promise<{ holder: RunningService; reserved: boolean; port: number }> {
  const holder = startServiceProcess(holderEntryPoint, { ...(port ? { PORT: String(port) } : {}), ...env });
  const line = await new Promise<string>((resolve, reject) => {
    holder.child.stdout?.on('data', (chunk) => resolve(String(chunk).trim()));
    void holder.exited.then((result) => reject(new Error(`the holder exited first: ${result.stderr}`)));
  });
  const [answer, reservedPort] = line.split(' ');
  return { holder, reserved: answer === 'reserved', port: Number(reservedPort) };
}

async function listenOn(port: number, host: string): Promise<net.Server> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  return server;
}

const close = (server: net.Server) => new Promise((resolve) => server.close(resolve));

describe('ports for service processes', () => {
  it('come from below the ephemeral range, which listen(0) and outgoing connections never take', async () => {
    const port = await freePort();
    expect(port).toBeLessThanOrEqual(reservableRange().last);
    await close(await listenOn(port, '0.0.0.0'));
  });

  it('are never handed out twice, within a process or across processes', async () => {
    const ours = await Promise.all(Array.from({ length: 50 }, () => freePort()));
    expect(new Set(ours).size).toBe(50);
    const other = await otherProcessReserving(ours[0], { EXIT: '1' });
    expect(other.reserved).toBe(false);
    expect(await reservePort(ours[1])).toBe(false);
  });

  it('stay reserved while their holder runs, and are free again once it has exited, however it exited', async () => {
    const running = await otherProcessReserving();
    expect(running.reserved).toBe(true);
    expect(await reservePort(running.port)).toBe(false);
    running.holder.child.kill('SIGKILL');
    await running.holder.exited;
    // the kernel freed its reservation with the process
    expect(await reservePort(running.port)).toBe(true);

    const exited = await otherProcessReserving(undefined, { EXIT: '1' });
    await exited.holder.exited;
    expect(await reservePort(exited.port)).toBe(true);
  });

  it('skip a port that something outside the tests listens on', async () => {
    const taken = await freePort();
    const stranger = await listenOn(taken, '127.0.0.1');
    try {
      const other = await otherProcessReserving(taken, { EXIT: '1' });
      expect(other.reserved).toBe(false);
    } finally {
      await close(stranger);
    }
  });
});

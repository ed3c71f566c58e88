// Ports for service processes that a test starts. A port found by listening on port 0 and closing
// again is free only for that instant: until the child process binds it (seconds, as it boots),
// the kernel may hand the same port to any other listen(0) — the in-process Nest apps of the tests
// running in parallel — and the child then dies of EADDRINUSE while its readiness probe is
// answered by a stranger. So the ports come from below the kernel's ephemeral range, which
// neither listen(0) nor an outgoing connection ever takes, and each is reserved for as long as the
// process that took it runs: it holds a socket named after the port in Linux's abstract socket
// namespace, which the kernel frees when the process ends, however it ends (a file would outlive a
// SIGKILL, and jest's sandbox never tells a test module that its process exits).
import * as fs from 'node:fs';
import * as net from 'node:net';

/** How many ports below the ephemeral range the reservations use. */
const RANGE_SIZE = 8_000;
/** The reservations this process holds, by port. */
const reservations = new Map<number, net.Server | undefined>();

/** A TCP port nothing listens on, reserved for this process until it exits. */
export async function freePort(): Promise<number> {
  const { first, last } = reservableRange();
  const size = last - first + 1;
  const start = Math.floor(Math.random() * size);
  for (let offset = 0; offset < size; offset++) {
    const port = first + ((start + offset) % size);
    if (await reservePort(port)) return port;
  }
  throw new Error(`no free port between ${first} and ${last}`);
}

/**
 * Reserves the port for this process unless a process (this one included) holds it already, or
 * something outside the tests (a local broker, a database) listens on it.
 */
export async function reservePort(port: number): Promise<boolean> {
  if (!(await reserve(port))) return false;
  // a port something else listens on stays reserved here, so that it is not tried again
  return canListen(port);
}

/** The ports below the kernel's ephemeral range (32768–60999 unless configured otherwise). */
export function reservableRange(): { first: number; last: number } {
  let ephemeralFirst = 32_768;
  try {
    ephemeralFirst = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || ephemeralFirst;
  } catch {
    // not Linux: the IANA dynamic range starts at 49152, so 32768 is still below it
  }
  const last = ephemeralFirst - 1;
  return { first: Math.max(1_024, last - RANGE_SIZE + 1), last };
}

async function reserve(port: number): Promise<boolean> {
  if (reservations.has(port)) return false;
  reservations.set(port, undefined);
  // elsewhere only within this process: the abstract namespace is Linux's
  if (process.platform !== 'linux') return true;
  const lock = net.createServer();
  const held = await new Promise<boolean>((resolve) => {
    lock.once('error', () => resolve(false));
    lock.listen(`\0billing-test-port-${port}`, () => resolve(true));
  });
  if (!held) {
    reservations.delete(port);
    return false;
  }
  // it must not keep the process alive
  lock.unref();
  reservations.set(port, lock);
  return true;
}

/** Whether a server can listen on the port on every interface, as a service (HOST 0.0.0.0) does. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

#!/usr/bin/env node
// `npm start`: the Kafka broker, the four databases and the four services as separate
// processes, with one readable, prefixed stream of their logs. Ctrl-C stops all of it.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const services = [
  { name: 'order', port: Number(process.env.ORDER_PORT ?? 3001), color: 36 },
  { name: 'subscription', port: Number(process.env.SUBSCRIPTION_PORT ?? 3002), color: 35 },
  { name: 'renewal', port: Number(process.env.RENEWAL_PORT ?? 3003), color: 33 },
  { name: 'invoicing', port: Number(process.env.INVOICING_PORT ?? 3004), color: 32 },
];
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const prefix = process.env.DATABASE_PREFIX ?? 'billing_';
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const levels = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const width = Math.max(...services.map((s) => s.name.length));
// Nest's route-by-route boot chatter; START_VERBOSE=1 shows it
const bootChatter = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

const say = (text) => process.stdout.write(`\x1b[1m[start]\x1b[0m ${text}\n`);

function step(title, command, args) {
  say(title);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    say(`${title} failed (exit ${result.status ?? result.signal}); nothing else was started.`);
    process.exit(1);
  }
}

/** One JSON log line → `12:00:01 [order] INFO message {context}`; anything else verbatim. */
function render(service, line) {
  const tag = `\x1b[${service.color}m[${service.name.padEnd(width)}]\x1b[0m`;
  try {
    const { time, level, msg, service: _s, pid: _p, hostname: _h, context, req, res, responseTime, err, ...rest } = JSON.parse(line);
    if (bootChatter.has(context) && level <= 30 && !process.env.START_VERBOSE) return null;
    const clock = (time ?? new Date().toISOString()).slice(11, 19);
    const http = req ? ` ${req.method} ${req.url} → ${res?.statusCode} (${responseTime} ms)` : '';
    const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
    const error = err ? `\n${err.stack ?? err.message}` : '';
    return `${clock} ${tag} ${(levels[level] ?? level).padEnd(5)} ${context ? `(${context}) ` : ''}${msg ?? ''}${http}${extra}${error}`;
  } catch {
    return `${new Date().toISOString().slice(11, 19)} ${tag} ${line}`;
  }
}

const brokerWasRunning =
  !process.env.KAFKA_BROKERS && spawnSync('bash', [join(root, 'docker/kafka/kafka-status.sh')], { cwd: root }).status === 0;
step(process.env.KAFKA_BROKERS ? `Kafka: using ${brokers}` : 'Kafka: starting the local broker', 'bash', [join(root, 'docker/kafka/kafka-start.sh')]);
step('PostgreSQL: creating and migrating the service databases', process.execPath, ['-r', join(root, 'tools/register.js'), join(root, 'tools/db-setup.ts')]);

let stopping = false;
const children = services.map((service) => {
  const databaseUrl = new URL(serverUrl);
  databaseUrl.pathname = `/${prefix}${service.name}`;
  const child = spawn(process.execPath, ['-r', join(root, 'tools/register.js'), join(root, `services/${service.name}/src/main.ts`)], {
    cwd: root,
    env: { ...process.env, PORT: String(service.port), DATABASE_URL: databaseUrl.toString(), KAFKA_BROKERS: brokers },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.on('data', (chunk) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop();
      for (const line of lines) {
        const rendered = line.trim() ? render(service, line) : null;
        if (rendered !== null) process.stdout.write(`${rendered}\n`);
      }
    });
  }
  child.on('exit', (code, signal) => {
    service.exited = true;
    if (!stopping) {
      say(`${service.name} exited unexpectedly (${signal ?? `code ${code}`}); stopping the platform.`);
      void shutdown(1);
    }
  });
  return { service, child };
});

async function waitReady() {
  const deadline = Date.now() + 90_000;
  for (const { service } of children) {
    for (;;) {
      if (stopping) return;
      const ok = await fetch(`http://127.0.0.1:${service.port}/health/ready`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline) {
        say(`${service.name} is not ready after 90 s; see its log above.`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
  say('the platform is up:');
  for (const { service } of children) {
    const base = `http://localhost:${service.port}`;
    process.stdout.write(`  ${service.name.padEnd(width)}  API ${base}   OpenAPI ${base}/docs   metrics ${base}/metrics   ready ${base}/health/ready\n`);
  }
  process.stdout.write(`  kafka${' '.repeat(width - 5)}  ${brokers}\n`);
  say('Ctrl-C stops everything.');
}

async function shutdown(exitCode) {
  if (stopping) return;
  stopping = true;
  say('stopping the services…');
  const exits = children.map(({ service, child }) =>
    service.exited ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve)),
  );
  for (const { child } of children) child.kill('SIGTERM');
  const timer = setTimeout(() => children.forEach(({ child }) => child.kill('SIGKILL')), 15_000);
  await Promise.all(exits);
  clearTimeout(timer);
  if (!process.env.KAFKA_BROKERS && !brokerWasRunning) {
    say('stopping the broker…');
    spawnSync('bash', [join(root, 'docker/kafka/kafka-stop.sh')], { cwd: root, stdio: 'inherit' });
  }
  say('stopped.');
  process.exit(exitCode);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
void waitReady();

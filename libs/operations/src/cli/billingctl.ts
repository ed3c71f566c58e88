// billingctl: the operator's command line over a running platform. Each command prints a table
// (or JSON with --json) and exits 0, 1 when `check` finds violations, 2 on bad usage, 3 when the
// platform refuses or cannot be reached.
import { parseArgs } from 'node:util';
import type { InjectedMessage } from '../invariants/invariant';
import { OperationsError, UsageError, exitCodes } from '../operations-error';
import type { OperatorHttp as OperatorHttpClass } from '../operator-http';
import { isServiceName, serviceNames, targetFromEnvironment, type OperationsTarget } from '../target';
import { renderTable } from './table';

// each command loads only what it uses: the Kafka, PostgreSQL and HTTP clients take seconds to load
const consumerLagModule = () => import('../consumer-lag');
const deadLettersModule = () => import('../dead-letters');
const checkerModule = () => import('../invariants/check-invariants');
const operatorHttp = async (target: OperationsTarget): Promise<OperatorHttpClass> => new (await import('../operator-http')).OperatorHttp(target);

export interface CommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** A byte stream for exports (stdout); defaults to `out`. */
  readonly write?: (chunk: Uint8Array) => Promise<void> | void;
  readonly readFile?: (path: string) => Promise<string>;
}

export const usage = `billingctl — operate a running billing platform

Usage: billingctl <command> [options] [--json]

  lag [--group G] [--all]                  consumer lag per group (and partition behind; --all: every one)
  dlt list                                 dead-letter topics and their sizes
  dlt show <topic> [--partition N]         the dead letters of a topic
  dlt inspect <topic> <partition>:<offset> one dead letter in full
  dlt replay <topic> (--offset P:O ... | --all) [--dry-run]
                                           republish dead letters to their origin topic
  projection list                          every service's projections and positions
  projection rebuild <service> <name>      replay a projection into fresh tables and swap them in
  renewals run [--dry-run]                 run the renewal scheduler now
  invoices export --from YYYY-MM-DD --to YYYY-MM-DD [--subsidiary X] > invoices.csv
  clock [show] | clock set <instant> | clock advance <duration>
                                           the test clock (not in production)
  check [--grace SECONDS] [--injected FILE] [--only NAME ...]
                                           the invariant checker; exit 1 on any violation

Environment: KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, DATABASE_URL + DATABASE_PREFIX (or
ORDER_DATABASE_URL, …), ORDER_URL … INVOICING_URL (default http://127.0.0.1:3001-3004),
BILLING_TOKEN (an operator token; outside production one is minted with the development key),
NODE_ENV.
`;

const options = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  group: { type: 'string' },
  partition: { type: 'string' },
  offset: { type: 'string', multiple: true },
  all: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  from: { type: 'string' },
  to: { type: 'string' },
  subsidiary: { type: 'string' },
  grace: { type: 'string' },
  injected: { type: 'string' },
  only: { type: 'string', multiple: true },
} as const;

type Flags = ReturnType<typeof parseFlags>['values'];

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Runs one command line; returns the exit code. */
export async function runBillingctl(argv: readonly string[], io: CommandIo): Promise<number> {
  try {
    const { values: flags, positionals } = parseFlags(argv);
    if (flags.help || positionals.length === 0) {
      io.out(usage);
      return positionals.length === 0 && !flags.help ? exitCodes.usage : 0;
    }
    const target = targetFromEnvironment(io.env);
    const [command, ...rest] = positionals;
    const print = (json: unknown, text: () => string) => io.out(flags.json ? `${JSON.stringify(json, null, 2)}\n` : text());
    switch (command) {
      case 'lag':
        return await lag(target, flags, print);
      case 'dlt':
        return await dlt(target, rest, flags, print);
      case 'projection':
      case 'projections':
        return await projection(target, rest, print);
      case 'renewals':
        return await renewals(target, rest, flags, print);
      case 'invoices':
        return await invoices(target, rest, flags, io);
      case 'clock':
        return await clock(target, rest, print);
      case 'check':
        return await check(target, flags, io, print);
      default:
        throw new UsageError(`unknown command "${command}" (billingctl --help lists them)`);
    }
  } catch (error) {
    if (error instanceof OperationsError) {
      io.err(`billingctl: ${error.message}\n`);
      return error.exitCode;
    }
    io.err(`billingctl: ${(error as Error).stack ?? error}\n`);
    return exitCodes.unavailable;
  }
}

type Print = (json: unknown, text: () => string) => void;

async function lag(target: OperationsTarget, flags: Flags, print: Print): Promise<number> {
  const { consumerLag } = await consumerLagModule();
  const groups = await consumerLag(target, { group: flags.group });
  print({ groups }, () => {
    const rows = groups.flatMap((group) => [
      // the partitions behind (every one with --all): twelve rows of zeros per group hide the one that matters
      ...group.partitions
        .filter((partition) => flags.all || (partition.lag ?? 0) > 0)
        .map((partition) => [group.groupId, '', partition.topic, partition.partition, partition.position, partition.end, partition.lag]),
      [group.groupId, `${group.state}, ${group.members} member(s), from ${group.positionFrom}`, `TOTAL of ${group.partitions.length} partitions`, null, null, null, group.totalLag],
    ]);
    return groups.length === 0 ? 'no consumer groups of this platform\n' : renderTable(['GROUP', 'STATE', 'TOPIC', 'PARTITION', 'POSITION', 'END', 'LAG'], rows);
  });
  return 0;
}

async function dlt(target: OperationsTarget, args: string[], flags: Flags, print: Print): Promise<number> {
  const [action, topic, position] = args;
  const { inspectDeadLetter, listDeadLetterTopics, parsePosition, readDeadLetters, replayDeadLetters } = await deadLettersModule();
  const requireTopic = () => {
    if (!topic) throw new UsageError(`dlt ${action} needs a topic, e.g. billing.orders.v1.dlt`);
    return topic;
  };
  switch (action ?? 'list') {
    case 'list': {
      const topics = await listDeadLetterTopics(target);
      print({ topics }, () =>
        topics.length === 0 ? 'no dead-letter topics\n' : renderTable(['TOPIC', 'ORIGIN', 'MESSAGES'], topics.map((entry) => [entry.topic, entry.originTopic, entry.messages])),
      );
      return 0;
    }
    case 'show': {
      const letters = await readDeadLetters(target, requireTopic(), { partition: flags.partition === undefined ? undefined : Number(flags.partition) });
      print({ deadLetters: letters }, () =>
        letters.length === 0
          ? 'no dead letters\n'
          : renderTable(
              ['POSITION', 'ORIGIN', 'KEY', 'EVENT', 'GROUP', 'ATTEMPTS', 'FAILED AT', 'ERROR'],
              letters.map((letter) => [
                `${letter.partition}:${letter.offset}`,
                `${letter.origin.topic} ${letter.origin.partition}:${letter.origin.offset}`,
                letter.key,
                letter.eventType,
                letter.consumerGroup,
                letter.attempts,
                letter.failedAt,
                letter.error.split('\n')[0].slice(0, 80),
              ]),
            ),
      );
      return 0;
    }
    case 'inspect': {
      if (!position) throw new UsageError('dlt inspect needs <topic> <partition>:<offset>');
      const letter = await inspectDeadLetter(target, requireTopic(), parsePosition(position));
      print(letter, () =>
        [
          `dead letter  ${letter.topic} ${letter.partition}:${letter.offset}`,
          `origin       ${letter.origin.topic} ${letter.origin.partition}:${letter.origin.offset}`,
          `key          ${letter.key ?? '(none)'}`,
          `event        ${letter.eventType ?? '(no event-type header)'} ${letter.eventId ?? ''}`.trimEnd(),
          `group        ${letter.consumerGroup}`,
          `attempts     ${letter.attempts}`,
          `failed at    ${letter.failedAt}`,
          `error        ${letter.error}`,
          `headers      ${JSON.stringify(letter.headers)}`,
          `value        ${letter.value ?? '(null)'}`,
          '',
        ].join('\n'),
      );
      return 0;
    }
    case 'replay': {
      const report = await replayDeadLetters(target, requireTopic(), {
        positions: (flags.offset ?? []).map(parsePosition),
        all: flags.all,
        dryRun: flags['dry-run'],
      });
      print(report, () => {
        const verb = report.dryRun ? 'would republish' : 'republished';
        const rows = report.replayed.map((entry) => [
          `${entry.from.partition}:${entry.from.offset}`,
          `${entry.to.topic} ${entry.to.partition}${entry.to.offset !== undefined ? `:${entry.to.offset}` : ''}`,
          entry.key,
          entry.eventType,
          entry.eventId,
        ]);
        return `${verb} ${report.replayed.length} message(s) from ${report.topic}\n${rows.length ? renderTable(['DEAD LETTER', 'TO', 'KEY', 'EVENT', 'EVENT ID'], rows) : ''}`;
      });
      return 0;
    }
    default:
      throw new UsageError(`unknown dlt action "${action}": list, show, inspect or replay`);
  }
}

interface ProjectionListing {
  projections: { name: string; topics: string[]; readModelTables: string[]; checkpoints: { topic: string; partition: number; nextOffset: string }[] }[];
}

async function projection(target: OperationsTarget, args: string[], print: Print): Promise<number> {
  const http = await operatorHttp(target);
  const [action, service, name] = args;
  if ((action ?? 'list') === 'list') {
    const listed: (ProjectionListing['projections'][number] & { service: string })[] = [];
    for (const owner of serviceNames) {
      const { projections } = await http.json<ProjectionListing>(owner, '/operator/projections', {
        notFound: `${owner} has no /operator/projections endpoint (an older version?)`,
      });
      listed.push(...projections.map((entry) => ({ service: owner, ...entry })));
    }
    print({ projections: listed }, () =>
      renderTable(
        ['SERVICE', 'PROJECTION', 'TOPICS', 'TABLES', 'PARTITIONS', 'APPLIED'],
        listed.map((entry) => [
          entry.service,
          entry.name,
          entry.topics.join(','),
          entry.readModelTables.join(','),
          entry.checkpoints.length,
          entry.checkpoints.reduce((sum, checkpoint) => sum + Number(checkpoint.nextOffset), 0),
        ]),
      ),
    );
    return 0;
  }
  if (action !== 'rebuild') throw new UsageError(`unknown projection action "${action}": list or rebuild`);
  if (!service || !isServiceName(service) || !name) throw new UsageError(`projection rebuild <service> <projection>, service one of ${serviceNames.join(', ')}`);
  const result = await http.json<{ projection: string; durationMs: number; replayedUpTo: { topic: string; partition: number; offset: string }[] }>(
    service,
    `/operator/projections/${encodeURIComponent(name)}/rebuild`,
    { method: 'POST', notFound: `${service} has no projection named ${name} (billingctl projection list)` },
  );
  print(result, () => `rebuilt ${service}/${result.projection} in ${result.durationMs} ms, replayed ${result.replayedUpTo.length} partition(s) from the beginning\n`);
  return 0;
}

interface RenewalRunReport {
  dryRun: boolean;
  at: string;
  claimed: number;
  invoicesRequested: number;
  events: Record<string, number>;
  failed: number;
  durationMs: number;
  terms: { renewalTermId: string; serviceId: string; customerId: string; events: string[] }[];
}

async function renewals(target: OperationsTarget, args: string[], flags: Flags, print: Print): Promise<number> {
  if (args[0] !== 'run') throw new UsageError('renewals run [--dry-run]');
  const report = await (await operatorHttp(target)).json<RenewalRunReport>('renewal', '/operator/renewals/run', {
    method: 'POST',
    body: { dryRun: flags['dry-run'] ?? false },
  });
  print(report, () => {
    const summary = [
      `${report.dryRun ? 'dry run' : 'run'} at ${report.at}: ${report.claimed} term(s) ${report.dryRun ? 'due' : 'claimed'}, ${report.invoicesRequested} invoice(s) requested, ${report.failed} failed, ${Math.round(report.durationMs)} ms`,
      ...Object.entries(report.events).map(([type, count]) => `  ${type}: ${count}`),
      '',
    ].join('\n');
    const terms = report.terms.map((term) => [term.renewalTermId, term.serviceId, term.customerId, term.events.join(',')]);
    return summary + (terms.length ? renderTable(['TERM', 'SERVICE', 'CUSTOMER', 'EVENTS'], terms) : '');
  });
  return 0;
}

async function invoices(target: OperationsTarget, args: string[], flags: Flags, io: CommandIo): Promise<number> {
  if (args[0] !== 'export') throw new UsageError('invoices export --from YYYY-MM-DD --to YYYY-MM-DD [--subsidiary X]');
  if (!flags.from || !flags.to) throw new UsageError('invoices export needs --from and --to (YYYY-MM-DD, both included)');
  const query = new URLSearchParams({ from: flags.from, to: flags.to, ...(flags.subsidiary ? { subsidiary: flags.subsidiary } : {}) });
  const response = await (await operatorHttp(target)).send('invoicing', `/operator/invoices?${query}`);
  const write = io.write ?? ((chunk: Uint8Array) => io.out(Buffer.from(chunk).toString('utf8')));
  if (!response.body) return 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) await write(chunk);
  return 0;
}

async function clock(target: OperationsTarget, args: string[], print: Print): Promise<number> {
  if (target.environment === 'production') throw new OperationsError('the test clock does not exist in production: the platform runs on real time');
  const [action, value] = args;
  const http = await operatorHttp(target);
  const notFound = 'the renewal service has no /operator/clock: it runs in production (NODE_ENV=production), where the test clock does not exist';
  let answer: { now: string };
  switch (action ?? 'show') {
    case 'show':
      answer = await http.json('renewal', '/operator/clock', { notFound });
      break;
    case 'set':
      if (!value) throw new UsageError('clock set <instant>, e.g. 2027-01-31T08:00:00Z');
      answer = await http.json('renewal', '/operator/clock', { method: 'POST', body: { set: value }, notFound });
      break;
    case 'advance':
      if (!value) throw new UsageError('clock advance <duration>, e.g. P1D or PT6H (days, hours, minutes, seconds)');
      answer = await http.json('renewal', '/operator/clock', { method: 'POST', body: { advance: value }, notFound });
      break;
    default:
      throw new UsageError(`unknown clock action "${action}": show, set or advance`);
  }
  const drift = Date.parse(answer.now) - Date.now();
  print({ ...answer, aheadOfRealTimeMs: drift }, () => `${answer.now}${Math.abs(drift) > 1_000 ? ` (${describeDrift(drift)} real time)` : ''}\n`);
  return 0;
}

function describeDrift(ms: number): string {
  const abs = Math.abs(ms);
  const text = abs >= 86_400_000 ? `${(abs / 86_400_000).toFixed(1)} days` : abs >= 3_600_000 ? `${(abs / 3_600_000).toFixed(1)} hours` : `${Math.round(abs / 1000)} s`;
  return `${text} ${ms > 0 ? 'ahead of' : 'behind'}`;
}

async function check(target: OperationsTarget, flags: Flags, io: CommandIo, print: Print): Promise<number> {
  const grace = flags.grace === undefined ? 10 : Number(flags.grace);
  if (!Number.isFinite(grace) || grace < 0) throw new UsageError(`--grace expects seconds (got "${flags.grace}")`);
  let injectedMessages: InjectedMessage[] = [];
  if (flags.injected) {
    const read = io.readFile ?? (async (path: string) => (await import('node:fs/promises')).readFile(path, 'utf8'));
    try {
      injectedMessages = JSON.parse(await read(flags.injected)) as InjectedMessage[];
    } catch (error) {
      throw new UsageError(`--injected ${flags.injected}: expected a JSON array of {topic, key?, eventId?, partition?, offset?} (${(error as Error).message})`);
    }
    if (!Array.isArray(injectedMessages) || injectedMessages.some((message) => typeof message?.topic !== 'string')) {
      throw new UsageError(`--injected ${flags.injected}: expected a JSON array of {topic, key?, eventId?, partition?, offset?}`);
    }
  }
  const { checkInvariants } = await checkerModule();
  const report = await checkInvariants({ target, graceSeconds: grace, injectedMessages, only: flags.only });
  print(report, () => {
    const lines: string[] = [];
    for (const result of report.invariants) {
      const verdict = result.error ? 'ERROR' : result.violations.length === 0 ? 'ok' : 'VIOLATED';
      lines.push(`${verdict.padEnd(8)} ${result.description} — ${result.checked} checked${result.violations.length ? `, ${result.violations.length} violation(s)` : ''}`);
      if (result.error) lines.push(`           could not check: ${result.error}`);
      for (const violation of result.violations) lines.push(`           ${violation.id}: ${violation.detail}`);
      for (const note of result.notes ?? []) lines.push(`           (${note})`);
    }
    lines.push(report.ok ? `all ${report.invariants.length} invariants hold (platform time ${report.platformTime})` : 'invariants violated');
    return `${lines.join('\n')}\n`;
  });
  if (report.invariants.some((result) => result.error)) return exitCodes.unavailable;
  return report.ok ? 0 : exitCodes.violations;
}

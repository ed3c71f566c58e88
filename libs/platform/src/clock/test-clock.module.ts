// The test clock: outside production, operators (and scenario tests) set or advance the time
// of every service at once. One compacted topic carries the clock's offset from real time;
// every process of every service reads it from the beginning and applies the latest, so a
// service that restarts comes back on the shared time — before it does anything: the topic is
// read to its end in onModuleInit, which Nest runs before any onApplicationBootstrap (where the
// consumers, the outbox relay and the schedulers start) and before the HTTP server listens.
// In production the module provides nothing: no endpoint, no consumer.
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Injectable,
  Logger,
  Module,
  Post,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnModuleInit,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '@billing/auth';
import { kafkaClient, TopicProvisioner, whileBrokerSettles } from '@billing/messaging';
import { randomUUID } from 'node:crypto';
import { logLevel, type Consumer, type Kafka, type Producer } from 'kafkajs';
import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import { topicName, type ServiceConfig } from '../config/config';
import { validated } from '../http/zod-validation.pipe';
import { AdjustableClock, CLOCK, type Clock } from './clock';

export const TEST_CLOCK_TOPIC = 'billing.test-clock.v1';
/** Longest a starting process waits to read the clock topic to its end before refusing to start. */
const CATCH_UP_TIMEOUT_MS = 60_000;
const TEST_CLOCK_OPTIONS = Symbol('TEST_CLOCK_OPTIONS');

export interface TestClockOptions {
  service: string;
  environment: string;
  kafkaBrokers: string[];
  /** The clock topic under the service's topic prefix. */
  topic: string;
}

/** On the wire: the clock reads `instant` at real time `atRealTime`, and runs on from there. */
const clockMessageSchema = z.object({ instant: z.string(), atRealTime: z.string() });

const moveClockSchema = z
  .object({
    /** Jump to this instant (ISO-8601, e.g. 2027-01-31T08:00:00Z). */
    set: z.string().refine((value) => safeInstant(value) !== undefined, 'expected an ISO-8601 instant').optional(),
    /** Move forward by this duration (ISO-8601, e.g. P1D, PT6H, P1M is not allowed: months vary). */
    advance: z.string().refine((value) => exactDuration(value) !== undefined, 'expected a positive ISO-8601 duration in days, hours, minutes or seconds').optional(),
  })
  .refine((body) => (body.set === undefined) !== (body.advance === undefined), 'give exactly one of set or advance');

/** A duration an instant can move by: days count as 24 hours; months and years are refused. */
function exactDuration(value: string): Temporal.Duration | undefined {
  try {
    const duration = Temporal.Duration.from(value);
    if (duration.sign <= 0 || duration.years || duration.months || duration.weeks) return undefined;
    return Temporal.Duration.from({
      hours: duration.days * 24 + duration.hours,
      minutes: duration.minutes,
      seconds: duration.seconds,
      milliseconds: duration.milliseconds,
    });
  } catch {
    return undefined;
  }
}

/** The message's JSON, or undefined for bytes that are not JSON (skipped like any bad message). */
function parsedJson(raw: string): unknown {
  try {
    return JSON.parse(raw || 'null');
  } catch {
    return undefined;
  }
}

function safeInstant(value: string): Temporal.Instant | undefined {
  try {
    return Temporal.Instant.from(value);
  } catch {
    return undefined;
  }
}

@Injectable()
class TestClockSync implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('TestClock');
  private readonly kafka: Kafka;
  private consumer?: Consumer;
  private producer?: Producer;
  private applied = 0;
  /** The offset after the last clock message read. */
  private nextOffset = 0n;

  constructor(
    @Inject(TEST_CLOCK_OPTIONS) private readonly options: TestClockOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.kafka = kafkaClient({ clientId: `${options.service}-test-clock`, brokers: options.kafkaBrokers, logLevel: logLevel.NOTHING });
  }

  /**
   * Reads the clock topic to the end it had when the process started, so that nothing (a consumer
   * delivering an order, a scheduler run, a request) ever acts on the system time of a restarted
   * process while the platform runs on the shared one. A process that cannot read it refuses to start.
   */
  async onModuleInit(): Promise<void> {
    // four services booting on a broker that has just started create this topic together: the
    // steps retry while its leader is elected and the group coordinator loads
    const end = await whileBrokerSettles(async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        await new TopicProvisioner(admin).ensureTopics([
          { topic: this.options.topic, partitions: 1, deadLetter: false, configs: { 'cleanup.policy': 'compact' } },
        ]);
        return BigInt((await admin.fetchTopicOffsets(this.options.topic)).find(({ partition }) => partition === 0)?.high ?? '0');
      } finally {
        await admin.disconnect();
      }
    });
    // every process must see every move: a group of its own, read from the beginning
    await whileBrokerSettles(async () => {
      const consumer = this.kafka.consumer({ groupId: `${this.options.service}.test-clock.${randomUUID()}` });
      try {
        await consumer.connect();
        await consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            this.apply(message.value?.toString() ?? '');
            this.nextOffset = BigInt(message.offset) + 1n;
          },
        });
      } catch (error) {
        await consumer.disconnect().catch(() => undefined);
        throw error;
      }
      this.consumer = consumer;
    });
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await whileBrokerSettles(() => producer.connect());
    this.producer = producer;
    const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
    while (this.nextOffset < end) {
      if (Date.now() > deadline) {
        throw new Error(`the test clock topic ${this.options.topic} was not read up to offset ${end} within ${CATCH_UP_TIMEOUT_MS / 1_000} s: not starting on the wrong time`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (end > 0n) this.logger.log(`on the shared test clock: ${this.clock.now().toString()}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
  }

  /** Publishes a move and waits until this process has applied it. */
  async move(target: Temporal.Instant): Promise<void> {
    if (!this.producer) throw new Error('the test clock is not connected yet');
    const before = this.applied;
    const message = { instant: target.toString(), atRealTime: Temporal.Now.instant().toString() };
    await this.producer.send({ topic: this.options.topic, acks: -1, messages: [{ key: 'clock', value: JSON.stringify(message) }] });
    const deadline = Date.now() + 10_000;
    while (this.applied === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  private apply(raw: string): void {
    const parsed = clockMessageSchema.safeParse(parsedJson(raw));
    const instant = parsed.success ? safeInstant(parsed.data.instant) : undefined;
    const atRealTime = parsed.success ? safeInstant(parsed.data.atRealTime) : undefined;
    if (!instant || !atRealTime || !(this.clock instanceof AdjustableClock)) {
      this.logger.warn(`ignored a test clock message: ${raw.slice(0, 200)}`);
      return;
    }
    // keep the offset, not the instant: time has flowed since the move was made
    const elapsed = Temporal.Now.instant().since(atRealTime);
    this.clock.set(instant.add(elapsed));
    this.applied++;
    this.logger.log(`clock moved to ${this.clock.now().toString()}`);
  }
}

@ApiTags('operations')
@ApiBearerAuth()
@Controller('operator/clock')
@OperatorOnly()
class TestClockController {
  constructor(
    private readonly sync: TestClockSync,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  read() {
    return { now: this.clock.now().toString() };
  }

  /** `{set: instant}` or `{advance: duration}`: moves the clock of every service. */
  @Post()
  @HttpCode(200)
  async move(@Body(validated(moveClockSchema)) body: z.infer<typeof moveClockSchema>) {
    const target = body.set ? Temporal.Instant.from(body.set) : this.clock.now().add(exactDuration(body.advance as string) as Temporal.Duration);
    await this.sync.move(target);
    return { now: this.clock.now().toString() };
  }
}

@Module({})
export class TestClockModule {
  /** The clock every service of one deployment shares: the clock topic under the service's prefix. */
  static forService(service: string, config: Pick<ServiceConfig, 'NODE_ENV' | 'KAFKA_BROKERS' | 'KAFKA_TOPIC_PREFIX'>): DynamicModule {
    return TestClockModule.forRoot({ service, environment: config.NODE_ENV, kafkaBrokers: config.KAFKA_BROKERS, topic: topicName(config, TEST_CLOCK_TOPIC) });
  }

  static forRoot(options: TestClockOptions): DynamicModule {
    if (options.environment === 'production') return { module: TestClockModule };
    return {
      module: TestClockModule,
      controllers: [TestClockController],
      providers: [{ provide: TEST_CLOCK_OPTIONS, useValue: options }, TestClockSync],
    };
  }
}

// /health/live says the process runs; /health/ready says it can do its work: its database
// and the Kafka cluster both answer. Kubernetes probes and the tests use them.
import { Public } from '@billing/auth';
import { Controller, Get, Inject, Module, type DynamicModule } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TerminusModule, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { KafkaHealthIndicator } from './kafka-health';

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');

export interface HealthOptions {
  kafkaBrokers: string[];
}

@Public()
@ApiTags('operations')
@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 3_000 }),
      () => this.kafka.isHealthy('kafka', this.options.kafkaBrokers),
    ]);
  }
}

@Module({})
export class HealthModule {
  static forService(options: HealthOptions): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false, gracefulShutdownTimeoutMs: 0 })],
      controllers: [HealthController],
      providers: [KafkaHealthIndicator, { provide: HEALTH_OPTIONS, useValue: options }],
    };
  }
}

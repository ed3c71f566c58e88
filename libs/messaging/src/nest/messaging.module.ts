// Nest wiring: the runtime as a global provider whose consumers start once the application has
// booted (after migrations) and stop before the database closes; features register their
// projections and reactions next to the code they belong to.
import {
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
  type Type,
} from '@nestjs/common';
import type { EventEnvelope } from '@billing/contracts';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { MessagingRuntime, type MessagingOptions } from '../messaging-runtime';
import { EventProducer } from '../producing/event-producer';
import type { Projection } from '../projections/projection';
import type { Reaction } from '../reactions/reaction';

export interface MessagingModuleOptions extends MessagingOptions {
  /** The read store's DataSource provider (default: TypeORM's default DataSource). */
  readonly dataSourceToken?: InjectionToken;
  /** The prom-client Registry provider, e.g. METRICS_REGISTRY of @billing/platform. */
  readonly metricsRegistryToken?: InjectionToken;
}

export interface MessagingFeature {
  /** Provider classes (built by Nest, with their dependencies) or ready instances. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler has its own event union
  readonly projections?: readonly (Type<Projection<any>> | Projection<any>)[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly reactions?: readonly (Type<Reaction<any>> | Reaction<any>)[];
  /** Modules whose providers the projection and reaction classes inject. */
  readonly imports?: ModuleMetadata['imports'];
}

@Injectable()
class MessagingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(@Inject(MessagingRuntime) private readonly runtime: MessagingRuntime) {}

  onApplicationBootstrap(): Promise<void> {
    return this.runtime.start();
  }

  /** Before the DataSource closes: stop fetching, finish the batch, commit, leave the group. */
  beforeApplicationShutdown(): Promise<void> {
    return this.runtime.stopConsuming();
  }

  onApplicationShutdown(): Promise<void> {
    return this.runtime.disconnect();
  }
}

let features = 0;

@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        {
          provide: MessagingRuntime,
          useFactory: (dataSource?: DataSource, metricsRegistry?: Registry) => new MessagingRuntime(options, { dataSource, metricsRegistry }),
          inject: [
            { token: options.dataSourceToken ?? DataSource, optional: true },
            ...(options.metricsRegistryToken ? [options.metricsRegistryToken] : []),
          ],
        },
        { provide: EventProducer, useFactory: (runtime: MessagingRuntime) => runtime.producer, inject: [MessagingRuntime] },
        MessagingLifecycle,
      ],
      exports: [MessagingRuntime, EventProducer],
    };
  }

  /** Registers projections and reactions with the runtime of `forRoot`. */
  static forFeature(feature: MessagingFeature): DynamicModule {
    const isClass = (entry: unknown): entry is Type => typeof entry === 'function';
    const projections = feature.projections ?? [];
    const reactions = feature.reactions ?? [];
    const classes = [...projections, ...reactions].filter(isClass);
    const registrar: Provider = {
      provide: `MessagingFeature#${++features}`,
      useFactory: (runtime: MessagingRuntime, ...instances: unknown[]) => {
        const resolve = <T>(entry: Type<T> | T): T => (isClass(entry) ? (instances[classes.indexOf(entry)] as T) : entry);
        for (const projection of projections) runtime.registerProjection(resolve(projection) as Projection<EventEnvelope>);
        for (const reaction of reactions) runtime.registerReaction(resolve(reaction) as Reaction<EventEnvelope>);
        return true;
      },
      inject: [MessagingRuntime, ...classes],
    };
    return { module: MessagingModule, imports: feature.imports ?? [], providers: [...classes, registrar] };
  }
}

// The event types a consumer understands: one zod schema per (type, schemaVersion), so a message
// is checked against the contract before any handler sees it.
import type { EventEnvelope } from '@billing/contracts';
import type { z } from 'zod';

export interface EventDefinition<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly schemaVersion: number;
  readonly schema: z.ZodType<Data>;
}

/** Declares one version of an event type with the schema of its `data`. */
export function defineEvent<const Type extends string, Schema extends z.ZodType>(
  type: Type,
  schemaVersion: number,
  schema: Schema,
): EventDefinition<Type, z.output<Schema>> {
  return { type, schemaVersion, schema: schema as z.ZodType<z.output<Schema>> };
}

/** The envelope type of a definition: what a handler receives for it. */
export type EnvelopeOf<Definition> =
  Definition extends EventDefinition<infer Type, infer Data> ? EventEnvelope<Type, Data> : never;

export class EventRegistry<E extends EventEnvelope = EventEnvelope> {
  private readonly schemas = new Map<string, Map<number, z.ZodType>>();

  private constructor(definitions: readonly EventDefinition[]) {
    for (const definition of definitions) {
      const versions = this.schemas.get(definition.type) ?? new Map<number, z.ZodType>();
      if (versions.has(definition.schemaVersion)) {
        throw new Error(`event ${definition.type} v${definition.schemaVersion} is defined twice`);
      }
      versions.set(definition.schemaVersion, definition.schema);
      this.schemas.set(definition.type, versions);
    }
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any Data, inferred per definition
  static of<const Definitions extends readonly EventDefinition<string, any>[]>(
    ...definitions: Definitions
  ): EventRegistry<EnvelopeOf<Definitions[number]>> {
    return new EventRegistry(definitions);
  }

  /** True when the type is part of the contract, whatever the version. */
  knows(type: string): boolean {
    return this.schemas.has(type);
  }

  /** The schema of one version, or undefined when that version is not part of the contract. */
  schemaOf(type: string, schemaVersion: number): z.ZodType | undefined {
    return this.schemas.get(type)?.get(schemaVersion);
  }

  get types(): E['type'][] {
    return [...this.schemas.keys()] as E['type'][];
  }
}

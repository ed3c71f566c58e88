// Stored events keep the shape they were written with; readers see the current one. Each
// upcaster lifts one type by one schema version, and the chain runs them in order on read.

/**
 * Lifts `type` events stored at `fromVersion` to `fromVersion + 1`. Pure: it sees only the data.
 * (`upcast` is a method so that typed upcasters fit in one `Upcaster[]` list.)
 */
export interface Upcaster<From = unknown, To = unknown> {
  type: string;
  fromVersion: number;
  upcast(data: From): To;
}

export interface UpcastableEvent {
  type: string;
  schemaVersion: number;
  data: unknown;
}

export interface UpcasterChain {
  /** The version writers store for this type: one past its last upcaster, 1 when it has none. */
  currentVersion(type: string): number;
  /** The event at the type's current version (the same object when nothing applies). */
  upcast<E extends UpcastableEvent>(event: E): E;
}

/**
 * Builds the chain and checks it once, at startup: one upcaster per (type, version), no holes
 * between a type's versions, so that every stored version has a way to the current one.
 */
export function upcasterChain(upcasters: readonly Upcaster[] = []): UpcasterChain {
  const byType = new Map<string, Map<number, Upcaster>>();
  for (const upcaster of upcasters) {
    if (!Number.isInteger(upcaster.fromVersion) || upcaster.fromVersion < 1) {
      throw new TypeError(`upcaster for ${upcaster.type} starts at version ${upcaster.fromVersion}; versions start at 1`);
    }
    const versions = byType.get(upcaster.type) ?? new Map<number, Upcaster>();
    if (versions.has(upcaster.fromVersion)) {
      throw new TypeError(`two upcasters for ${upcaster.type} from version ${upcaster.fromVersion}`);
    }
    versions.set(upcaster.fromVersion, upcaster);
    byType.set(upcaster.type, versions);
  }

  const current = new Map<string, number>();
  for (const [type, versions] of byType) {
    const from = [...versions.keys()].sort((a, b) => a - b);
    from.forEach((version, index) => {
      if (index > 0 && version !== from[index - 1] + 1) {
        throw new TypeError(`${type} has no upcaster from version ${from[index - 1] + 1}`);
      }
    });
    current.set(type, from[from.length - 1] + 1);
  }

  return {
    currentVersion: (type) => current.get(type) ?? 1,
    upcast(event) {
      const versions = byType.get(event.type);
      if (!versions) return event;
      let { data, schemaVersion } = event;
      for (let upcaster = versions.get(schemaVersion); upcaster; upcaster = versions.get(schemaVersion)) {
        try {
          data = upcaster.upcast(data);
        } catch (error) {
          throw new Error(`upcasting ${event.type} from version ${schemaVersion} failed: ${(error as Error).message}`, { cause: error });
        }
        schemaVersion += 1;
      }
      return schemaVersion === event.schemaVersion ? event : { ...event, data, schemaVersion };
    },
  };
}

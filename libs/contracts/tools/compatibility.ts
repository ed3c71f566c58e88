// The evolution rule of a published event version, checked on its JSON Schema: the only change a
// `.v1` event may take is a new optional field. Anything else (a field removed, renamed, retyped,
// made required or optional, an enum value added or removed, a format tightened) needs a new type
// or a new version, with an upcaster.

type JsonObject = { [key: string]: unknown };

export interface BreakingChange {
  /** Where in the schema: `properties.data → $defs.OrderPlaced.v1 → properties.items`. */
  path: string;
  message: string;
}

/** Keywords that document a schema without constraining it: free to change. */
const annotations = new Set(['title', 'description', 'examples', '$comment', 'deprecated']);

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function at(path: string, step: string): string {
  return path ? `${path} → ${step}` : step;
}

function compareSchemas(previous: unknown, next: unknown, path: string, changes: BreakingChange[]): void {
  if (!isObject(previous) || !isObject(next)) {
    if (!same(previous, next)) changes.push({ path: path || '(root)', message: 'schema changed' });
    return;
  }
  const keywords = new Set([...Object.keys(previous), ...Object.keys(next)]);
  for (const keyword of keywords) {
    if (annotations.has(keyword)) continue;
    const before = previous[keyword];
    const after = next[keyword];
    switch (keyword) {
      case 'properties': {
        const beforeProperties = (before ?? {}) as JsonObject;
        const afterProperties = (after ?? {}) as JsonObject;
        for (const name of Object.keys(beforeProperties)) {
          if (!(name in afterProperties)) {
            changes.push({ path: at(path, 'properties'), message: `field ${name} was removed` });
          } else {
            compareSchemas(beforeProperties[name], afterProperties[name], at(path, `properties.${name}`), changes);
          }
        }
        break;
      }
      case 'required': {
        const beforeRequired = new Set((before ?? []) as string[]);
        const afterRequired = new Set((after ?? []) as string[]);
        for (const name of afterRequired) {
          if (!beforeRequired.has(name)) {
            changes.push({
              path: at(path, 'required'),
              message: `field ${name} is required now (a new field must be optional)`,
            });
          }
        }
        for (const name of beforeRequired) {
          if (!afterRequired.has(name)) {
            changes.push({ path: at(path, 'required'), message: `field ${name} is no longer required` });
          }
        }
        break;
      }
      case '$defs':
      case 'definitions': {
        const beforeDefinitions = (before ?? {}) as JsonObject;
        const afterDefinitions = (after ?? {}) as JsonObject;
        for (const name of Object.keys(beforeDefinitions)) {
          // a definition nothing refers to any more shows up where its reference changed
          if (name in afterDefinitions) {
            compareSchemas(beforeDefinitions[name], afterDefinitions[name], at(path, `${keyword}.${name}`), changes);
          }
        }
        break;
      }
      case 'anyOf':
      case 'oneOf':
      case 'allOf': {
        const beforeBranches = (before ?? []) as unknown[];
        const afterBranches = (after ?? []) as unknown[];
        if (beforeBranches.length !== afterBranches.length) {
          changes.push({
            path: at(path, keyword),
            message: `${beforeBranches.length} alternatives became ${afterBranches.length}`,
          });
        } else {
          beforeBranches.forEach((branch, index) =>
            compareSchemas(branch, afterBranches[index], at(path, `${keyword}[${index}]`), changes),
          );
        }
        break;
      }
      case 'items':
        compareSchemas(before, after, at(path, 'items'), changes);
        break;
      default:
        if (!same(before, after)) {
          changes.push({
            path: at(path, keyword),
            message: `${keyword} changed from ${JSON.stringify(before) ?? '(none)'} to ${JSON.stringify(after) ?? '(none)'}`,
          });
        }
    }
  }
}

/** The changes from `previous` to `next` that a consumer of the published version would notice. */
export function breakingChanges(previous: unknown, next: unknown): BreakingChange[] {
  const changes: BreakingChange[] = [];
  compareSchemas(previous, next, '', changes);
  return changes;
}

// The committed documents in libs/contracts/generated/ are what the zod schemas generate, byte for
// byte, and hold together (every reference resolves, every topic and event is there).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { breakingChanges } from '../tools/compatibility';
import { asyncApiDocument, generateContractDocuments } from '../tools/documents';
import { integrationEventList } from './registry';
import { publicTopics } from './topics';

const generatedDir = join(__dirname, '..', 'generated');
const refresh = 'run `node -r ./tools/register.js libs/contracts/tools/generate.ts` (or `npx nx run contracts:generate`) to refresh';

function committedFiles(dir = generatedDir): Record<string, string> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? Object.entries(committedFiles(join(dir, entry.name)))
        : [[relative(generatedDir, join(dir, entry.name)), readFileSync(join(dir, entry.name), 'utf8')]],
    ),
  );
}

/** Every `$ref` of a document, with the JSON pointer it points to. */
function refsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsOf);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, nested]) =>
    key === '$ref' && typeof nested === 'string' ? [nested] : refsOf(nested),
  );
}

function resolves(document: unknown, ref: string): boolean {
  if (!ref.startsWith('#/')) return false;
  let node: unknown = document;
  for (const step of ref.slice(2).split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (typeof node !== 'object' || node === null || !(step in node)) return false;
    node = (node as Record<string, unknown>)[step];
  }
  return true;
}

describe('generated documents', () => {
  const documents = generateContractDocuments();
  const committed = committedFiles();

  it('are generated the same way twice (no timestamps, stable order)', () => {
    expect(JSON.stringify(generateContractDocuments())).toBe(JSON.stringify(documents));
  });

  it.each(Object.keys(documents))('generated/%s is committed and up to date', (path) => {
    if (committed[path] !== documents[path]) {
      const changes = committed[path] && path.startsWith('schemas/') ? breakingChanges(JSON.parse(committed[path]), JSON.parse(documents[path])) : [];
      throw new Error(
        `generated/${path} ${committed[path] ? 'differs from the schemas' : 'is missing'}: ${refresh}` +
          (changes.length ? `\nand mind the breaking changes to a published version:\n${changes.map((c) => `  ${c.path}: ${c.message}`).join('\n')}` : ''),
      );
    }
  });

  it('has no stale file left from a removed event', () => {
    const stale = Object.keys(committed).filter((path) => !(path in documents));
    if (stale.length) throw new Error(`stale generated files ${stale.join(', ')}: ${refresh}`);
  });

  it('hold one JSON Schema per event version, every reference resolving inside its file', () => {
    for (const definition of integrationEventList) {
      const schema = JSON.parse(documents[`schemas/${definition.type}.v${definition.schemaVersion}.json`]);
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.properties.type.const).toBe(definition.type);
      expect(schema.properties.data).toEqual({ $ref: `#/$defs/${definition.type}.v1` });
      for (const ref of refsOf(schema)) expect({ ref, resolves: resolves(schema, ref) }).toEqual({ ref, resolves: true });
      expect(JSON.stringify(schema)).not.toContain('"id":');
    }
  });

  it('describe every topic and event in the AsyncAPI document, keyed by customerId, every reference resolving', () => {
    const document = asyncApiDocument() as {
      asyncapi: string;
      channels: Record<string, { address: string; messages: Record<string, unknown> }>;
      operations: Record<string, { action: string; channel: { $ref: string } }>;
      components: { messages: Record<string, { bindings: { kafka: { key: unknown } } }> };
    };
    expect(document.asyncapi).toBe('3.0.0');
    expect(Object.values(document.channels).map((channel) => channel.address)).toEqual(publicTopics);
    const published = Object.values(document.channels).flatMap((channel) => Object.keys(channel.messages));
    expect(published.sort()).toEqual(integrationEventList.map((definition) => definition.type).sort());
    expect(Object.values(document.operations).map((operation) => operation.action)).toEqual(['send', 'send', 'send', 'send']);
    for (const message of Object.values(document.components.messages)) {
      expect(message.bindings.kafka.key).toEqual({ $ref: '#/components/schemas/CustomerId' });
    }
    const refs = refsOf(document);
    expect(refs.length).toBeGreaterThan(100);
    for (const ref of new Set(refs)) expect({ ref, resolves: resolves(document, ref) }).toEqual({ ref, resolves: true });
  });
});

// What the deploy checks compare: what docker/compose.yml and the rendered Kustomize overlays
// give each service, and what the services' code declares (consumers, metrics).
import { topics } from '@billing/contracts';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export const workspaceRoot = join(__dirname, '../../..');
export const serviceNames = ['order', 'subscription', 'renewal', 'invoicing'] as const;
export type ServiceName = (typeof serviceNames)[number];

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a rendered manifest, read field by field
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/** The overlays operators deploy: `dev`, `prod`. */
export function overlayNames(): string[] {
  return readdirSync(join(workspaceRoot, 'k8s/overlays'));
}

/** `kubectl kustomize <folder of k8s/>` as objects. */
export function renderKustomization(folder: string): KubernetesObject[] {
  const result = spawnSync('kubectl', ['kustomize', join(workspaceRoot, 'k8s', folder)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error || result.status !== 0) throw new Error(`kubectl kustomize k8s/${folder}: ${result.error?.message ?? result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((document) => document.toJS() as KubernetesObject | null)
    .filter((object): object is KubernetesObject => object !== null);
}

export function findObject(objects: readonly KubernetesObject[], kind: string, name: string): KubernetesObject | undefined {
  return objects.find((object) => object.kind === kind && object.metadata.name === name);
}

function secretValues(secret: KubernetesObject): Record<string, string> {
  const decoded = Object.fromEntries(Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
  return { ...decoded, ...secret.stringData };
}

export function requireObject(objects: readonly KubernetesObject[], kind: string, name: string): KubernetesObject {
  const object = findObject(objects, kind, name);
  if (!object) throw new Error(`no ${kind} ${name} is rendered`);
  return object;
}

/**
 * The variables a Deployment's container gets: its `env` and the keys of its `envFrom` sources.
 * A Secret the overlay leaves to the secret manager (prod) is read from `externalSecrets`, the
 * base's placeholders, which carry the keys that Secret must have.
 */
export function containerEnvironment(
  objects: readonly KubernetesObject[],
  deploymentName: string,
  externalSecrets: readonly KubernetesObject[] = [],
): Record<string, string> {
  const deployment = requireObject(objects, 'Deployment', deploymentName);
  const [container] = deployment.spec.template.spec.containers;
  const environment: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const configMap = findObject(objects, 'ConfigMap', source.configMapRef.name);
      if (!configMap) throw new Error(`${deploymentName}: no ConfigMap ${source.configMapRef.name}`);
      Object.assign(environment, configMap.data);
    }
    if (source.secretRef) {
      const secret = findObject(objects, 'Secret', source.secretRef.name) ?? findObject(externalSecrets, 'Secret', source.secretRef.name);
      if (!secret) throw new Error(`${deploymentName}: no Secret ${source.secretRef.name}`);
      Object.assign(environment, secretValues(secret));
    }
  }
  for (const variable of container.env ?? []) environment[variable.name] = variable.value ?? '(from a reference)';
  return environment;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the compose file, read field by field
export function readCompose(): any {
  return parse(readFileSync(join(workspaceRoot, 'docker/compose.yml'), 'utf8'), { merge: true });
}

/** A compose service's environment as compose resolves it with nothing set on the host. */
export function composeEnvironment(service: ServiceName): Record<string, string> {
  const environment: Record<string, string | number> = readCompose().services[service].environment;
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [name, String(value).replace(/\$\{[A-Z_]+(?::?-([^}]*))?\}/g, (_, fallback = '') => fallback)]),
  );
}

function sourceFiles(folder: string): string[] {
  return readdirSync(join(workspaceRoot, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
    .map((file) => join(workspaceRoot, folder, file));
}

export interface Consumer {
  group: string;
  topic: string;
}

/**
 * The consumer groups a service runs, read from its code: the projections and reactions it
 * registers with `MessagingModule.forFeature`, each consuming as `<service>.<name>` (libs/messaging)
 * from the public topics it names.
 */
export function declaredConsumers(service: ServiceName): Consumer[] {
  const files = sourceFiles(`services/${service}/src`).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  const registered = files.flatMap(({ text }) =>
    [...text.matchAll(/MessagingModule\.forFeature\(\{([^)]*)\}\)/g)].flatMap(([, features]) =>
      [...features.matchAll(/(?:projections|reactions):\s*\[([^\]]*)\]/g)].flatMap(([, list]) => list.split(',').map((name) => name.trim()).filter(Boolean)),
    ),
  );
  return registered.flatMap((className) => {
    const file = files.find(({ text }) => new RegExp(`export class ${className}\\b`).test(text));
    if (!file) throw new Error(`${service}: no file declares the consumer class ${className}`);
    const name = /readonly name = '([^']+)'/.exec(file.text)?.[1];
    const topicList = /this\.topics = \[([^\]]*)\]/.exec(file.text)?.[1];
    if (!name || !topicList) throw new Error(`${relative(workspaceRoot, file.path)}: cannot read the consumer's name and topics`);
    const keys = [...topicList.matchAll(/\.(\w+)\b/g)].map(([, key]) => key).filter((key): key is keyof typeof topics => key in topics);
    return keys.map((key) => ({ group: `${service}.${name}`, topic: topics[key] }));
  });
}

/** Every Prometheus metric the services and libraries define (`new Counter({ name: … })`…). */
export function definedMetricNames(): Set<string> {
  const folders = [...readdirSync(join(workspaceRoot, 'libs')).map((lib) => `libs/${lib}/src`), ...serviceNames.map((service) => `services/${service}/src`)];
  const names = new Set<string>();
  for (const file of folders.flatMap((folder) => sourceFiles(folder))) {
    const text = readFileSync(file, 'utf8');
    if (!/new (Counter|Gauge|Histogram|Summary)\b/.test(text)) continue;
    for (const [, name] of text.matchAll(/\bname: '([a-z_:][a-z0-9_:]*)'/g)) names.add(name);
  }
  return names;
}

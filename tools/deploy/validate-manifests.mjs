#!/usr/bin/env node
// Offline validation of what operators deploy: every Kustomize overlay of k8s/overlays is
// rendered with `kubectl kustomize`, and every rendered object is validated against the OpenAPI
// schema of its kind — Kubernetes' own kinds and the custom resources of Strimzi, KEDA and
// CloudNativePG — with the validators the kubernetes-models packages ship (no cluster, no
// network). Those schemas let unknown fields through (as the API server's OpenAPI does), so the
// objects are also type-checked against the same packages' TypeScript interfaces, whose excess
// property checks name a misspelt or misplaced field. The references between objects that no
// schema sees are checked too: envFrom and scale targets name objects that exist, selectors
// select pods, topics name their cluster.
// Then docker/compose.yml is checked with `docker compose config` (or docker-compose) when a
// compose client is installed.
//
//   node tools/deploy/validate-manifests.mjs            # all overlays + the compose file
//   node tools/deploy/validate-manifests.mjs k8s/overlays/dev
//
// Exit code 1 names each problem on its own line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Where the model (class with its compiled schema validator) of an apiVersion/kind lives. Only
 * the kinds we deploy are listed: an object of any other kind is a problem (unvalidated).
 */
const modelModules = {
  'v1/Namespace': 'kubernetes-models/v1/Namespace',
  'v1/ConfigMap': 'kubernetes-models/v1/ConfigMap',
  'v1/Secret': 'kubernetes-models/v1/Secret',
  'v1/Service': 'kubernetes-models/v1/Service',
  'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment',
  'policy/v1/PodDisruptionBudget': 'kubernetes-models/policy/v1/PodDisruptionBudget',
  'networking.k8s.io/v1/NetworkPolicy': 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy',
  'keda.sh/v1alpha1/ScaledObject': '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject',
  'kafka.strimzi.io/v1/Kafka': '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1/Kafka',
  'kafka.strimzi.io/v1/KafkaNodePool': '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1/KafkaNodePool',
  'kafka.strimzi.io/v1/KafkaTopic': '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1/KafkaTopic',
  'postgresql.cnpg.io/v1/Cluster': '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Cluster',
};

/** The TypeScript interface of a model module: `I<kind>`. */
const interfaceOf = (kind) => `I${kind}`;

/** The Secrets the prod overlay leaves to the secret manager (see k8s/overlays/prod). */
const externalSecret = (name) => /^(order|subscription|renewal|invoicing)-secrets$/.test(name);

export function render(overlay) {
  const result = spawnSync('kubectl', ['kustomize', overlay], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`kubectl kustomize ${overlay}: ${result.error.message} (kubectl is needed to render the manifests)`);
  if (result.status !== 0) throw new Error(`kubectl kustomize ${overlay} failed:\n${result.stderr.trim()}`);
  return parseAllDocuments(result.stdout).map((document) => {
    if (document.errors.length > 0) throw new Error(`${overlay}: ${document.errors[0].message}`);
    return document.toJS();
  }).filter((object) => object !== null);
}

const describe = (object) => `${object.kind ?? '?'}/${object.metadata?.name ?? '?'}`;

async function schemaProblems(object) {
  const key = `${object.apiVersion}/${object.kind}`;
  const module = modelModules[key];
  if (!module) return [`${describe(object)}: no schema known for ${key} (add it to validate-manifests.mjs)`];
  const Model = Object.values(await import(module)).find((value) => typeof value === 'function' && value.kind === object.kind);
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return String(error.message ?? error).split(', ').map((message) => `${describe(object)}: ${message.replace(/^data/, '')}`);
  }
}

const selects = (selector, labels) => Object.entries(selector ?? {}).every(([key, value]) => labels?.[key] === value);

/** What the schemas cannot see: objects that name other objects. */
function referenceProblems(objects) {
  const named = (kind, name) => objects.find((object) => object.kind === kind && object.metadata?.name === name);
  const deployments = objects.filter((object) => object.kind === 'Deployment');
  const problems = [];
  for (const deployment of deployments) {
    const template = deployment.spec.template;
    if (!selects(deployment.spec.selector?.matchLabels, template.metadata?.labels)) problems.push(`${describe(deployment)}: its selector does not select its own pods`);
    for (const container of template.spec.containers) {
      for (const source of container.envFrom ?? []) {
        if (source.configMapRef && !named('ConfigMap', source.configMapRef.name)) problems.push(`${describe(deployment)}: envFrom ConfigMap ${source.configMapRef.name} is not rendered`);
        if (source.secretRef && !named('Secret', source.secretRef.name) && !externalSecret(source.secretRef.name)) problems.push(`${describe(deployment)}: envFrom Secret ${source.secretRef.name} is neither rendered nor an external Secret`);
      }
      const ports = new Set((container.ports ?? []).map((port) => port.name));
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        const port = container[probe]?.httpGet?.port;
        if (typeof port === 'string' && !ports.has(port)) problems.push(`${describe(deployment)}: ${probe} uses port ${port}, which the container does not declare`);
      }
    }
  }
  const podsOf = (selector) => deployments.filter((deployment) => selects(selector, deployment.spec.template.metadata?.labels));
  for (const object of objects) {
    if (object.kind === 'Service' && podsOf(object.spec.selector).length === 0) problems.push(`${describe(object)}: its selector matches no Deployment's pods`);
    if (object.kind === 'PodDisruptionBudget' && podsOf(object.spec.selector?.matchLabels).length === 0) problems.push(`${describe(object)}: its selector matches no Deployment's pods`);
    if (object.kind === 'ScaledObject' && !named('Deployment', object.spec.scaleTargetRef?.name)) problems.push(`${describe(object)}: scale target ${object.spec.scaleTargetRef?.name} is not a rendered Deployment`);
    if (['KafkaTopic', 'KafkaNodePool'].includes(object.kind) && !named('Kafka', object.metadata.labels?.['strimzi.io/cluster'])) problems.push(`${describe(object)}: label strimzi.io/cluster names no rendered Kafka`);
  }
  return problems;
}

/** `spec.kafka.resources`: the keys enclosing line `at` of the JSON that starts at line `from`. */
function pathAt(lines, at, from) {
  const indent = (text) => text.length - text.trimStart().length;
  const keyOf = (text) => /^\s*"([^"]+)":/.exec(text)?.[1];
  const path = [keyOf(lines[at])];
  for (let line = at - 1, depth = indent(lines[at]); line > from && depth > 1; line--) {
    if (indent(lines[line]) < depth) {
      depth = indent(lines[line]);
      path.unshift(keyOf(lines[line]) ?? '[]');
    }
  }
  return path.filter(Boolean).join('.').replace(/\.\[\]/g, '[]');
}

/**
 * Unknown fields: each object becomes an object literal typed with its model's interface, and
 * TypeScript reports every property the interface does not declare, at any depth.
 */
function unknownFieldProblems(objects) {
  const ts = createRequire(import.meta.url)('typescript');
  const typed = objects.filter((object) => modelModules[`${object.apiVersion}/${object.kind}`]);
  const imports = [...new Set(typed.map((object) => `${object.apiVersion}/${object.kind}`))].map(
    (key, index) => `import type { ${interfaceOf(key.split('/').pop())} as T${index} } from '${modelModules[key]}';`,
  );
  const typeOf = Object.fromEntries([...new Set(typed.map((object) => `${object.apiVersion}/${object.kind}`))].map((key, index) => [key, `T${index}`]));
  const lines = [...imports];
  const owners = [];
  for (const object of typed) {
    const json = JSON.stringify(object, null, 1).split('\n');
    json[0] = `export const o${owners.length}: ${typeOf[`${object.apiVersion}/${object.kind}`]} = ${json[0]}`;
    owners.push({ object, from: lines.length, to: lines.length + json.length });
    lines.push(...json);
  }
  const dir = join(root, 'tmp');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `rendered-manifests-${process.pid}.ts`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  try {
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      target: ts.ScriptTarget.ES2022,
      types: [],
    });
    return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
      if (!diagnostic.file || diagnostic.file.fileName !== file) return `type check: ${message}`;
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const owner = owners.find((entry) => line >= entry.from && line < entry.to);
      const field = /'"?([^'"]+)"?' does not exist in type/.exec(message)?.[1];
      if (!owner || !field) return `${owner ? describe(owner.object) : 'type check'}: ${message}`;
      return `${describe(owner.object)}: unknown field ${pathAt(lines, line, owner.from)}`;
    });
  } finally {
    rmSync(file, { force: true });
  }
}

export async function validateOverlay(overlay) {
  const objects = render(overlay);
  const problems = [];
  for (const object of objects) problems.push(...(await schemaProblems(object)));
  problems.push(...unknownFieldProblems(objects));
  problems.push(...referenceProblems(objects));
  return { objects, problems };
}

/** `docker compose config -q`, or the standalone docker-compose; undefined when neither exists. */
function composeProblems(file) {
  for (const [command, args] of [['docker', ['compose']], ['docker-compose', []]]) {
    const probe = spawnSync(command, [...args, 'version'], { encoding: 'utf8' });
    if (probe.status !== 0) continue;
    const result = spawnSync(command, [...args, '-f', file, 'config', '-q'], { encoding: 'utf8' });
    return { tool: [command, ...args].join(' '), problems: result.status === 0 ? [] : [`${relative(root, file)}: ${(result.stderr || result.stdout).trim()}`] };
  }
  return undefined;
}

async function main() {
  const overlaysDir = join(root, 'k8s/overlays');
  const overlays = process.argv.length > 2 ? process.argv.slice(2).map((path) => resolve(path)) : readdirSync(overlaysDir).map((name) => join(overlaysDir, name));
  let failed = false;
  const version = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  console.log((version.stdout ?? '').split('\n').filter(Boolean).join(', ') || 'kubectl: not found');
  for (const overlay of overlays) {
    try {
      const { objects, problems } = await validateOverlay(overlay);
      const kinds = Object.entries(objects.reduce((count, object) => ({ ...count, [object.kind]: (count[object.kind] ?? 0) + 1 }), {}));
      if (problems.length > 0) {
        failed = true;
        console.log(`${relative(root, overlay)}: ${problems.length} problem(s) in ${objects.length} objects`);
        for (const problem of problems) console.log(`  ${problem}`);
      } else {
        console.log(`${relative(root, overlay)}: ${objects.length} objects valid (${kinds.map(([kind, n]) => `${n} ${kind}`).join(', ')})`);
      }
    } catch (error) {
      failed = true;
      console.log(`${relative(root, overlay)}: ${error.message}`);
    }
  }
  if (process.argv.length <= 2) {
    const file = join(root, 'docker/compose.yml');
    const compose = existsSync(file) ? composeProblems(file) : undefined;
    if (!compose) {
      console.log('docker/compose.yml: no compose client (docker compose or docker-compose) installed: not checked here');
    } else if (compose.problems.length > 0) {
      failed = true;
      for (const problem of compose.problems) console.log(problem);
    } else {
      console.log(`docker/compose.yml: valid (${compose.tool} config)`);
    }
  }
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}

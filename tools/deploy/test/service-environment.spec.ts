// Compose and every Kubernetes overlay give each service exactly the variables its config schema
// knows — no variable it would silently ignore, none it requires missing — with values the
// schema accepts, and in production the keys the service refuses to boot without.
import { TokenVerifier, type AuthConfig } from '@billing/auth';
import { loadConfig, type ServiceConfig } from '@billing/platform';
import type { z } from 'zod';
import { invoicingConfigSchema } from '../../../services/invoicing/src/config';
import { orderConfigSchema } from '../../../services/order/src/config';
import { renewalConfigSchema } from '../../../services/renewal/src/config';
import { subscriptionConfigSchema } from '../../../services/subscription/src/config';
import { TerminationTokens } from '../../../services/subscription/src/commands/termination-tokens';
import {
  composeEnvironment,
  containerEnvironment,
  requireObject,
  overlayNames,
  readCompose,
  renderKustomization,
  serviceNames,
  type KubernetesObject,
  type ServiceName,
} from '../src/deployment';

const schemas: Record<ServiceName, z.ZodObject> = {
  order: orderConfigSchema,
  subscription: subscriptionConfigSchema,
  renewal: renewalConfigSchema,
  invoicing: invoicingConfigSchema,
};

const known = (service: ServiceName) => Object.keys(schemas[service].shape).sort();
/** Variables without a default that may not be left out. */
const required = (service: ServiceName) => known(service).filter((name) => !schemas[service].shape[name].safeParse(undefined).success);

function expectExactlyKnownVariables(service: ServiceName, environment: Record<string, string>) {
  const given = Object.keys(environment);
  expect({ unknown: given.filter((name) => !known(service).includes(name)), missing: required(service).filter((name) => !given.includes(name)) }).toEqual({
    unknown: [],
    missing: [],
  });
}

/** Boots as far as the configuration goes: the schema, then the keys production insists on. */
function expectBootableConfiguration(service: ServiceName, environment: Record<string, string>) {
  // what every service's configuration has, and the termination secret that only subscription reads
  const config = loadConfig(schemas[service], environment) as ServiceConfig & AuthConfig & { TERMINATION_TOKEN_SECRET?: string };
  expect(() => TokenVerifier.fromConfig(config, config.NODE_ENV)).not.toThrow();
  if (service === 'subscription') expect(() => TerminationTokens.fromConfig(config.TERMINATION_TOKEN_SECRET, config.NODE_ENV)).not.toThrow();
  return config;
}

describe('docker/compose.yml', () => {
  describe.each(serviceNames)('given the %s service', (service) => {
    it('sets only variables its config schema knows, and every one it requires', () => {
      expectExactlyKnownVariables(service, composeEnvironment(service));
    });

    it('sets values its config schema accepts, on the port the image exposes and compose publishes', () => {
      const config = expectBootableConfiguration(service, composeEnvironment(service));
      const definition = readCompose().services[service];
      expect(Number(definition.build.args.PORT)).toBe(config.PORT);
      expect(definition.ports).toEqual([`${config.PORT}:${config.PORT}`]);
    });
  });
});

describe.each(overlayNames())('the k8s/overlays/%s rendering', (overlay) => {
  let objects: KubernetesObject[];
  let basePlaceholders: KubernetesObject[];

  beforeAll(() => {
    objects = renderKustomization(`overlays/${overlay}`);
    basePlaceholders = renderKustomization('base').filter((object) => object.kind === 'Secret');
  });

  describe.each(serviceNames)('given the %s Deployment', (service) => {
    it('gives it only variables its config schema knows, and every one it requires', () => {
      expectExactlyKnownVariables(service, containerEnvironment(objects, service, basePlaceholders));
    });

    it('gives it values its config schema accepts, and probes the port it listens on', () => {
      const config = expectBootableConfiguration(service, containerEnvironment(objects, service, basePlaceholders));
      const [container] = requireObject(objects, 'Deployment', service).spec.template.spec.containers;
      expect(container.ports).toEqual([expect.objectContaining({ name: 'http', containerPort: config.PORT })]);
      expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    });

    it('lets the graceful shutdown finish within the termination grace period', () => {
      const config = expectBootableConfiguration(service, containerEnvironment(objects, service, basePlaceholders));
      const pod = requireObject(objects, 'Deployment', service).spec.template.spec;
      const preStopSeconds = Number(pod.containers[0].lifecycle?.preStop?.exec?.command?.[1] ?? 0);
      expect(preStopSeconds + config.SHUTDOWN_TIMEOUT_MS / 1000).toBeLessThan(pod.terminationGracePeriodSeconds);
    });
  });

  if (overlay === 'prod') {
    it('deploys no Secret: the secret manager provides them', () => {
      expect(objects.filter((object) => object.kind === 'Secret')).toEqual([]);
    });

    it('runs the services in production', () => {
      for (const service of serviceNames) expect(containerEnvironment(objects, service, basePlaceholders).NODE_ENV).toBe('production');
    });
  }
});

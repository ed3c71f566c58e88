// The Grafana dashboard charts metrics the services really export: a renamed metric leaves a
// panel empty without anyone noticing, so every name a query uses must be defined in the code
// (or be one of prom-client's default process metrics, which every service registers).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { definedMetricNames, renderKustomization, workspaceRoot } from '../src/deployment';

const dashboardFile = join(workspaceRoot, 'k8s/base/observability/grafana-dashboard.json');

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
}

function panels(): Panel[] {
  return JSON.parse(readFileSync(dashboardFile, 'utf8')).panels;
}

const promqlWords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and', 'or', 'unless']);

/** Metric names in a PromQL expression: what is left once labels, ranges and calls are set aside. */
function metricsIn(expr: string): string[] {
  const bare = expr
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '');
  return [...bare.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)].map(([, name]) => name).filter((name) => !promqlWords.has(name));
}

function exportedMetricNames(): Set<string> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const defaults = registry.getMetricsAsArray().map((metric) => metric.name);
  return new Set([...definedMetricNames(), ...defaults]);
}

describe('the Grafana dashboard', () => {
  it('queries only metrics the services export', () => {
    const exported = exportedMetricNames();
    const unknown = panels().flatMap((panel) =>
      (panel.targets ?? []).flatMap(({ expr }) =>
        metricsIn(expr)
          .map((name) => name.replace(/_(bucket|sum|count)$/, (suffix) => (exported.has(name) ? suffix : '')))
          .filter((name) => !exported.has(name))
          .map((name) => `${panel.title}: ${name}`),
      ),
    );
    expect(unknown).toEqual([]);
  });

  it('charts consumer lag, dead letters, the outbox relay and the renewal scheduler', () => {
    const charted = new Set(panels().flatMap((panel) => (panel.targets ?? []).flatMap(({ expr }) => metricsIn(expr))));
    for (const metric of ['messaging_consumer_lag', 'messaging_dead_letters_total', 'outbox_relay_unpublished_events', 'renewal_due_backlog', 'renewal_scheduler_runs_total']) {
      expect(charted).toContain(metric);
    }
  });

  it("is deployed as a ConfigMap Grafana's dashboard sidecar loads", () => {
    const configMap = renderKustomization('base').find((object) => object.kind === 'ConfigMap' && object.metadata.name.startsWith('billing-grafana-dashboard'));
    expect(configMap?.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(JSON.parse(configMap?.data?.['grafana-dashboard.json'] ?? 'null')).toEqual(JSON.parse(readFileSync(dashboardFile, 'utf8')));
  });
});

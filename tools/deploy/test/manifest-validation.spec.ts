// The offline validation (tools/deploy/validate-manifests.mjs) accepts what is committed: every
// rendered object matches its kind's schema and TypeScript interface, with no unknown field and
// no dangling reference, and compose accepts docker/compose.yml.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { workspaceRoot } from '../src/deployment';

describe('the deploy validation', () => {
  it('finds every overlay of k8s/ and docker/compose.yml valid', () => {
    const run = spawnSync(process.execPath, [join(workspaceRoot, 'tools/deploy/validate-manifests.mjs')], { encoding: 'utf8', cwd: workspaceRoot });
    process.stdout.write(run.stdout);
    expect({ exitCode: run.status, stderr: run.stderr.trim() }).toEqual({ exitCode: 0, stderr: '' });
    expect(run.stdout).toMatch(/k8s\/overlays\/dev: \d+ objects valid/);
    expect(run.stdout).toMatch(/k8s\/overlays\/prod: \d+ objects valid/);
  });
});

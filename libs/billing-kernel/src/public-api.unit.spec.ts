// The public API is src/index.ts (what other projects get from @billing/billing-kernel); every
// function in it must be exercised by some test of the kernel.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as kernel from './index';

describe('public API', () => {
  it('exposes the pricing function and the shipped catalog', () => {
    expect(kernel.priceCart).toBeInstanceOf(Function);
    expect(kernel.shippedCatalog.versions.length).toBeGreaterThan(0);
  });

  it('has every exported function used by at least one test', () => {
    const otherSpecs = readdirSync(__dirname, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.spec.ts') && !file.endsWith('public-api.unit.spec.ts'))
      .map((file) => readFileSync(join(__dirname, file), 'utf8'))
      .join('\n');
    const functions = Object.entries(kernel)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name);
    expect(functions.length).toBeGreaterThan(40);
    expect(functions.filter((name) => !new RegExp(`\\b${name}\\b`).test(otherSpecs))).toEqual([]);
  });
});

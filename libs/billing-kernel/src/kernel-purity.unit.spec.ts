// Guards the kernel's two promises at the source level: no floating-point arithmetic near an
// amount, and no I/O or clock. Reading files is fine here: this is a test, not the kernel.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const kernelRoot = join(__dirname, '..');

function kernelSources(): { file: string; text: string }[] {
  return readdirSync(__dirname, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
    .map((file) => ({ file: relative(kernelRoot, join(__dirname, file)), text: readFileSync(join(__dirname, file), 'utf8') }));
}

/**
 * The code of a TypeScript source without its comments, the contents of its strings and
 * template texts, and its regular-expression literals — so that what is left of `/` can only be
 * a division, and a digit-dot-digit only a number.
 */
function codeOnly(source: string): string {
  let code = '';
  let index = 0;
  let previousToken = '';
  let braceDepth = 0;
  const templateResumeDepths: number[] = [];

  // a `/` starts a regular expression unless it follows something that has a value
  const regexMayStart = () => !/^([\w$)\]]|\d)/.test(previousToken) || /^(return|typeof|case|in|of|void|yield|await)$/.test(previousToken);

  const skipTemplateText = () => {
    while (index < source.length) {
      const char = source[index];
      if (char === '\\') index += 2;
      else if (char === '`') {
        index += 1;
        code += '``';
        previousToken = 'TEMPLATE';
        return;
      } else if (char === '$' && source[index + 1] === '{') {
        index += 2;
        braceDepth += 1;
        templateResumeDepths.push(braceDepth);
        code += '`${';
        previousToken = '{';
        return;
      } else index += 1;
    }
  };

  while (index < source.length) {
    const char = source[index];
    const next = source[index + 1];
    if (char === '/' && next === '/') {
      while (index < source.length && source[index] !== '\n') index += 1;
    } else if (char === '/' && next === '*') {
      const end = source.indexOf('*/', index + 2);
      index = end < 0 ? source.length : end + 2;
      code += ' ';
    } else if (char === '"' || char === "'") {
      index += 1;
      while (index < source.length && source[index] !== char) index += source[index] === '\\' ? 2 : 1;
      index += 1;
      code += '""';
      previousToken = 'STRING';
    } else if (char === '`') {
      index += 1;
      skipTemplateText();
    } else if (char === '}' && templateResumeDepths.at(-1) === braceDepth) {
      templateResumeDepths.pop();
      braceDepth -= 1;
      index += 1;
      code += '}';
      skipTemplateText();
    } else if (char === '/' && regexMayStart()) {
      index += 1;
      let inClass = false;
      while (index < source.length && (inClass || source[index] !== '/')) {
        if (source[index] === '\\') index += 1;
        else if (source[index] === '[') inClass = true;
        else if (source[index] === ']') inClass = false;
        index += 1;
      }
      index += 1;
      while (/[a-z]/i.test(source[index] ?? '')) index += 1;
      code += 'REGEX';
      previousToken = 'REGEX';
    } else {
      if (char === '{') braceDepth += 1;
      if (char === '}') braceDepth -= 1;
      if (/[\w$]/.test(char)) {
        const word = /^[\w$]+/.exec(source.slice(index))?.[0] ?? char;
        code += word;
        index += word.length;
        previousToken = word;
        continue;
      }
      code += char;
      if (!/\s/.test(char)) previousToken = char;
      index += 1;
    }
  }
  return code;
}

const forbidden: readonly { rule: string; pattern: RegExp }[] = [
  { rule: 'division (`/`): use multiplyByFraction or a rate', pattern: /\// },
  { rule: 'decimal literal: amounts and rates are integers', pattern: /(?<![\w$.])\d[\d_]*\.\d|(?<![\w$)\]])\.\d/ },
  { rule: 'exponent literal', pattern: /(?<![\w$])\d[\d_]*(\.\d+)?e[+-]?\d/i },
  { rule: 'parseFloat', pattern: /\bparseFloat\b/ },
  { rule: 'toFixed / toPrecision / toNumber', pattern: /\.(toFixed|toPrecision|toNumber)\b/ },
  { rule: 'Math rounding or real-valued Math', pattern: /\bMath\.(?!(min|max|abs)\b)\w+/ },
  { rule: 'clock: time comes in as an argument', pattern: /\bDate\.now\b|\bnew Date\b|\bTemporal\.Now\b|\bperformance\.now\b/ },
];

function violations(source: string): string[] {
  const code = codeOnly(source);
  return code
    .split('\n')
    .flatMap((line) => forbidden.filter(({ pattern }) => pattern.test(line)).map(({ rule }) => `${rule}: ${line.trim()}`));
}

describe('the scanner itself', () => {
  it.each([
    'const tax = amount * 0.2;',
    'const vat = price.value * .055;',
    'const half = value / 2;',
    'total /= quantity;',
    'const share = (amount.value * days) / daysInTerm;',
    'const rate = 2e-1;',
    'const value = parseFloat(text);',
    'const value = Number.parseFloat(text);',
    'return amount.toFixed(2);',
    'const cents = Math.round(amount * 100);',
    'const units = Math.floor(amount);',
    'const today = Date.now();',
    'const today = new Date();',
    'const label = `${amount / 100} EUR`;',
  ])('flags %s', (line) => {
    expect(violations(line)).not.toEqual([]);
  });

  it.each([
    '// a comment may say 0.2 or a / b',
    '/* 25.5 % of 19.99 */ const x = 1;',
    "const source = 'Code général des impôts, art. 278 (19,6 % / 20.6 %)';",
    'const format = /^\\d{9}B\\d{2}$/;',
    "const parts = text.split(/\\s+/).filter(Boolean);",
    'const label = `${country}/${date.toString()} 25.5 %`;',
    'const limit = 2 ** 52;',
    'const smaller = Math.min(a, b);',
    'const months = period.months % shortest;',
    'import { x } from "./money";',
  ])('lets %s through', (line) => {
    expect(violations(line)).toEqual([]);
  });
});

describe('kernel sources', () => {
  const sources = kernelSources();

  it('are found by the scan', () => {
    expect(sources.map(({ file }) => file)).toEqual(expect.arrayContaining(['src/money.ts', 'src/tax.ts', 'src/catalog.ts', 'src/proration.ts']));
  });

  it.each(sources.map(({ file, text }) => [file, text]))('%s does no floating-point arithmetic and reads no clock', (_file, text) => {
    expect(violations(text)).toEqual([]);
  });

  it.each(sources.map(({ file, text }) => [file, text]))('%s imports nothing but the kernel, dinero.js, Temporal and zod', (_file, text) => {
    const imported = [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((match) => match[1]);
    const requireCalls = [...text.matchAll(/\brequire\s*\(/g)];
    expect(imported.filter((specifier) => !specifier.startsWith('.') && !['dinero.js', 'temporal-polyfill', 'zod'].includes(specifier))).toEqual([]);
    expect(requireCalls).toEqual([]);
  });

  it('catalog data files hold integer amounts only', () => {
    const catalogDirectory = join(kernelRoot, 'catalog');
    for (const file of readdirSync(catalogDirectory).filter((name) => name.endsWith('.json'))) {
      const text = readFileSync(join(catalogDirectory, file), 'utf8');
      expect(text.match(/:\s*-?\d+\.\d+|\d[eE][+-]?\d/g)).toBeNull();
    }
  });
});

/** Rewrites index.ts with the current text of the default .yml files (run after editing them). */
import { readFileSync, writeFileSync } from 'node:fs';

const dir = new URL('.', import.meta.url);
const index = new URL('index.ts', dir);
const src = readFileSync(index, 'utf8');
const head = src.slice(0, src.indexOf('export const DEFAULT_RULE_FILES'));
const names = ['claude-code.rules.yml', 'ccmon.rules.yml'];
const body = names
  .map((n) => `  '${n}': ${JSON.stringify(readFileSync(new URL(n, dir), 'utf8'))},`)
  .join('\n');
const text = `${head}export const DEFAULT_RULE_FILES: Readonly<Record<string, string>> = {\n${body}\n};\n`;
// Formatted as `npm run lint` checks it: a generated file is still committed code.
const prettier = await import('prettier');
const options = (await prettier.resolveConfig(index)) ?? {};
writeFileSync(index, await prettier.format(text, { ...options, parser: 'typescript' }));

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CONFIG_SCHEMA } from '../../src/config';
import { configurationTable, defaultOf } from '../../src/ops/config-docs';
import { projectPath } from '../../src/paths';

const README = readFileSync(projectPath('README.md'), 'utf8');
const section = /<!-- configuration table: generated from CONFIG_SCHEMA -->\n([\s\S]*?)<!-- end of configuration table -->/.exec(README)?.[1] ?? '';
const rowsInReadme = new Map(
  section
    .split('\n')
    .map((line) => /^\| `([A-Z0-9_]+)` \|/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => [match[1], match.input]),
);
const generated = new Map(configurationTable().split('\n').slice(2).map((row) => [/^\| `([A-Z0-9_]+)`/.exec(row)![1], row]));

describe('the README configuration table', () => {
  it('is there, under a Configuration heading', () => {
    expect(README).toMatch(/^## Configuration$/m);
    expect(rowsInReadme.size).toBeGreaterThan(0);
  });

  it.each(Object.keys(CONFIG_SCHEMA.shape))('lists %s (regenerate with configurationTable() from src/ops/config-docs.ts)', (name) => {
    // On failure this shows the row to paste into README.md.
    expect({ name, row: rowsInReadme.get(name) ?? 'missing' }).toEqual({ name, row: expect.stringContaining(`| \`${name}\` |`) });
    expect(rowsInReadme.get(name)).toBe(generated.get(name));
  });

  it('lists no variable that src/config.ts does not have', () => {
    expect([...rowsInReadme.keys()].filter((name) => !(name in CONFIG_SCHEMA.shape))).toEqual([]);
  });
});

describe('reading defaults out of the schema', () => {
  it('shows the default as typed, through transforms and pipes, and nothing for an optional variable', () => {
    const csv = z.string().transform((value) => value.split(','));
    expect(defaultOf(z.coerce.number().default(3978))).toBe('3978');
    expect(defaultOf(csv.default('a,b'))).toBe('a,b');
    expect(defaultOf(z.enum(['true', 'false']).transform((value) => value === 'true').default('true'))).toBe('true');
    expect(defaultOf(z.string().optional())).toBeUndefined();
    expect(configurationTable({ A: z.string().default('').describe('x | y') })).toContain('| `A` | (empty) | x \\| y |');
  });
});

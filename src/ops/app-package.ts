import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import JSZip from 'jszip';
import { pngSize } from './icons';

/**
 * The Teams app package: manifest/manifest.json with its `${{VAR}}` placeholders filled in (the Agents Toolkit's
 * syntax, so infra/m365agents.yml and `mailflow-doctor package` read the same template), the two icons, zipped flat.
 * Validation runs against the JSON schema bundled in @microsoft/app-manifest: offline, no Developer Portal needed.
 */

/** Teams' own size rules for the two icons (the schema cannot check them). */
export const ICON_SIZES = { color: { width: 192, height: 192 }, outline: { width: 32, height: 32 } } as const;

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Parses a dotenv file as the Agents Toolkit writes it (`KEY=value`, `#` comments, optional quotes). */
export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.length === 0 || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2];
    const quoted = /^(["'])(.*)\1$/.exec(value);
    value = quoted ? quoted[2] : value.replace(/\s+#.*$/, '');
    values[match[1]] = value;
  }
  return values;
}

/** The placeholder names a template uses, in order of first appearance. */
export function placeholdersIn(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1]))];
}

export type Substitution = { readonly kind: 'ok'; readonly text: string } | { readonly kind: 'missing'; readonly names: readonly string[] };

/** Fills `${{NAME}}` from `variables`; values are JSON-escaped because the template is JSON. */
export function substitutePlaceholders(template: string, variables: Readonly<Record<string, string | undefined>>): Substitution {
  const missing = placeholdersIn(template).filter((name) => !variables[name]);
  if (missing.length > 0) return { kind: 'missing', names: missing };
  return { kind: 'ok', text: template.replace(PLACEHOLDER, (_all, name: string) => JSON.stringify(variables[name]).slice(1, -1)) };
}

export type AppPackageResult =
  | { readonly kind: 'built'; readonly zip: Buffer; readonly manifest: Record<string, unknown>; readonly files: readonly string[] }
  | { readonly kind: 'missing-variables'; readonly names: readonly string[] }
  | { readonly kind: 'invalid'; readonly problems: readonly string[] };

/** Checks the manifest against its schema version and the icon files against Teams' size rules. */
export async function validateAppPackage(manifest: Record<string, unknown>, icons: Readonly<Record<string, Buffer>>): Promise<string[]> {
  // Loaded on use: it pulls in ajv and every schema version, and its strip-bom dependency is ESM-only, which a CommonJS
  // test runner cannot load; nothing that merely imports the CLI should pay for either.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { AppManifestUtils } = require('@microsoft/app-manifest') as typeof import('@microsoft/app-manifest');
  const problems = await AppManifestUtils.validateAgainstSchema(manifest as never);
  const declared = (manifest.icons ?? {}) as Record<string, string>;
  for (const [kind, expected] of Object.entries(ICON_SIZES)) {
    const file = declared[kind];
    const icon = file ? icons[file] : undefined;
    const size = icon ? pngSize(icon) : undefined;
    if (!file) problems.push(`/icons/${kind} is not declared`);
    else if (!icon) problems.push(`/icons/${kind}: ${file} is not in the package`);
    else if (!size) problems.push(`/icons/${kind}: ${file} is not a PNG`);
    else if (size.width !== expected.width || size.height !== expected.height) {
      problems.push(`/icons/${kind}: ${file} is ${size.width}×${size.height}, Teams requires ${expected.width}×${expected.height}`);
    }
  }
  return problems;
}

/** Builds the zip in memory from manifest/ (or another folder with the same layout). */
export async function buildAppPackage(
  manifestDir: string,
  variables: Readonly<Record<string, string | undefined>>,
): Promise<AppPackageResult> {
  const template = await readFile(join(manifestDir, 'manifest.json'), 'utf8');
  const substituted = substitutePlaceholders(template, variables);
  if (substituted.kind === 'missing') return { kind: 'missing-variables', names: substituted.names };
  const manifest = JSON.parse(substituted.text) as Record<string, unknown>;
  const iconFiles = Object.values((manifest.icons ?? {}) as Record<string, string>);
  const icons: Record<string, Buffer> = {};
  for (const file of iconFiles) {
    // A file name with a path in it would escape manifest/ and would not work in Teams either (the package is flat).
    if (/[\\/]/.test(file)) return { kind: 'invalid', problems: [`/icons: ${file} must be a file name beside manifest.json`] };
    try {
      icons[file] = await readFile(join(manifestDir, file));
    } catch {
      // reported by validateAppPackage
    }
  }
  const problems = await validateAppPackage(manifest, icons);
  if (problems.length > 0) return { kind: 'invalid', problems };
  const zip = new JSZip();
  // Fixed dates keep the zip byte-for-byte reproducible for the same inputs.
  const date = new Date('2000-01-01T00:00:00Z');
  zip.file('manifest.json', JSON.stringify(manifest, null, 2) + '\n', { date });
  for (const [file, content] of Object.entries(icons)) zip.file(file, content, { date });
  const buffer = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
  return { kind: 'built', zip: buffer, manifest, files: ['manifest.json', ...Object.keys(icons)] };
}

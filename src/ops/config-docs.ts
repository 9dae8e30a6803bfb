import type { ZodTypeAny } from 'zod';
import { CONFIG_SCHEMA } from '../config';

/**
 * The README's configuration table, generated from CONFIG_SCHEMA so that the documentation is the code's own words.
 * Regenerate after adding a variable: `npm run build && node -e "console.log(require('./dist/src/ops/config-docs').configurationTable())"`.
 */

/** The value a variable takes when it is not set, as the person would type it; undefined when there is none. */
export function defaultOf(type: ZodTypeAny): string | undefined {
  const def = type._def as { typeName?: string; defaultValue?: () => unknown; innerType?: ZodTypeAny; schema?: ZodTypeAny; in?: ZodTypeAny };
  switch (def.typeName) {
    case 'ZodDefault': {
      const value = def.defaultValue!();
      return Array.isArray(value) ? value.join(',') : String(value);
    }
    case 'ZodOptional':
    case 'ZodNullable':
      return def.innerType ? defaultOf(def.innerType) : undefined;
    case 'ZodEffects':
      return def.schema ? defaultOf(def.schema) : undefined;
    case 'ZodPipeline':
      return def.in ? defaultOf(def.in) : undefined;
    default:
      return undefined;
  }
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function configurationTable(shape: Record<string, ZodTypeAny> = CONFIG_SCHEMA.shape): string {
  const rows = Object.entries(shape).map(([name, type]) => {
    const fallback = defaultOf(type);
    const shown = fallback === undefined ? '—' : fallback === '' ? '(empty)' : `\`${cell(fallback)}\``;
    return `| \`${name}\` | ${shown} | ${cell(type.description ?? '')} |`;
  });
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

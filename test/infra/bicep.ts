/**
 * Just enough of a Bicep reader for structural tests: there is no bicep CLI here, so the templates are checked as
 * text. It understands the forms these templates use (one declaration per line, decorators on the lines above).
 */
export interface BicepParam {
  readonly name: string;
  readonly type: string;
  readonly decorators: readonly string[];
  readonly defaultValue?: string;
}

function stripComment(line: string): string {
  // Bicep strings use single quotes; a // inside one (https://…) is not a comment.
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index];
    if (char === "'" && line[index - 1] !== '\\') quoted = !quoted;
    if (!quoted && char === '/' && line[index + 1] === '/') return line.slice(0, index);
  }
  return line;
}

export function paramsOf(text: string): BicepParam[] {
  const params: BicepParam[] = [];
  let decorators: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = stripComment(raw).trim();
    if (pending) {
      pending += ' ' + line;
      if (balanced(pending)) {
        decorators.push(pending);
        pending = '';
      }
      continue;
    }
    if (line.startsWith('@')) {
      if (balanced(line)) decorators.push(line);
      else pending = line;
      continue;
    }
    const match = /^param\s+(\w+)\s+(\w+)(?:\s*=\s*(.+))?$/.exec(line);
    if (match) params.push({ name: match[1], type: match[2], decorators, defaultValue: match[3] });
    if (line.length > 0) decorators = [];
  }
  return params;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const char of text) {
    if (char === '(' || char === '[') depth += 1;
    if (char === ')' || char === ']') depth -= 1;
  }
  return depth === 0;
}

export function outputsOf(text: string): Map<string, string> {
  const outputs = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const match = /^output\s+(\w+)\s+\w+\s*=\s*(.+)$/.exec(stripComment(raw).trim());
    if (match) outputs.set(match[1], match[2].trim());
  }
  return outputs;
}

/** The `KEY: value` entries of an object literal that starts on the line `opening` (e.g. `var appSettings = {`). */
export function objectEntries(text: string, opening: string): Map<string, string> {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim() === opening);
  if (start < 0) throw new Error(`no line "${opening}"`);
  const entries = new Map<string, string>();
  let depth = 1;
  for (const raw of lines.slice(start + 1)) {
    const line = stripComment(raw).trim();
    if (depth === 1) {
      const match = /^'?([A-Za-z_][A-Za-z0-9_]*)'?\s*:\s*(.+)$/.exec(line);
      if (match) entries.set(match[1], match[2].trim());
    }
    for (const char of line) {
      if (char === '{' || char === '[') depth += 1;
      if (char === '}' || char === ']') depth -= 1;
    }
    if (depth === 0) break;
  }
  return entries;
}

/** `module NAME 'PATH'` declarations. */
export function modulesOf(text: string): Map<string, string> {
  const modules = new Map<string, string>();
  for (const match of text.matchAll(/^module\s+(\w+)\s+'([^']+)'/gm)) modules.set(match[1], match[2]);
  return modules;
}

/** The `params: { … }` entries of one module declaration. */
export function moduleParams(text: string, module: string): Map<string, string> {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`module ${module} `));
  if (start < 0) throw new Error(`no module ${module}`);
  const paramsLine = lines.slice(start).findIndex((line) => line.trim() === 'params: {');
  return objectEntries(lines.slice(start + paramsLine).join('\n'), 'params: {');
}

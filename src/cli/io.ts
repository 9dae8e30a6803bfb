import { readFileSync } from 'node:fs';

/** A failure the user can act on: printed as one line on stderr, exit code 2. */
export class CliError extends Error {}

/** Reads FILE, or stdin when FILE is "-" or absent. */
export function readInput(file: string | undefined): string {
  try {
    return readFileSync(file === undefined || file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `cannot read ${file}: no such file` : `cannot read ${file ?? 'stdin'}: ${code ?? String(error)}`);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

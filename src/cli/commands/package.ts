import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { buildAppPackage, parseEnvFile, placeholdersIn } from '../../ops/app-package';
import { colorIcon, outlineIcon } from '../../ops/icons';
import { projectPath } from '../../paths';
import { CliError, printJson } from '../io';

interface PackageOptions {
  readonly env?: string;
  readonly out?: string;
  readonly manifestDir?: string;
  readonly writeIcons?: boolean;
}

/** `.env.dev` → `dev`: the package is named after its environment, as the Agents Toolkit names it. */
function environmentName(envFile: string): string {
  const name = basename(envFile).replace(/^\.env\.?/, '');
  return name.length > 0 ? name : 'default';
}

export function registerPackage(program: Command): void {
  program
    .command('package')
    .description('build the Teams app package (manifest + icons, zipped) and validate it offline')
    .option('--env <file>', 'dotenv file with TEAMS_APP_ID, BOT_ID, BOT_DOMAIN … (the outputs of `provision`); default infra/env/.env.local')
    .option('--out <file>', 'where to write the zip (default manifest/build/appPackage.<env>.zip)')
    .option('--manifest-dir <dir>', 'folder with manifest.json and the icons (default manifest/)')
    .option('--write-icons', 'redraw color.png and outline.png into the manifest folder first')
    .action(async (options: PackageOptions) => {
      const root = projectPath();
      const manifestDir = options.manifestDir ? resolve(options.manifestDir) : resolve(root, 'manifest');
      const envFile = options.env ? resolve(options.env) : resolve(root, 'infra', 'env', '.env.local');
      if (!existsSync(join(manifestDir, 'manifest.json'))) throw new CliError(`no manifest.json in ${manifestDir}`);
      if (!existsSync(envFile)) throw new CliError(`cannot read ${envFile}: no such file (pass --env infra/env/.env.<environment>)`);
      if (options.writeIcons) {
        writeFileSync(join(manifestDir, 'color.png'), colorIcon());
        writeFileSync(join(manifestDir, 'outline.png'), outlineIcon());
      }
      const fromFile = parseEnvFile(readFileSync(envFile, 'utf8'));
      // A variable set in the shell wins over the file, as with the Agents Toolkit (CI sets them this way).
      const names = placeholdersIn(readFileSync(join(manifestDir, 'manifest.json'), 'utf8'));
      const variables: Record<string, string | undefined> = { ...fromFile };
      for (const name of names) if (process.env[name]) variables[name] = process.env[name];

      const result = await buildAppPackage(manifestDir, variables);
      if (result.kind === 'missing-variables') {
        throw new CliError(`${result.names.join(', ')} not set in ${envFile} or the environment (run provision, or set them)`);
      }
      if (result.kind === 'invalid') throw new CliError(`the app package is not valid: ${result.problems.join('; ')}`);
      const out = resolve(options.out ?? resolve(root, 'manifest', 'build', `appPackage.${environmentName(envFile)}.zip`));
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, result.zip);
      const bot = (result.manifest.bots as { botId: string }[] | undefined)?.[0];
      printJson({
        package: out,
        manifestVersion: result.manifest.manifestVersion,
        appId: result.manifest.id,
        botId: bot?.botId ?? null,
        validDomains: result.manifest.validDomains ?? [],
        files: result.files,
        valid: true,
      });
    });
}

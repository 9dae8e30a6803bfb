import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CONFIG_SCHEMA } from '../../src/config';
import { parseEnvFile, placeholdersIn } from '../../src/ops/app-package';
import { projectPath } from '../../src/paths';
import { moduleParams, modulesOf, objectEntries, outputsOf, paramsOf } from './bicep';

const INFRA = projectPath('infra');
const read = (...parts: string[]) => readFileSync(join(INFRA, ...parts), 'utf8');
const main = read('azure.bicep');
const bicepFiles = ['azure.bicep', ...readdirSync(join(INFRA, 'modules')).filter((file) => file.endsWith('.bicep')).map((file) => `modules/${file}`)];
const CONFIG_VARIABLES = Object.keys(CONFIG_SCHEMA.shape);
const appSettings = objectEntries(main, 'var appSettings = {');
/** `// absent NAME: reason` lines in azure.bicep: variables deliberately not set in Azure, each with its reason. */
const absent = new Map([...main.matchAll(/^\/\/\s+absent (\w+): (.+)$/gm)].map((match) => [match[1], match[2].trim()]));

/** Variables whose value is a credential: in Azure they may only come from Key Vault, or not be set at all. */
const SECRET_VARIABLES = CONFIG_VARIABLES.filter((name) => /PASSWORD|SECRET|SIGNING_KEY|_PEM$|^STORAGE_CONNECTION_STRING$/.test(name));

describe('the infrastructure covers the configuration', () => {
  it.each(CONFIG_VARIABLES)('%s is an app setting or documented as intentionally absent', (name) => {
    const set = appSettings.has(name);
    const documented = absent.has(name);
    // Exactly one of the two: a variable both set and "absent" would make the documentation lie.
    expect({ name, set, documented, exactlyOne: set !== documented }).toEqual({ name, set, documented, exactlyOne: true });
    if (documented) expect(absent.get(name)!.length).toBeGreaterThan(20);
  });

  it('lists no app setting or absence for a variable src/config.ts does not have', () => {
    const platform = ['AZURE_CLIENT_ID', 'NODE_ENV', 'WEBSITE_RUN_FROM_PACKAGE', 'SCM_DO_BUILD_DURING_DEPLOYMENT'];
    expect([...appSettings.keys()].filter((name) => !CONFIG_VARIABLES.includes(name) && !platform.includes(name))).toEqual([]);
    expect([...absent.keys()].filter((name) => !CONFIG_VARIABLES.includes(name))).toEqual([]);
  });

  it('builds every app setting from a declared parameter, a module output or a literal', () => {
    const params = new Set(paramsOf(main).map((param) => param.name));
    const modules = new Set(modulesOf(main).keys());
    const variables = new Set([...main.matchAll(/^var\s+(\w+)/gm)].map((match) => match[1]));
    for (const [name, value] of appSettings) {
      // Literal text drops out, interpolations stay; what is left must name a parameter, a module or a variable.
      const code = value.replace(/'[^']*'/g, (literal) => [...literal.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]).join(' '));
      const identifiers = [...code.matchAll(/(?<![.\w])([a-zA-Z_]\w*)\b(?!\s*\()/g)].map((match) => match[1]);
      for (const identifier of identifiers) {
        if (['true', 'false', 'null'].includes(identifier)) continue;
        expect({ name, identifier, known: params.has(identifier) || modules.has(identifier) || variables.has(identifier) }).toEqual({ name, identifier, known: true });
      }
    }
  });

  it('has every parameter it declares used somewhere, and every required one in azure.parameters.json', () => {
    const parameters = JSON.parse(read('azure.parameters.json')).parameters as Record<string, unknown>;
    const declared = paramsOf(main);
    for (const param of declared) {
      const uses = main.split('\n').filter((line) => !line.trim().startsWith('param ') && new RegExp(`\\b${param.name}\\b`).test(line.replace(/\/\/.*$/, '')));
      expect({ param: param.name, used: uses.length > 0 }).toEqual({ param: param.name, used: true });
      if (param.defaultValue === undefined) expect(Object.keys(parameters)).toContain(param.name);
    }
    expect(Object.keys(parameters).filter((name) => !declared.some((param) => param.name === name))).toEqual([]);
  });

  it('passes to each module only parameters the module declares, and every one it requires', () => {
    for (const [module, path] of modulesOf(main)) {
      expect(existsSync(join(INFRA, path))).toBe(true);
      const declared = paramsOf(read(path));
      const given = moduleParams(main, module);
      expect([...given.keys()].filter((name) => !declared.some((param) => param.name === name))).toEqual([]);
      const required = declared.filter((param) => param.defaultValue === undefined).map((param) => param.name);
      expect(required.filter((name) => !given.has(name))).toEqual([]);
    }
  });

  it('fills every ${{…}} in azure.parameters.json from the environment file', () => {
    const env = parseEnvFile(read('env', '.env.dev'));
    for (const name of placeholdersIn(read('azure.parameters.json'))) expect(Object.keys(env)).toContain(name);
  });
});

describe('no secret is a plain parameter', () => {
  it('recognises the secret variables it must protect', () => {
    expect(SECRET_VARIABLES).toEqual(expect.arrayContaining(['BOT_PASSWORD', 'TENANT_CLIENT_SECRET', 'EXPORT_SIGNING_KEY', 'STORAGE_CONNECTION_STRING', 'TENANT_CERTIFICATE_PEM']));
  });

  it.each(bicepFiles)('every secret-looking parameter in %s is @secure()', (file) => {
    for (const param of paramsOf(read(file))) {
      if (!/secret|password|signingkey|token|pem$|connectionstring|apikey|accountkey/i.test(param.name)) continue;
      expect({ param: param.name, secure: param.decorators.includes('@secure()') }).toEqual({ param: param.name, secure: true });
    }
  });

  it('never outputs a @secure() parameter', () => {
    for (const file of bicepFiles) {
      const text = read(file);
      const secure = paramsOf(text).filter((param) => param.decorators.includes('@secure()')).map((param) => param.name);
      for (const [output, value] of outputsOf(text)) {
        for (const name of secure) expect({ file, output, leaks: new RegExp(`\\b${name}\\b`).test(value) }).toEqual({ file, output, leaks: false });
      }
    }
  });

  it.each(SECRET_VARIABLES)('%s reaches the app only as a Key Vault reference, or not at all', (name) => {
    const value = appSettings.get(name);
    if (value === undefined) {
      expect(absent.has(name)).toBe(true);
      return;
    }
    const reference = /^keyVault\.outputs\.(\w+)$/.exec(value);
    expect(reference).not.toBeNull();
    expect(outputsOf(read('modules/keyvault.bicep')).get(reference![1])).toMatch(/^'@Microsoft\.KeyVault\(VaultName=\$\{vault\.name\};SecretName=/);
  });

  it('gives azure.parameters.json no literal value for a secret-looking parameter', () => {
    const parameters = JSON.parse(read('azure.parameters.json')).parameters as Record<string, { value?: unknown; reference?: unknown }>;
    for (const [name, entry] of Object.entries(parameters)) {
      if (/secret|password|key$|token|pem|connectionstring/i.test(name)) expect({ name, plain: entry.value !== undefined }).toEqual({ name, plain: false });
    }
  });

  it('keeps storage keyless and Key Vault in RBAC mode, and grants the identity data roles', () => {
    const storage = read('modules/storage.bicep');
    expect(storage).toMatch(/allowSharedKeyAccess: false/);
    expect(storage).toMatch(/ba92f5b4-2d11-453d-a403-e96b0029c9fe/); // Storage Blob Data Contributor
    expect(storage).toMatch(/0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3/); // Storage Table Data Contributor
    const vault = read('modules/keyvault.bicep');
    expect(vault).toMatch(/enableRbacAuthorization: true/);
    expect(vault).toMatch(/4633458b-17de-408a-b874-0445c86b69e6/); // Key Vault Secrets User
    expect(moduleParams(main, 'storage').get('principalId')).toBe('identity.outputs.principalId');
    expect(moduleParams(main, 'keyVault').get('principalId')).toBe('identity.outputs.principalId');
    expect(read('modules/appservice.bicep')).toMatch(/keyVaultReferenceIdentity: identityResourceId/);
  });

  it('keeps secrets out of the environment files', () => {
    for (const file of readdirSync(join(INFRA, 'env'))) {
      const env = parseEnvFile(read('env', file));
      for (const [name, value] of Object.entries(env)) {
        if (/SECRET|PASSWORD|SIGNING_KEY|_PEM$|CONNECTION_STRING/.test(name)) expect({ file, name, value }).toEqual({ file, name, value: '' });
      }
    }
  });
});

describe('the hosting and the bot', () => {
  it('runs on App Service for Linux, Node 20, with the health check on /healthz', () => {
    const site = read('modules/appservice.bicep');
    expect(site).toMatch(/linuxFxVersion: 'NODE\|20-lts'/);
    expect(site).toMatch(/healthCheckPath: '\/healthz'/);
    expect(site).toMatch(/reserved: true/);
    expect(site).toMatch(/httpsOnly: true/);
    // State is in storage: no sticky sessions, so instances can be added and removed freely.
    expect(site).toMatch(/clientAffinityEnabled: false/);
  });

  it('registers a single-tenant Azure Bot whose app identity is the user-assigned managed identity, with Teams on', () => {
    const bot = read('modules/bot.bicep');
    expect(bot).toMatch(/msaAppType: 'UserAssignedMSI'/);
    expect(bot).toMatch(/msaAppId: identityClientId/);
    expect(bot).toMatch(/msaAppMSIResourceId: identityResourceId/);
    expect(bot).toMatch(/msaAppTenantId: identityTenantId/);
    expect(bot).toMatch(/channelName: 'MsTeamsChannel'/);
    expect(bot).toMatch(/endpoint: 'https:\/\/\$\{botDomain\}\/api\/messages'/);
    expect(appSettings.get('BOT_TYPE')).toBe("'UserAssignedMsi'");
  });

  it('uses one identity for the bot registration, the app\'s BOT_ID and the manifest\'s BOT_ID output', () => {
    const bot = moduleParams(main, 'bot');
    expect(bot.get('identityClientId')).toBe('identity.outputs.clientId');
    expect(bot.get('identityResourceId')).toBe('identity.outputs.id');
    expect(appSettings.get('BOT_ID')).toBe('identity.outputs.clientId');
    expect(outputsOf(main).get('BOT_ID')).toBe('identity.outputs.clientId');
  });

  it('points the bot endpoint at the same host that the BOT_DOMAIN output names', () => {
    expect(moduleParams(main, 'bot').get('botDomain')).toBe('webApp.outputs.defaultHostName');
    expect(outputsOf(main).get('BOT_DOMAIN')).toBe('webApp.outputs.defaultHostName');
    expect(outputsOf(main).get('BOT_ENDPOINT')).toBe('bot.outputs.endpoint');
  });
});

describe('the Agents Toolkit project (infra/m365agents.yml)', () => {
  const project = parseYaml(read('m365agents.yml')) as Record<string, { uses: string; with?: Record<string, any>; writeToEnvironmentFile?: Record<string, string> }[]> & { environmentFolderPath: string };
  const steps = [...project.provision, ...project.deploy, ...project.publish];

  it('is in infra/, because the repository root is fixed', () => {
    expect(existsSync(projectPath('m365agents.yml'))).toBe(false);
    expect(resolve(INFRA, project.environmentFolderPath)).toBe(join(INFRA, 'env'));
  });

  it('deploys azure.bicep with azure.parameters.json during provision', () => {
    const deploy = project.provision.find((step) => step.uses === 'arm/deploy')!;
    expect(deploy.with!.templates).toEqual([expect.objectContaining({ path: './azure.bicep', parameters: './azure.parameters.json' })]);
  });

  it('fills the manifest\'s bot id and valid domain from Bicep outputs, the app id from teamsApp/create, the rest from the env file', () => {
    const manifest = readFileSync(projectPath('manifest', 'manifest.json'), 'utf8');
    const outputs = outputsOf(main);
    const written = new Set(steps.flatMap((step) => Object.values(step.writeToEnvironmentFile ?? {})));
    const env = parseEnvFile(read('env', '.env.dev'));
    expect(outputs.has('BOT_ID')).toBe(true);
    expect(outputs.has('BOT_DOMAIN')).toBe(true);
    expect(written.has('TEAMS_APP_ID')).toBe(true);
    for (const name of placeholdersIn(manifest)) {
      const source = outputs.has(name) ? 'bicep output' : written.has(name) ? 'toolkit step' : env[name] ? 'env file' : 'nowhere';
      expect({ name, source }).not.toEqual({ name, source: 'nowhere' });
    }
    // The identity values must not be typed into the env file by hand: provision writes them.
    expect(env.BOT_ID).toBe('');
    expect(env.BOT_DOMAIN).toBe('');
  });

  it('points every file path at something that exists', () => {
    for (const step of steps) {
      for (const key of ['manifestPath', 'artifactFolder', 'ignoreFile', 'workingDirectory']) {
        const path = step.with?.[key];
        if (typeof path === 'string') expect({ key, path, exists: existsSync(resolve(INFRA, path)) }).toEqual({ key, path, exists: true });
      }
    }
    for (const step of project.provision.filter((item) => item.uses === 'teamsApp/zipAppPackage')) {
      expect(resolve(INFRA, step.with!.outputZipPath)).toMatch(/manifest\/build\/appPackage\.\$\{\{TEAMSFX_ENV\}\}\.zip$/);
    }
  });

  it('deploys the App Service that the template outputs', () => {
    const zipDeploy = project.deploy.find((step) => step.uses === 'azureAppService/zipDeploy')!;
    expect(zipDeploy.with!.resourceId).toBe('${{AZURE_APP_SERVICE_RESOURCE_ID}}');
    expect(outputsOf(main).has('AZURE_APP_SERVICE_RESOURCE_ID')).toBe(true);
  });
});

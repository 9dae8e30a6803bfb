import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { main } from '../../src/cli/main';
import { buildAppPackage, parseEnvFile, placeholdersIn, substitutePlaceholders } from '../../src/ops/app-package';
import { colorIcon, outlineIcon, pngSize } from '../../src/ops/icons';
import { projectPath } from '../../src/paths';

// The schema must come from the copy bundled in @microsoft/app-manifest: any attempt to download one fails the test.
jest.mock('@microsoft/app-manifest/build/fetchHelper', () => ({
  __esModule: true,
  default: () => Promise.reject(new Error('the manifest validator tried to use the network')),
}));

// @microsoft/app-manifest depends on strip-bom 5, which is ESM-only; jest (CommonJS) gets the same one-line function.
jest.mock('strip-bom', () => (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text));

const MANIFEST_DIR = projectPath('manifest');
const VARIABLES = {
  TEAMS_APP_ID: '5a4b8f3e-1111-4c6f-9d5e-0a1b2c3d4e5f',
  BOT_ID: '6b5c9e4f-2222-4d7a-8e6f-1b2c3d4e5f60',
  BOT_DOMAIN: 'mailflow-doctor-abc123.azurewebsites.net',
  DEVELOPER_NAME: 'Contoso IT',
  DEVELOPER_WEBSITE_URL: 'https://intranet.contoso.com/it',
  DEVELOPER_PRIVACY_URL: 'https://intranet.contoso.com/privacy',
  DEVELOPER_TERMS_URL: 'https://intranet.contoso.com/terms',
};

async function unzip(zip: Buffer): Promise<Record<string, Buffer>> {
  const archive = await JSZip.loadAsync(zip);
  const files: Record<string, Buffer> = {};
  for (const name of Object.keys(archive.files)) files[name] = await archive.file(name)!.async('nodebuffer');
  return files;
}

describe('building the Teams app package for a provisioned environment', () => {
  it('zips a manifest that validates offline against schema 1.22, with 192×192 and 32×32 icons', async () => {
    const result = await buildAppPackage(MANIFEST_DIR, VARIABLES);
    if (result.kind !== 'built') throw new Error(`not built: ${JSON.stringify(result)}`);
    const files = await unzip(result.zip);
    expect(Object.keys(files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    expect(pngSize(files['color.png'])).toEqual({ width: 192, height: 192 });
    expect(pngSize(files['outline.png'])).toEqual({ width: 32, height: 32 });
    const manifest = JSON.parse(files['manifest.json'].toString('utf8'));
    expect(Number(manifest.manifestVersion)).toBeGreaterThanOrEqual(1.22);
    expect(manifest.id).toBe(VARIABLES.TEAMS_APP_ID);
    expect(manifest.bots[0].botId).toBe(VARIABLES.BOT_ID);
    expect(manifest.validDomains).toEqual([VARIABLES.BOT_DOMAIN]);
    expect(JSON.stringify(manifest)).not.toContain('${{');
  });

  it('offers the bot in personal chats, teams and group chats, with example commands in each', async () => {
    const manifest = JSON.parse(readFileSync(join(MANIFEST_DIR, 'manifest.json'), 'utf8'));
    const [bot] = manifest.bots;
    expect(bot.scopes.sort()).toEqual(['groupChat', 'personal', 'team']);
    const [commands] = bot.commandLists;
    expect(commands.scopes.sort()).toEqual(['groupChat', 'personal', 'team']);
    const said = commands.commands.map((command: { title: string; description: string }) => `${command.title} | ${command.description}`.toLowerCase());
    for (const example of ['why did mail to', '5.7.708', 'check spf for', 'is exchange down', 'show quarantine for', 'help']) {
      expect(said.some((line: string) => line.includes(example))).toBe(true);
    }
    for (const command of commands.commands) {
      // Teams truncates longer titles and descriptions in the command menu.
      expect(command.title.length).toBeLessThanOrEqual(32);
      expect(command.description.length).toBeLessThanOrEqual(128);
    }
  });

  it('takes the app id, bot id and domain only from placeholders, never hard-coded', () => {
    const template = readFileSync(join(MANIFEST_DIR, 'manifest.json'), 'utf8');
    const manifest = JSON.parse(template);
    expect(manifest.id).toBe('${{TEAMS_APP_ID}}');
    expect(manifest.bots[0].botId).toBe('${{BOT_ID}}');
    expect(manifest.validDomains).toEqual(['${{BOT_DOMAIN}}']);
    expect(placeholdersIn(template)).toEqual(expect.arrayContaining(['TEAMS_APP_ID', 'BOT_ID', 'BOT_DOMAIN']));
  });

  it('names every variable that is missing instead of packaging a broken manifest', async () => {
    const { BOT_ID: _bot, BOT_DOMAIN: _domain, ...rest } = VARIABLES;
    expect(await buildAppPackage(MANIFEST_DIR, rest)).toEqual({ kind: 'missing-variables', names: ['BOT_ID', 'BOT_DOMAIN'] });
  });

  it('rejects a bot id that is not a GUID (the schema check is real)', async () => {
    const result = await buildAppPackage(MANIFEST_DIR, { ...VARIABLES, BOT_ID: 'not-a-guid' });
    expect(result.kind).toBe('invalid');
    expect(result.kind === 'invalid' && result.problems.join('\n')).toMatch(/botId/);
  });

  it('rejects icons of the wrong size', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'manifest-'));
    copyFileSync(join(MANIFEST_DIR, 'manifest.json'), join(folder, 'manifest.json'));
    copyFileSync(join(MANIFEST_DIR, 'color.png'), join(folder, 'color.png'));
    copyFileSync(join(MANIFEST_DIR, 'color.png'), join(folder, 'outline.png'));
    const result = await buildAppPackage(folder, VARIABLES);
    expect(result).toEqual({ kind: 'invalid', problems: ['/icons/outline: outline.png is 192×192, Teams requires 32×32'] });
  });

  it('escapes a value that would break the JSON', () => {
    const result = substitutePlaceholders('{"name": "${{DEVELOPER_NAME}}"}', { DEVELOPER_NAME: 'Contoso "IT" \\ Ops' });
    expect(result.kind === 'ok' && JSON.parse(result.text)).toEqual({ name: 'Contoso "IT" \\ Ops' });
  });
});

describe('the committed icons', () => {
  it('are exactly what the icon code draws (regenerate with `mailflow-doctor package --write-icons`)', () => {
    expect(readFileSync(join(MANIFEST_DIR, 'color.png')).equals(colorIcon())).toBe(true);
    expect(readFileSync(join(MANIFEST_DIR, 'outline.png')).equals(outlineIcon())).toBe(true);
  });

  it('has an outline icon that is white on transparent, as Teams requires', () => {
    const png = PNG.sync.read(readFileSync(join(MANIFEST_DIR, 'outline.png')));
    let opaque = 0;
    let transparent = 0;
    for (let offset = 0; offset < png.data.length; offset += 4) {
      const alpha = png.data[offset + 3];
      if (alpha > 0) expect([png.data[offset], png.data[offset + 1], png.data[offset + 2]]).toEqual([255, 255, 255]);
      if (alpha === 255) opaque += 1;
      if (alpha === 0) transparent += 1;
    }
    // A glyph, not an empty or a filled square.
    expect(opaque).toBeGreaterThan(80);
    expect(transparent).toBeGreaterThan(400);
  });

  it('has a colour icon with a full-bleed background and a white glyph', () => {
    const png = PNG.sync.read(readFileSync(join(MANIFEST_DIR, 'color.png')));
    const pixel = (x: number, y: number) => [...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 4)];
    expect(pixel(2, 2)).toEqual([0x1f, 0x6f, 0xb2, 255]);
    const white = [];
    for (let offset = 0; offset < png.data.length; offset += 4) if (png.data[offset] === 255 && png.data[offset + 2] === 255) white.push(offset);
    expect(white.length).toBeGreaterThan(2000);
  });
});

describe('mailflow-doctor package', () => {
  let stdout: string;
  let stderr: string;
  beforeEach(() => {
    stdout = '';
    stderr = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  });
  afterEach(() => jest.restoreAllMocks());

  it('reads the provisioned values from an env file and writes a valid zip', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'package-'));
    const envFile = join(folder, '.env.dev');
    writeFileSync(envFile, Object.entries(VARIABLES).map(([key, value]) => `${key}=${value}`).join('\n') + '\n# comment\n');
    const out = join(folder, 'appPackage.dev.zip');
    expect(await main(['package', '--env', envFile, '--out', out])).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ package: out, manifestVersion: '1.22', botId: VARIABLES.BOT_ID, validDomains: [VARIABLES.BOT_DOMAIN], valid: true });
    expect(Object.keys(await unzip(readFileSync(out))).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
  });

  it('says in one line which variables are missing, exit 2', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'package-'));
    const envFile = join(folder, '.env.dev');
    writeFileSync(envFile, 'TEAMS_APP_ID=5a4b8f3e-1111-4c6f-9d5e-0a1b2c3d4e5f\n');
    const out = join(folder, 'x.zip');
    const saved = { BOT_ID: process.env.BOT_ID, BOT_DOMAIN: process.env.BOT_DOMAIN };
    delete process.env.BOT_ID;
    delete process.env.BOT_DOMAIN;
    try {
      expect(await main(['package', '--env', envFile, '--out', out])).toBe(2);
    } finally {
      Object.assign(process.env, Object.fromEntries(Object.entries(saved).filter(([, value]) => value !== undefined)));
    }
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/BOT_ID, BOT_DOMAIN.*not set/);
    expect(existsSync(out)).toBe(false);
  });

  it('packages the local environment out of the box (npm run package)', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'package-')), 'local.zip');
    expect(await main(['package', '--out', out])).toBe(0);
    expect(JSON.parse(stdout).validDomains).toEqual([parseEnvFile(readFileSync(projectPath('infra', 'env', '.env.local'), 'utf8')).BOT_DOMAIN]);
  });
});

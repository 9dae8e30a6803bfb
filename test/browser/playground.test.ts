import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { projectPath } from '../../src/paths';

/**
 * The whole demo as a person sees it: the bot, the local Microsoft 365, DNS, the Agents Playground and headless
 * Chromium, all inside a network namespace that has only a loopback interface, so nothing can reach out.
 * `.ci/run` installs Debian's chromium; the namespace needs root (CI and this project's machines run as root).
 */
describe('the demo in the Microsoft 365 Agents Playground', () => {
  it('answers help, a status code, a bounce and a domain check, rendered as cards in the browser', () => {
    expect(existsSync('/usr/bin/chromium')).toBe(true);
    execFileSync(process.execPath, [projectPath('node_modules', 'typescript', 'bin', 'tsc'), '-p', projectPath('tsconfig.build.json')], { stdio: 'pipe' });
    const run = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec node dist/src/demo/main.js --check'], {
      cwd: projectPath(),
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, LOG_LEVEL: 'error', NODE_EXTRA_CA_CERTS: '' },
    });
    const report = /\{\s*"results"[\s\S]*\}\s*$/.exec(run.stdout)?.[0];
    if (!report) throw new Error(`no report from the demo check (exit ${run.status}):\n${run.stdout}\n${run.stderr}`.slice(0, 4000));
    const { results } = JSON.parse(report) as { results: { step: string; ok: boolean; detail: string }[] };
    expect(results.filter((result) => !result.ok)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(4);
    expect(run.status).toBe(0);
  }, 300_000);
});

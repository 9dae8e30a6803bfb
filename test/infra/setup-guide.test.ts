import { readFileSync } from 'node:fs';
import { projectPath } from '../../src/paths';

const guide = readFileSync(projectPath('docs', 'setup.md'), 'utf8');
const bicep = readFileSync(projectPath('infra', 'azure.bicep'), 'utf8');

describe('docs/setup.md, for the admin and the security reviewer', () => {
  it.each(['ExchangeMessageTrace.Read.All', 'ServiceHealth.Read.All', 'Domain.Read.All', 'GroupMember.Read.All', 'Mail.Send', 'Exchange.ManageAsApp'])(
    'explains what %s is for, in the permission table',
    (permission) => {
      const rows = guide.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('|') && line.includes(`\`${permission}\``));
      // Once in step 1 (what to add) and once in "What each permission is for" (what it is for, and its limits).
      expect(rows.length).toBeGreaterThanOrEqual(2);
    },
  );

  it('covers the message-trace service principal, admin consent, certificate auth, the roles, approvers and installing the package', () => {
    expect(guide).toContain('New-MgServicePrincipal -AppId 8bd644d1-64a1-4d4b-ae52-2e0cbf64e373');
    expect(guide).toMatch(/Grant admin consent/);
    expect(guide).toMatch(/az keyvault certificate create/);
    expect(guide).toMatch(/Global Reader/);
    expect(guide).toMatch(/Security Administrator/);
    expect(guide).toMatch(/New-ApplicationAccessPolicy/);
    expect(guide).toMatch(/APPROVER_GROUP_IDS/);
    expect(guide).toMatch(/ALLOWED_TENANT_IDS/);
    expect(guide).toMatch(/Upload new app/);
    expect(guide).toMatch(/## Sizing/);
  });

  it('gives the same reasons for the variables the infrastructure leaves out', () => {
    for (const [, name] of bicep.matchAll(/^\/\/\s+absent (\w+):/gm)) expect(guide).toContain(`\`${name}\``);
  });

  it('has working links inside the page', () => {
    const anchors = new Set(
      [...guide.matchAll(/^#{2,3} (.+)$/gm)].map((match) => '#' + match[1].toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')),
    );
    for (const [, anchor] of guide.matchAll(/\]\((#[^)]+)\)/g)) expect({ anchor, exists: anchors.has(anchor) }).toEqual({ anchor, exists: true });
  });
});

import { randomUUID } from 'node:crypto';
import { DIRECTORY_ROLE_IDS } from './tokens';
import type { QuarantineState, TenantState } from './state';
import { odataLink, type EmulatorRequest, type EmulatorResponse } from './wire';

type Answer = () => EmulatorResponse;
type Parameters = Readonly<Record<string, unknown>>;

/** Entra roles that let an app run Exchange cmdlets; release needs one with the quarantine-release right. */
const READ_ROLES = ['Global Administrator', 'Exchange Administrator', 'Security Administrator', 'Security Reader', 'Global Reader'];
const RELEASE_ROLES = ['Global Administrator', 'Exchange Administrator', 'Security Administrator'];

/**
 * Dispatches `POST /adminapi/beta/{tenant}/InvokeCommand` on `CmdletInput.CmdletName`, with the wire quirks of the
 * real endpoint: PascalCase rows with `@data.type` sidecars, warnings beside `value`, nextLink paging (re-POST the
 * body), `ErrId|Type|text` error details, and a 403 with an empty body for a cmdlet the caller may not run.
 */
export function handleExchange(request: EmulatorRequest): Answer {
  request.routes.push('exo.InvokeCommand');
  const input = (request.body as { CmdletInput?: { CmdletName?: unknown; Parameters?: unknown } } | undefined)?.CmdletInput;
  const cmdlet = typeof input?.CmdletName === 'string' ? input.CmdletName : '';
  if (cmdlet) request.routes.unshift(`exo.${cmdlet}`);
  const parameters = (input?.Parameters && typeof input.Parameters === 'object' ? input.Parameters : {}) as Parameters;
  const forbidden: Answer = () => ({ status: 403, body: '', raw: true });
  if (!request.claims.roles.includes('Exchange.ManageAsApp')) return forbidden;
  const wids = request.claims.wids;
  const has = (roles: readonly string[]) => roles.some((role) => wids.includes(DIRECTORY_ROLE_IDS[role]));
  if (!cmdlet) return () => cmdletError(400, 'BadRequest', 'Ex0|System.ArgumentException|CmdletInput.CmdletName is required.', request);
  const handler = CMDLETS[cmdlet];
  if (!handler) return forbidden;
  if (!has(handler.write ? RELEASE_ROLES : READ_ROLES)) return forbidden;
  return () => handler.run(request.tenant, parameters, request);
}

interface CmdletHandler {
  readonly write?: boolean;
  run(tenant: TenantState, parameters: Parameters, request: EmulatorRequest): EmulatorResponse;
}

const configRows = (name: string): CmdletHandler => ({
  run: (tenant, parameters, request) => {
    const rows = tenant.scenario.exchange[name] ?? [];
    const identity = typeof parameters.Identity === 'string' ? parameters.Identity.toLowerCase() : undefined;
    if (identity === undefined) return listAnswer(rows, request);
    const row = rows.find((item) => [item.Identity, item.Name, item.DomainName, item.Domain].some((value) => String(value ?? '').toLowerCase() === identity));
    return row ? listAnswer([row], request) : objectNotFound(String(parameters.Identity), request);
  },
});

const CMDLETS: Readonly<Record<string, CmdletHandler>> = {
  'Get-AcceptedDomain': configRows('Get-AcceptedDomain'),
  'Get-InboundConnector': configRows('Get-InboundConnector'),
  'Get-OutboundConnector': configRows('Get-OutboundConnector'),
  'Get-TransportRule': configRows('Get-TransportRule'),
  'Get-DkimSigningConfig': configRows('Get-DkimSigningConfig'),
  'Get-RemoteDomain': configRows('Get-RemoteDomain'),
  'Get-Recipient': { run: getRecipient },
  'Get-QuarantineMessage': { run: getQuarantineMessage },
  'Get-QuarantineMessageHeader': { run: getQuarantineMessageHeader },
  'Release-QuarantineMessage': { write: true, run: releaseQuarantineMessage },
  'Get-MessageTraceV2': { run: getMessageTraceV2 },
  'Get-MessageTraceDetailV2': { run: getMessageTraceDetailV2 },
};

function envelope(request: EmulatorRequest, value: unknown[], warnings: string[] = [], nextLink?: string): EmulatorResponse {
  const body: Record<string, unknown> = {
    '@odata.context': `${request.baseUrl}/adminapi/beta/${request.tenant.id}/$metadata#Collection(Exchange.GenericHashTable)`,
    'adminapi.warnings@odata.type': '#Collection(String)',
    '@adminapi.warnings': warnings,
  };
  if (nextLink) body['@odata.nextLink'] = nextLink;
  body.value = value;
  return { status: 200, body, headers: { 'Rate-Limit-Limit': '30000', 'Rate-Limit-Remaining': '29990', 'X-Exchangeversion': 'Version 15.20 (Build 9999.0) emulator' } };
}

/** Rows beyond `Prefer: odata.maxpagesize` continue at an @odata.nextLink the client re-POSTs with the same body. */
function listAnswer(rows: readonly unknown[], request: EmulatorRequest): EmulatorResponse {
  const pageSize = Number(/odata\.maxpagesize=(\d+)/.exec(String(request.headers.prefer ?? ''))?.[1] ?? 1000);
  const skip = Number(Buffer.from(request.url.searchParams.get('$skiptoken') ?? '', 'base64url').toString('utf8') || '0');
  const page = rows.slice(skip, skip + pageSize);
  let next: string | undefined;
  if (skip + pageSize < rows.length) {
    const url = new URL(request.url.toString());
    url.searchParams.set('$skiptoken', Buffer.from(String(skip + pageSize)).toString('base64url'));
    next = odataLink(url);
  }
  return envelope(request, [...page], [], next);
}

function cmdletError(status: number, code: string, detail: string, request: EmulatorRequest): EmulatorResponse {
  return {
    status,
    body: {
      error: {
        code,
        message: 'Error executing cmdlet',
        details: [{ code: 'Client', target: '', message: detail }],
        innererror: {
          message: 'Error executing cmdlet',
          type: 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException',
          internalexception: {
            message: "Exception of type 'Microsoft.Exchange.Management.PSDirectInvoke.DirectInvokeCmdletExecutionException' was thrown.",
            type: 'Microsoft.Exchange.Management.PSDirectInvoke.DirectInvokeCmdletExecutionException',
          },
        },
      },
      'adminapi.warnings@odata.type': '#Collection(String)',
      '@adminapi.warnings': [],
    },
    headers: { 'x-emulator-tenant': request.tenant.id },
  };
}

function objectNotFound(identity: string, request: EmulatorRequest): EmulatorResponse {
  return cmdletError(404, 'NotFound', `Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't be performed because object '${identity}' couldn't be found on 'EMULATOR01A001DC001.PROD.OUTLOOK.COM'.`, request);
}

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',').map((item) => item.trim()) : []);
const lower = (items: readonly string[]) => items.map((item) => item.toLowerCase());

function getRecipient(tenant: TenantState, parameters: Parameters, request: EmulatorRequest): EmulatorResponse {
  const rows = [
    ...tenant.scenario.users.map((user) => ({
      Name: user.displayName, DisplayName: user.displayName, Alias: (user.mail ?? user.userPrincipalName).split('@')[0],
      PrimarySmtpAddress: user.mail ?? user.userPrincipalName,
      'EmailAddresses@odata.type': '#Collection(String)',
      EmailAddresses: user.proxyAddresses.length > 0 ? user.proxyAddresses : [`SMTP:${user.mail ?? user.userPrincipalName}`],
      RecipientType: user.recipientType === 'MailUser' ? 'MailUser' : 'UserMailbox',
      RecipientTypeDetails: user.recipientType,
      'ExternalDirectoryObjectId': user.id, Identity: user.displayName, Guid: user.id,
    })),
    ...tenant.scenario.groups.map((group) => ({
      Name: group.displayName, DisplayName: group.displayName, Alias: group.displayName.replace(/\W+/g, ''),
      PrimarySmtpAddress: '', 'EmailAddresses@odata.type': '#Collection(String)', EmailAddresses: [],
      RecipientType: 'MailUniversalSecurityGroup', RecipientTypeDetails: 'MailUniversalSecurityGroup',
      ExternalDirectoryObjectId: group.id, Identity: group.displayName, Guid: group.id,
    })),
  ];
  const identity = typeof parameters.Identity === 'string' ? parameters.Identity.toLowerCase() : undefined;
  if (identity === undefined) return listAnswer(rows, request);
  const row = rows.find((item) =>
    [item.Name, item.Alias, item.PrimarySmtpAddress, item.Guid].some((value) => String(value).toLowerCase() === identity) ||
    item.EmailAddresses.some((address) => address.toLowerCase().replace(/^smtp:/, '') === identity.replace(/^smtp:/, '')),
  );
  return row ? listAnswer([row], request) : objectNotFound(String(parameters.Identity), request);
}

function quarantineRow(tenant: TenantState, item: QuarantineState, appId: string) {
  const record = item.record;
  return {
    Identity: record.identity,
    'ReceivedTime@data.type': 'System.DateTime', ReceivedTime: item.receivedTime,
    Organization: tenant.id,
    MessageId: record.messageId,
    SenderAddress: record.sender,
    'RecipientAddress@odata.type': '#Collection(String)', RecipientAddress: record.recipients,
    Subject: record.subject,
    'Size@data.type': 'System.Int32', Size: record.size,
    Type: record.type,
    PolicyType: record.policyType,
    PolicyName: record.policyName,
    TagName: record.tagName,
    PermissionToBlockSender: false, PermissionToDelete: true, PermissionToPreview: true,
    PermissionToRelease: true, PermissionToRequestRelease: false, PermissionToViewHeader: false,
    PermissionToDownload: true, PermissionToAllowSender: true,
    Released: item.releaseStatus === 'RELEASED', ReleaseStatus: item.releaseStatus, SystemReleased: false,
    'RecipientCount@data.type': 'System.Int32', RecipientCount: record.recipients.length,
    QuarantineTypes: record.quarantineTypes,
    'Expires@data.type': 'System.DateTime', Expires: item.expires,
    'RecipientTag@odata.type': '#Collection(String)', RecipientTag: [],
    DeletedForRecipients: [], QuarantinedUser: [], ReleasedUser: [...item.releasedUsers], ReleasedBy: [...item.releasedBy],
    Reported: false, Direction: record.direction, CustomData: null, EntityType: 'Email',
    SourceId: '', TeamsConversationType: '', ApprovalUPN: '', ApprovalId: '',
    MoveToQuarantineAdminActionTakenBy: '', MoveToQuarantineApprovalId: '',
    OverrideReasonIntValue: 0, OverrideReason: 'None', ReleasedCount: item.releasedUsers.length,
    _appId: appId,
  };
}

function getQuarantineMessage(tenant: TenantState, parameters: Parameters, request: EmulatorRequest): EmulatorResponse {
  const identity = typeof parameters.Identity === 'string' ? parameters.Identity : undefined;
  const page = Number(parameters.Page ?? 1);
  const pageSize = Number(parameters.PageSize ?? 100);
  if (!Number.isInteger(page) || page < 1 || page > 1000 || !Number.isInteger(pageSize) || pageSize < 0 || pageSize > 1000) {
    return cmdletError(400, 'BadRequest', 'Ex2A1B3C|System.Management.Automation.ParameterBindingException|Page must be 1-1000 and PageSize 1-1000.', request);
  }
  const strip = ({ _appId, ...row }: ReturnType<typeof quarantineRow>) => row;
  if (identity !== undefined) {
    const item = tenant.quarantine.find((entry) => entry.record.identity.toLowerCase() === identity.toLowerCase());
    return item ? envelope(request, [strip(quarantineRow(tenant, item, request.claims.appid))]) : objectNotFound(identity, request);
  }
  const recipients = lower(list(parameters.RecipientAddress));
  const senders = lower(list(parameters.SenderAddress));
  const types = lower(list(parameters.QuarantineTypes));
  const statuses = lower(list(parameters.ReleaseStatus));
  const start = typeof parameters.StartReceivedDate === 'string' ? Date.parse(parameters.StartReceivedDate) : Number.NEGATIVE_INFINITY;
  const end = typeof parameters.EndReceivedDate === 'string' ? Date.parse(parameters.EndReceivedDate) : Number.POSITIVE_INFINITY;
  const rows = tenant.quarantine
    .filter((item) => recipients.length === 0 || item.record.recipients.some((r) => recipients.includes(r.toLowerCase())))
    .filter((item) => senders.length === 0 || senders.includes(item.record.sender.toLowerCase()))
    .filter((item) => types.length === 0 || types.includes(item.record.quarantineTypes.toLowerCase()))
    .filter((item) => statuses.length === 0 || statuses.includes(item.releaseStatus.toLowerCase()))
    .filter((item) => typeof parameters.MessageId !== 'string' || item.record.messageId.toLowerCase() === parameters.MessageId.toLowerCase())
    .filter((item) => typeof parameters.Direction !== 'string' || item.record.direction.toLowerCase() === parameters.Direction.toLowerCase())
    .filter((item) => typeof parameters.Subject !== 'string' || item.record.subject.toLowerCase().includes(parameters.Subject.toLowerCase()))
    .filter((item) => Date.parse(item.receivedTime) >= start && Date.parse(item.receivedTime) <= end)
    .sort((a, b) => b.receivedTime.localeCompare(a.receivedTime));
  // Quarantine pages with Page/PageSize, not nextLink: a short page is the last.
  return envelope(request, rows.slice((page - 1) * pageSize, page * pageSize).map((item) => strip(quarantineRow(tenant, item, request.claims.appid))));
}

function getQuarantineMessageHeader(tenant: TenantState, parameters: Parameters, request: EmulatorRequest): EmulatorResponse {
  const identity = String(parameters.Identity ?? '');
  const item = tenant.quarantine.find((entry) => entry.record.identity.toLowerCase() === identity.toLowerCase());
  if (!item) return objectNotFound(identity, request);
  return envelope(request, [{ Identity: item.record.identity, Header: item.record.header }]);
}

function releaseQuarantineMessage(tenant: TenantState, parameters: Parameters, request: EmulatorRequest): EmulatorResponse {
  const identities = list(parameters.Identities).length > 0 ? list(parameters.Identities) : [String(parameters.Identity ?? '')];
  const users = list(parameters.User);
  const releaseToAll = parameters.ReleaseToAll === true;
  if (releaseToAll && users.length > 0) {
    return cmdletError(400, 'BadRequest', 'Ex9A8B7C|System.Management.Automation.ParameterBindingException|Parameter set cannot be resolved using the specified named parameters (ReleaseToAll and User).', request);
  }
  const warnings: string[] = [];
  for (const identity of identities) {
    const item = tenant.quarantine.find((entry) => entry.record.identity.toLowerCase() === identity.toLowerCase());
    if (!item) return objectNotFound(identity, request);
    item.releaseCalls += 1;
    const targets = releaseToAll || users.length === 0 ? item.record.recipients : users;
    const fresh = targets.filter((target) => !item.releasedUsers.some((done) => done.toLowerCase() === target.toLowerCase()));
    if (fresh.length === 0 && parameters.Force !== true) {
      warnings.push(`The message ${identity} has already been released to the specified recipients.`);
      continue;
    }
    item.releasedUsers.push(...fresh);
    item.releasedBy.push(request.claims.appid);
    item.releaseStatus = 'RELEASED';
  }
  return envelope(request, [], warnings);
}

function getMessageTraceV2(tenant: TenantState, parameters: Parameters, request: EmulatorRequest): EmulatorResponse {
  const senders = lower(list(parameters.SenderAddress));
  const recipients = lower(list(parameters.RecipientAddress));
  const now = request.now.getTime();
  const start = typeof parameters.StartDate === 'string' ? Date.parse(parameters.StartDate) : now - 48 * 3600_000;
  const end = typeof parameters.EndDate === 'string' ? Date.parse(parameters.EndDate) : now;
  if (end - start > 10 * 24 * 3600_000) {
    return cmdletError(400, 'BadRequest', 'Ex7E6D5C|Microsoft.Exchange.Management.FfoReporting.Common.InvalidTimeRangeException|The time range between StartDate and EndDate cannot be greater than 10 days.', request);
  }
  const rows = tenant.traces
    .filter((row) => row.visibleFrom <= now)
    .filter((row) => senders.length === 0 || senders.includes(row.senderAddress.toLowerCase()))
    .filter((row) => recipients.length === 0 || recipients.includes(row.recipientAddress.toLowerCase()))
    .filter((row) => typeof parameters.MessageId !== 'string' || row.messageId === parameters.MessageId)
    .filter((row) => Date.parse(row.receivedDateTime) >= start && Date.parse(row.receivedDateTime) <= end)
    .map((row) => ({
      'Received@data.type': 'System.DateTime', Received: row.receivedDateTime.replace('Z', '.0000000+00:00'),
      SenderAddress: row.senderAddress, RecipientAddress: row.recipientAddress, Subject: row.subject,
      Status: row.status.charAt(0).toUpperCase() + row.status.slice(1), ToIP: row.toIP || null, FromIP: row.fromIP,
      'Size@data.type': 'System.Int32', Size: row.size, MessageId: row.messageId,
      'MessageTraceId@odata.type': '#Guid', MessageTraceId: row.id,
    }));
  return envelope(request, rows);
}

function getMessageTraceDetailV2(tenant: TenantState, parameters: Parameters, request: EmulatorRequest): EmulatorResponse {
  const id = String(parameters.MessageTraceId ?? '');
  const recipient = String(parameters.RecipientAddress ?? '');
  const rows = tenant.details.get(`${id.toLowerCase()}|${recipient.toLowerCase()}`) ?? [];
  return envelope(request, rows.map((row) => ({
    'Date@data.type': 'System.DateTime', Date: row.dateTime.replace('Z', '.0000000+00:00'), Event: row.event, Action: row.action,
    Detail: row.description, Data: row.data, MessageId: row.messageId, MessageTraceId: row.id, 'Identity': randomUUID(),
  })));
}

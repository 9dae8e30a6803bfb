import { failed, notFound, ok, type Result } from '../../model/result';
import type { AccessTokens } from './auth';
import type { TenantFailure } from './failures';
import { parseJson, type HttpResponse, type TenantHttp } from './http';
import type {
  AcceptedDomain,
  DkimSigningConfig,
  ExchangeRecipient,
  InboundConnector,
  OutboundConnector,
  QuarantinedMessage,
  QuarantineFilter,
  ReleaseOptions,
  ReleaseOutcome,
  RemoteDomain,
  TransportRule,
} from './types';

type Row = Readonly<Record<string, unknown>>;

/** Entra role template ids (the token's `wids`), to tell which role a 403 is missing. */
const ROLE_IDS = {
  exchangeAdministrator: '29232cdf-9323-42fd-ade2-1d097af3e4de',
  securityAdministrator: '194ae4cb-b126-40b2-bd5b-6091b380977d',
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
};
const WRITE_CMDLETS = new Set(['Release-QuarantineMessage']);

export interface ExchangeClientOptions {
  readonly endpoint: string;
  readonly tenantId: string;
  readonly http: TenantHttp;
  readonly tokens: AccessTokens;
}

/** The rows a cmdlet returned, and Exchange's warnings (e.g. "already released"). */
export interface CmdletOutput {
  readonly rows: readonly Row[];
  readonly warnings: readonly string[];
}

/**
 * The Exchange Online admin API for one tenant: `POST /adminapi/beta/{tenant}/InvokeCommand` with a CmdletInput body
 * and the app-only X-AnchorMailbox header; nextLink pages are fetched by re-POSTing the same body.
 */
export class ExchangeAdminClient {
  constructor(private readonly options: ExchangeClientOptions) {}

  /** Runs one cmdlet. `notFound` when Exchange says the object does not exist (ManagementObjectNotFoundException). */
  async invokeCommand(cmdlet: string, parameters: Readonly<Record<string, unknown>> = {}, maxPages = 20): Promise<Result<CmdletOutput, TenantFailure>> {
    const body = { CmdletInput: { CmdletName: cmdlet, Parameters: parameters } };
    const rows: Row[] = [];
    const warnings: string[] = [];
    let url: string | null = `${this.options.endpoint}/adminapi/beta/${encodeURIComponent(this.options.tenantId)}/InvokeCommand`;
    for (let page = 0; url && page < maxPages; page++) {
      const response = await this.options.http.send({
        api: 'exchange',
        endpoint: `exo.${cmdlet}`,
        method: 'POST',
        url,
        body,
        idempotent: !WRITE_CMDLETS.has(cmdlet),
        headers: {
          // App-only calls anchor on the tenant's system mailbox (what the EXO V3 module and CIPP send).
          'X-AnchorMailbox': `APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@${this.options.tenantId}`,
          Prefer: 'odata.maxpagesize=1000',
          'X-CmdletName': cmdlet,
          'X-ResponseFormat': 'json',
        },
      });
      if (response.kind !== 'ok') return response;
      const status = response.value.status;
      if (status < 200 || status >= 300) return this.cmdletFailure(cmdlet, response.value);
      const parsed = parseJson(response.value, 'exchange');
      if (parsed.kind !== 'ok') return parsed;
      const json = (parsed.value ?? {}) as { value?: unknown; '@adminapi.warnings'?: unknown; '@odata.nextLink'?: unknown };
      if (json.value !== undefined && !Array.isArray(json.value)) return failed({ kind: 'bad-response', api: 'exchange', detail: `${cmdlet}: value is not an array` });
      rows.push(...((json.value as Row[] | undefined) ?? []));
      if (Array.isArray(json['@adminapi.warnings'])) warnings.push(...json['@adminapi.warnings'].map(String));
      url = typeof json['@odata.nextLink'] === 'string' ? json['@odata.nextLink'] : null;
    }
    return ok({ rows, warnings });
  }

  /** Quarantined messages matching the filter, newest first; pages with Page/PageSize until a short page. */
  async listQuarantine(filter: QuarantineFilter = {}): Promise<Result<readonly QuarantinedMessage[], TenantFailure>> {
    const pageSize = filter.pageSize ?? 100;
    const maxPages = filter.maxPages ?? 10;
    const parameters: Record<string, unknown> = { PageSize: pageSize };
    if (filter.recipientAddress?.length) parameters.RecipientAddress = [...filter.recipientAddress];
    if (filter.senderAddress?.length) parameters.SenderAddress = [...filter.senderAddress];
    if (filter.messageId) parameters.MessageId = filter.messageId;
    if (filter.quarantineTypes?.length) parameters.QuarantineTypes = [...filter.quarantineTypes];
    if (filter.releaseStatus?.length) parameters.ReleaseStatus = [...filter.releaseStatus];
    if (filter.startReceivedDate) parameters.StartReceivedDate = new Date(filter.startReceivedDate).toISOString();
    if (filter.endReceivedDate) parameters.EndReceivedDate = new Date(filter.endReceivedDate).toISOString();
    if (filter.direction) parameters.Direction = filter.direction;
    if (filter.subject) parameters.Subject = filter.subject;
    const messages: QuarantinedMessage[] = [];
    for (let page = 1; page <= maxPages; page++) {
      const output = await this.invokeCommand('Get-QuarantineMessage', { ...parameters, Page: page });
      if (output.kind !== 'ok') return output.kind === 'notFound' ? ok(messages) : output;
      messages.push(...output.value.rows.map(toQuarantined));
      if (output.value.rows.length < pageSize) break;
    }
    return ok(messages);
  }

  /** One quarantined message by identity (`GUID\GUID`); notFound when there is none. */
  async getQuarantineMessage(identity: string): Promise<Result<QuarantinedMessage, TenantFailure>> {
    const output = await this.invokeCommand('Get-QuarantineMessage', { Identity: identity });
    if (output.kind !== 'ok') return output;
    const row = output.value.rows[0];
    return row ? ok(toQuarantined(row)) : notFound();
  }

  /** The quarantined message's raw header block (for the header analyzer). */
  async quarantineHeader(identity: string): Promise<Result<string, TenantFailure>> {
    const output = await this.invokeCommand('Get-QuarantineMessageHeader', { Identity: identity });
    if (output.kind !== 'ok') return output;
    const header = output.value.rows[0]?.Header;
    return typeof header === 'string' ? ok(header) : notFound();
  }

  /**
   * Releases a quarantined message (to all its recipients, or to `users`), then reads it back: the cmdlet itself
   * returns nothing, so the status shown is the one Exchange reports afterwards. Never retried on 5xx or timeouts.
   */
  async releaseQuarantineMessage(identity: string, options: ReleaseOptions = {}): Promise<Result<ReleaseOutcome, TenantFailure>> {
    const parameters: Record<string, unknown> = { Identity: identity };
    if (options.users?.length) parameters.User = [...options.users];
    else parameters.ReleaseToAll = true;
    if (options.allowSender) parameters.AllowSender = true;
    if (options.reportFalsePositive) parameters.ReportFalsePositive = true;
    if (options.force) parameters.Force = true;
    const released = await this.invokeCommand('Release-QuarantineMessage', parameters);
    if (released.kind !== 'ok') return released;
    const after = await this.getQuarantineMessage(identity);
    if (after.kind === 'failed') return after;
    return ok({
      identity,
      releaseStatus: after.kind === 'ok' ? after.value.releaseStatus : 'UNKNOWN',
      releasedUsers: after.kind === 'ok' ? after.value.releasedUsers : [],
      warnings: released.value.warnings,
    });
  }

  async inboundConnectors(): Promise<Result<readonly InboundConnector[], TenantFailure>> {
    return this.rows('Get-InboundConnector', (row) => ({
      name: str(row.Name), enabled: row.Enabled === true, connectorType: str(row.ConnectorType), connectorSource: str(row.ConnectorSource),
      senderDomains: strings(row.SenderDomains), senderIPAddresses: strings(row.SenderIPAddresses),
      restrictDomainsToIPAddresses: row.RestrictDomainsToIPAddresses === true, restrictDomainsToCertificate: row.RestrictDomainsToCertificate === true,
      requireTls: row.RequireTls === true, tlsSenderCertificateName: optionalStr(row.TlsSenderCertificateName), comment: str(row.Comment), raw: row,
    }));
  }

  async outboundConnectors(): Promise<Result<readonly OutboundConnector[], TenantFailure>> {
    return this.rows('Get-OutboundConnector', (row) => ({
      name: str(row.Name), enabled: row.Enabled === true, connectorType: str(row.ConnectorType), recipientDomains: strings(row.RecipientDomains),
      smartHosts: strings(row.SmartHosts), useMXRecord: row.UseMXRecord === true, tlsSettings: optionalStr(row.TlsSettings), tlsDomain: optionalStr(row.TlsDomain),
      isTransportRuleScoped: row.IsTransportRuleScoped === true, routeAllMessagesViaOnPremises: row.RouteAllMessagesViaOnPremises === true,
      isValidated: row.IsValidated === true, lastValidationTimestamp: optionalStr(row.LastValidationTimestamp), comment: str(row.Comment), raw: row,
    }));
  }

  /** Mail flow rules in priority order (0 runs first). */
  async transportRules(): Promise<Result<readonly TransportRule[], TenantFailure>> {
    const rules = await this.rows('Get-TransportRule', (row) => ({
      name: str(row.Name), guid: str(row.Guid), priority: Number(row.Priority ?? 0), state: str(row.State), mode: str(row.Mode), description: str(row.Description),
      rejectMessageReasonText: optionalStr(row.RejectMessageReasonText), rejectMessageEnhancedStatusCode: optionalStr(row.RejectMessageEnhancedStatusCode),
      quarantine: row.Quarantine === true, deleteMessage: row.DeleteMessage === true, redirectMessageTo: strings(row.RedirectMessageTo),
      setScl: typeof row.SetSCL === 'number' ? row.SetSCL : null, raw: row,
    }));
    return rules.kind === 'ok' ? ok([...rules.value].sort((a, b) => a.priority - b.priority)) : rules;
  }

  async acceptedDomains(): Promise<Result<readonly AcceptedDomain[], TenantFailure>> {
    return this.rows('Get-AcceptedDomain', (row) => ({
      name: str(row.Name), domainName: str(row.DomainName), domainType: str(row.DomainType), isDefault: row.Default === true,
      isInitial: row.InitialDomain === true, matchSubDomains: row.MatchSubDomains === true, raw: row,
    }));
  }

  async dkimSigningConfigs(): Promise<Result<readonly DkimSigningConfig[], TenantFailure>> {
    return this.rows('Get-DkimSigningConfig', (row) => ({
      domain: str(row.Domain), enabled: row.Enabled === true, status: str(row.Status), selector1CNAME: str(row.Selector1CNAME), selector2CNAME: str(row.Selector2CNAME),
      keySize: typeof row.Selector1KeySize === 'number' ? row.Selector1KeySize : null, isValid: row.IsValid === true, raw: row,
    }));
  }

  async remoteDomains(): Promise<Result<readonly RemoteDomain[], TenantFailure>> {
    return this.rows('Get-RemoteDomain', (row) => ({
      name: str(row.Name), domainName: str(row.DomainName), autoForwardEnabled: row.AutoForwardEnabled === true,
      autoReplyEnabled: row.AutoReplyEnabled === true, ndrEnabled: row.NDREnabled !== false, raw: row,
    }));
  }

  /** The recipient holding this address (mailbox, shared mailbox, mail user, group); notFound when none does. */
  async getRecipient(address: string): Promise<Result<ExchangeRecipient, TenantFailure>> {
    const output = await this.invokeCommand('Get-Recipient', { Identity: address });
    if (output.kind !== 'ok') return output;
    const row = output.value.rows[0];
    return row ? ok(toRecipient(row)) : notFound();
  }

  /** Every recipient (for nearest-address suggestions), following nextLink. */
  async listRecipients(): Promise<Result<readonly ExchangeRecipient[], TenantFailure>> {
    return this.rows('Get-Recipient', toRecipient, { ResultSize: 'Unlimited' });
  }

  private async rows<T>(cmdlet: string, map: (row: Row) => T, parameters: Record<string, unknown> = {}): Promise<Result<readonly T[], TenantFailure>> {
    const output = await this.invokeCommand(cmdlet, parameters);
    if (output.kind === 'notFound') return ok([]);
    if (output.kind !== 'ok') return output;
    return ok(output.value.rows.map(map));
  }

  private cmdletFailure(cmdlet: string, response: HttpResponse): Result<never, TenantFailure> {
    if (response.status === 401) {
      this.options.tokens.invalidate('exchange');
      return failed({ kind: 'unauthorized', api: 'exchange', detail: 'the Exchange admin API refused the token' });
    }
    if (response.status === 403) {
      // InvokeCommand answers 403 with an empty body for a cmdlet the app may not run: the token says which grant is missing.
      const claims = this.options.tokens.claims('exchange');
      const write = WRITE_CMDLETS.has(cmdlet);
      const missing =
        claims && !claims.roles.includes('Exchange.ManageAsApp')
          ? 'the Office 365 Exchange Online application permission Exchange.ManageAsApp'
          : write
            ? 'a role that may release quarantine (Security Administrator or Exchange Administrator; Security Reader can only list)'
            : claims && [ROLE_IDS.exchangeAdministrator, ROLE_IDS.globalAdministrator, ROLE_IDS.securityAdministrator].some((id) => claims.wids.includes(id))
              ? `an Exchange role that includes ${cmdlet}`
              : 'an Exchange role for the app (Exchange Administrator, or Global Reader / Security Reader to read)';
      return failed({ kind: 'forbidden', api: 'exchange', operation: `run ${cmdlet}`, missing, detail: response.text.trim() || '403 with an empty body' });
    }
    const parsed = parseJson(response, 'exchange');
    const error = parsed.kind === 'ok' ? (parsed.value as { error?: { message?: unknown; details?: { message?: unknown }[]; innererror?: { internalexception?: { message?: unknown } } } })?.error : undefined;
    const detailText = String(error?.details?.[0]?.message ?? error?.innererror?.internalexception?.message ?? error?.message ?? response.text.slice(0, 200));
    const [errorId, exception, ...text] = detailText.includes('|') ? detailText.split('|') : ['', '', detailText];
    if (/ManagementObjectNotFoundException/.test(exception ?? '') || response.status === 404) return notFound();
    return failed({ kind: 'cmdlet', cmdlet, status: response.status, errorId: errorId ?? '', exception: exception ?? '', detail: text.join('|') || detailText });
  }
}

const str = (value: unknown): string => (typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value));
const optionalStr = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === 'string' && value ? [value] : []);

function toQuarantined(row: Row): QuarantinedMessage {
  return {
    identity: str(row.Identity), receivedTime: str(row.ReceivedTime), messageId: str(row.MessageId), senderAddress: str(row.SenderAddress),
    recipientAddress: strings(row.RecipientAddress), subject: str(row.Subject), size: Number(row.Size ?? 0), type: str(row.Type),
    quarantineTypes: str(row.QuarantineTypes), policyType: str(row.PolicyType), policyName: str(row.PolicyName), tagName: str(row.TagName),
    releaseStatus: str(row.ReleaseStatus).toUpperCase(), released: row.Released === true, releasedUsers: strings(row.ReleasedUser),
    expires: str(row.Expires), direction: str(row.Direction), permissionToRelease: row.PermissionToRelease === true, raw: row,
  };
}

function toRecipient(row: Row): ExchangeRecipient {
  return {
    name: str(row.Name), displayName: str(row.DisplayName), primarySmtpAddress: str(row.PrimarySmtpAddress),
    addresses: strings(row.EmailAddresses).filter((address) => /^smtp:/i.test(address)).map((address) => address.slice(5).toLowerCase()),
    recipientType: str(row.RecipientType), recipientTypeDetails: str(row.RecipientTypeDetails), raw: row,
  };
}

import { failed, notFound, ok, type Result } from '../../model/result';
import type { AccessTokens } from './auth';
import type { TenantFailure } from './failures';
import { parseJson, type HttpResponse, type TenantHttp } from './http';
import type { TraceGate } from './trace-gate';
import {
  TRACE_STATUSES,
  type DirectoryUser,
  type DomainDnsRecord,
  type MessageTrace,
  type MessageTraceEvent,
  type ServiceHealth,
  type ServiceHealthIssue,
  type TenantDomain,
  type TraceList,
  type TraceQuery,
  type TraceStatus,
} from './types';

/** Microsoft's message-trace app; a 403 naming it means its service principal is missing in the tenant. */
const MESSAGE_TRACE_APP_ID = '8bd644d1-64a1-4d4b-ae52-2e0cbf64e373';

/** Each Graph operation, its circuit and the least-privileged application permission it needs (for 403 advice). */
const OPERATIONS = {
  messageTraces: { endpoint: 'graph.messageTraces', permission: 'ExchangeMessageTrace.Read.All', action: 'read message trace' },
  traceDetails: { endpoint: 'graph.traceDetails', permission: 'ExchangeMessageTrace.Read.All', action: 'read message trace details' },
  serviceHealth: { endpoint: 'graph.serviceHealth', permission: 'ServiceHealth.Read.All', action: 'read service health' },
  domains: { endpoint: 'graph.domains', permission: 'Domain.Read.All', action: "read the tenant's domains" },
  users: { endpoint: 'graph.users', permission: 'User.Read.All', action: 'look up recipients' },
  groupMembers: { endpoint: 'graph.groupMembers', permission: 'GroupMember.Read.All', action: 'read group membership' },
  sendMail: { endpoint: 'graph.sendMail', permission: 'Mail.Send', action: 'send test messages' },
} as const;
type Operation = keyof typeof OPERATIONS;

const DAY_MS = 24 * 3600_000;

/** Words in a health issue's feature that make it about mail flow, as Microsoft names those features. */
const MAIL_FLOW_FEATURES = [/mail ?flow/i, /e-?mail timely delivery/i, /deliver/i, /sending|receiving/i, /\bndr\b|non-delivery/i, /connector/i];

export interface GraphClientOptions {
  readonly endpoint: string;
  readonly http: TenantHttp;
  readonly tokens: AccessTokens;
  readonly traceGate: TraceGate;
  readonly now?: () => Date;
}

/** Microsoft Graph for one tenant: message trace, service health, domains, users and groups, sendMail. */
export class GraphClient {
  private readonly now: () => Date;
  private healthInFlight: Promise<Result<ServiceHealth, TenantFailure>> | null = null;

  constructor(private readonly options: GraphClientOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Message trace rows matching the query, following @odata.nextLink. Graph keeps one value per property and ignores
   * `or`, so ask once per address. Identical concurrent queries share one request; answers are reused for 60 s.
   */
  async traceMessages(query: TraceQuery): Promise<Result<TraceList, TenantFailure>> {
    const window = traceWindow(query.window, this.now());
    if ('problem' in window) return failed({ kind: 'window', detail: window.problem });
    const pageSize = query.pageSize ?? 1000;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 5000) return failed({ kind: 'window', detail: 'page size must be 1 to 5000' });
    const maxRows = query.maxRows ?? 5000;
    const clauses = [`receivedDateTime ge ${window.start}`, `receivedDateTime le ${window.end}`];
    const eq = (property: string, value: string | undefined) => {
      if (value !== undefined && value !== '') clauses.push(`${property} eq ${quote(value)}`);
    };
    eq('senderAddress', query.senderAddress);
    eq('recipientAddress', query.recipientAddress);
    eq('messageId', query.messageId);
    eq('status', query.status);
    eq('fromIP', query.fromIP);
    eq('toIP', query.toIP);
    if (query.subjectContains) clauses.push(`contains(subject, ${quote(query.subjectContains)})`);
    const filter = clauses.join(' and ');
    // The same question asked seconds apart must be one request: the cache key names a window that ends about now
    // "now" (and the default window "last 48 h"), and rounds other bounds to the minute.
    const nowMs = this.now().getTime();
    const keyWindow = query.window === undefined
      ? 'last48h'
      : `${roundToMinute(window.start)}..${Date.parse(window.end) >= nowMs - 60_000 ? 'now' : roundToMinute(window.end)}`;
    const key = JSON.stringify(['list', keyWindow, clauses.slice(2).join(' and ').toLowerCase(), pageSize, maxRows]);
    return this.options.traceGate.shared(key, async () => {
      const rows: MessageTrace[] = [];
      let url: string | null = `${this.options.endpoint}/v1.0/admin/exchange/tracing/messageTraces?$filter=${encodeURIComponent(filter)}&$top=${pageSize}`;
      let truncated = false;
      while (url) {
        const page = await this.getTraceJson('messageTraces', url);
        if (page.kind !== 'ok') return page;
        const body = page.value as { value?: unknown; '@odata.nextLink'?: unknown };
        if (!Array.isArray(body?.value)) return failed({ kind: 'bad-response', api: 'graph', detail: 'message trace page has no value array' });
        for (const item of body.value) {
          const row = toTrace(item);
          if (!row) return failed({ kind: 'bad-response', api: 'graph', detail: 'a message trace row lacks id or addresses' });
          rows.push(row);
        }
        const next = typeof body['@odata.nextLink'] === 'string' ? body['@odata.nextLink'] : null;
        if (next && rows.length >= maxRows) {
          truncated = true;
          break;
        }
        url = next;
      }
      return ok({ rows: rows.slice(0, maxRows), truncated: truncated || rows.length > maxRows, window });
    }, query.fresh === true);
  }

  /** The per-hop events of one message to one recipient (`getDetailsByRecipient`), oldest first. */
  async traceDetails(traceId: string, recipientAddress: string): Promise<Result<readonly MessageTraceEvent[], TenantFailure>> {
    const key = JSON.stringify(['details', traceId.toLowerCase(), recipientAddress.toLowerCase()]);
    return this.options.traceGate.shared(key, async () => {
      const url = `${this.options.endpoint}/v1.0/admin/exchange/tracing/messageTraces/${encodeURIComponent(traceId)}/getDetailsByRecipient(recipientAddress=${encodeURIComponent(quote(recipientAddress))})`;
      const body = await this.getTraceJson('traceDetails', url);
      if (body.kind !== 'ok') return body;
      const value = (body.value as { value?: unknown })?.value;
      if (!Array.isArray(value)) return failed({ kind: 'bad-response', api: 'graph', detail: 'trace details have no value array' });
      const events = value.map(toEvent).filter((event): event is MessageTraceEvent => event !== null);
      return ok(events.sort((a, b) => a.dateTime.localeCompare(b.dateTime)));
    });
  }

  /**
   * Exchange Online's health and its unresolved incidents and advisories, newest first: one request
   * (`healthOverviews/Exchange Online?$expand=issues`), shared by concurrent callers since every diagnosis starts here.
   */
  async exchangeHealth(): Promise<Result<ServiceHealth, TenantFailure>> {
    if (!this.healthInFlight) {
      this.healthInFlight = this.fetchExchangeHealth().finally(() => {
        this.healthInFlight = null;
      });
    }
    return this.healthInFlight;
  }

  private async fetchExchangeHealth(): Promise<Result<ServiceHealth, TenantFailure>> {
    const service = 'Exchange Online';
    const overview = await this.getJson('serviceHealth', `${this.options.endpoint}/v1.0/admin/serviceAnnouncement/healthOverviews/${encodeURIComponent(service)}?$expand=issues`);
    if (overview.kind === 'notFound') return ok({ service, status: 'unknown', activeIssues: [] });
    if (overview.kind !== 'ok') return overview;
    const body = overview.value as { status?: unknown; issues?: unknown };
    if (!Array.isArray(body?.issues)) return failed({ kind: 'bad-response', api: 'graph', detail: 'the health overview has no issues array' });
    const activeIssues = body.issues
      .map(toIssue)
      .filter((issue): issue is ServiceHealthIssue => issue !== null && !issue.isResolved)
      .sort((a, b) => b.startDateTime.localeCompare(a.startDateTime));
    return ok({ service, status: String(body.status ?? 'unknown'), activeIssues });
  }

  async domains(): Promise<Result<readonly TenantDomain[], TenantFailure>> {
    const all = await this.getAll('domains', `${this.options.endpoint}/v1.0/domains`);
    if (all.kind !== 'ok') return all.kind === 'notFound' ? ok([]) : all;
    return ok(all.value.map((item) => {
      const row = item as Record<string, unknown>;
      return {
        id: String(row.id ?? ''), isDefault: row.isDefault === true, isInitial: row.isInitial === true, isVerified: row.isVerified === true,
        supportedServices: Array.isArray(row.supportedServices) ? row.supportedServices.map(String) : [],
      };
    }));
  }

  /** The DNS records Microsoft 365 expects for a domain (MX, SPF TXT, autodiscover CNAME…); notFound for a domain not in the tenant. */
  async domainServiceRecords(domain: string): Promise<Result<readonly DomainDnsRecord[], TenantFailure>> {
    const all = await this.getAll('domains', `${this.options.endpoint}/v1.0/domains/${encodeURIComponent(domain)}/serviceConfigurationRecords`);
    if (all.kind !== 'ok') return all;
    return ok(all.value.map((item) => {
      const row = item as Record<string, unknown>;
      const record: DomainDnsRecord = {
        recordType: String(row.recordType ?? ''), label: String(row.label ?? ''), ttl: Number(row.ttl ?? 0), isOptional: row.isOptional === true,
        supportedService: typeof row.supportedService === 'string' ? row.supportedService : null,
        ...(typeof row.mailExchange === 'string' ? { mailExchange: row.mailExchange, preference: Number(row.preference ?? 0) } : {}),
        ...(typeof row.text === 'string' ? { text: row.text } : {}),
        ...(typeof row.canonicalName === 'string' ? { canonicalName: row.canonicalName } : {}),
      };
      return record;
    }));
  }

  /** The user that holds this SMTP address (primary or alias); notFound when nobody does. */
  async findUserByAddress(address: string): Promise<Result<DirectoryUser, TenantFailure>> {
    const filter = `proxyAddresses/any(p:p eq ${quote(`smtp:${address}`)})`;
    const all = await this.getAll('users', `${this.options.endpoint}/v1.0/users?$filter=${encodeURIComponent(filter)}&$select=id,displayName,userPrincipalName,mail,proxyAddresses`);
    if (all.kind !== 'ok') return all;
    const user = all.value.map(toUser)[0];
    return user ? ok(user) : notFound();
  }

  /** Every user's SMTP addresses (for "did you mean bob.smith@contoso.com?"), following paging. */
  async listUsers(): Promise<Result<readonly DirectoryUser[], TenantFailure>> {
    const all = await this.getAll('users', `${this.options.endpoint}/v1.0/users?$select=id,displayName,userPrincipalName,mail,proxyAddresses&$top=999`);
    if (all.kind !== 'ok') return all.kind === 'notFound' ? ok([]) : all;
    return ok(all.value.map(toUser));
  }

  /**
   * Object ids of the users in a group, nested groups included (transitiveMembers). The nested groups themselves,
   * devices and service principals are left out: Graph marks each member with its `@odata.type`. At most `maxPages`
   * pages of 999.
   */
  async groupMemberIds(groupId: string, maxPages = 50): Promise<Result<readonly string[], TenantFailure>> {
    const all = await this.getAll('groupMembers', `${this.options.endpoint}/v1.0/groups/${encodeURIComponent(groupId)}/transitiveMembers?$select=id&$top=999`, maxPages);
    if (all.kind !== 'ok') return all;
    return ok(
      all.value
        .map((item) => item as { id?: unknown; '@odata.type'?: unknown })
        .filter((item) => item['@odata.type'] === undefined || item['@odata.type'] === '#microsoft.graph.user')
        .map((item) => String(item.id ?? ''))
        .filter((id) => id.length > 0),
    );
  }

  /** Which of these groups (≤ 20) the user belongs to, directly or nested. */
  async checkMemberGroups(userId: string, groupIds: readonly string[]): Promise<Result<readonly string[], TenantFailure>> {
    if (groupIds.length === 0) return ok([]);
    const response = await this.options.http.send({
      api: 'graph', endpoint: OPERATIONS.groupMembers.endpoint, method: 'POST',
      url: `${this.options.endpoint}/v1.0/users/${encodeURIComponent(userId)}/checkMemberGroups`, body: { groupIds: groupIds.slice(0, 20) },
    });
    const body = this.interpret(response, 'groupMembers');
    if (body.kind !== 'ok') return body;
    const value = (body.value as { value?: unknown })?.value;
    return Array.isArray(value) ? ok(value.map(String)) : failed({ kind: 'bad-response', api: 'graph', detail: 'checkMemberGroups has no value array' });
  }

  /** Sends a plain-text message as `fromUser` (Graph sendMail); it shows up in message trace a few minutes later. */
  async sendMail(fromUser: string, to: readonly string[], subject: string, body: string): Promise<Result<void, TenantFailure>> {
    const response = await this.options.http.send({
      api: 'graph', endpoint: OPERATIONS.sendMail.endpoint, method: 'POST', idempotent: false,
      url: `${this.options.endpoint}/v1.0/users/${encodeURIComponent(fromUser)}/sendMail`,
      body: { message: { subject, body: { contentType: 'Text', content: body }, toRecipients: to.map((address) => ({ emailAddress: { address } })) }, saveToSentItems: false },
    });
    const result = this.interpret(response, 'sendMail');
    return result.kind === 'ok' ? ok(undefined) : result;
  }

  /** A message-trace request: spends from the tenant's trace budget first. */
  private async getTraceJson(operation: 'messageTraces' | 'traceDetails', url: string): Promise<Result<unknown, TenantFailure>> {
    const budget = await this.options.traceGate.spend();
    if (budget.kind !== 'ok') return budget;
    return this.getJson(operation, url);
  }

  private async getJson(operation: Operation, url: string): Promise<Result<unknown, TenantFailure>> {
    const response = await this.options.http.send({ api: 'graph', endpoint: OPERATIONS[operation].endpoint, method: 'GET', url });
    return this.interpret(response, operation);
  }

  /** GET a collection and follow @odata.nextLink to the end (bounded). */
  private async getAll(operation: Operation, url: string, maxPages = 50): Promise<Result<unknown[], TenantFailure>> {
    const rows: unknown[] = [];
    let next: string | null = url;
    for (let page = 0; next && page < maxPages; page++) {
      const body = await this.getJson(operation, next);
      if (body.kind !== 'ok') return body;
      const value = (body.value as { value?: unknown })?.value;
      if (!Array.isArray(value)) return failed({ kind: 'bad-response', api: 'graph', detail: `${operation}: no value array` });
      rows.push(...value);
      const link = (body.value as { '@odata.nextLink'?: unknown })['@odata.nextLink'];
      next = typeof link === 'string' ? link : null;
    }
    return ok(rows);
  }

  /** 2xx → the JSON body; 404 → notFound; anything else → a failure with advice. */
  private interpret(response: Result<HttpResponse, TenantFailure>, operation: Operation): Result<unknown, TenantFailure> {
    if (response.kind !== 'ok') return response;
    const { status } = response.value;
    if (status >= 200 && status < 300) return parseJson(response.value, 'graph');
    if (status === 404) return notFound();
    return failed(this.graphFailure(response.value, operation));
  }

  private graphFailure(response: HttpResponse, operation: Operation): TenantFailure {
    const parsed = parseJson(response, 'graph');
    const error = (parsed.kind === 'ok' ? (parsed.value as { error?: { code?: unknown; message?: unknown } })?.error : undefined) ?? {};
    const code = String(error.code ?? `HTTP ${response.status}`);
    const message = String(error.message ?? response.text.slice(0, 200));
    const spec = OPERATIONS[operation];
    if (response.status === 401) return { kind: 'unauthorized', api: 'graph', detail: message };
    if (response.status === 403) {
      const isTrace = operation === 'messageTraces' || operation === 'traceDetails';
      const roles = this.options.tokens.claims('graph')?.roles ?? [];
      // A 403 although the token carries the permission means the tenant side is missing: for message trace, that
      // is the service principal of Microsoft's message-trace app (an easy-to-miss prerequisite).
      if (isTrace && (message.includes(MESSAGE_TRACE_APP_ID) || roles.includes(spec.permission))) return { kind: 'trace-not-provisioned', detail: message };
      return { kind: 'forbidden', api: 'graph', operation: spec.action, missing: `the ${spec.permission} application permission`, detail: message };
    }
    if (response.status === 400 && (operation === 'messageTraces' || operation === 'traceDetails') && /date|range|days|time/i.test(message)) {
      return { kind: 'window', detail: message };
    }
    return { kind: 'rejected', api: 'graph', status: response.status, code, detail: message };
  }
}

/** OData string literal: single quotes, a quote inside doubled. */
function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function roundToMinute(iso: string): string {
  return new Date(Math.floor(Date.parse(iso) / 60_000) * 60_000).toISOString();
}

/**
 * Checks the window against Graph's limits before any call: both bounds, at most 10 days, start at most 90 days
 * ago. An end in the future is clamped to now (asking "today" means "until now").
 */
export function traceWindow(window: TraceQuery['window'], now: Date): { start: string; end: string } | { problem: string } {
  const endDate = window ? new Date(window.end) : now;
  const startDate = window ? new Date(window.start) : new Date(now.getTime() - 2 * DAY_MS);
  if (Number.isNaN(startDate.getTime()) || Number.isNaN(endDate.getTime())) return { problem: 'the start or end is not a date.' };
  const end = endDate.getTime() > now.getTime() ? now : endDate;
  if (end.getTime() < startDate.getTime()) return { problem: 'the window starts after it ends (or entirely in the future).' };
  if (startDate.getTime() < now.getTime() - 90 * DAY_MS) return { problem: 'message trace keeps 90 days, and the window starts earlier than that.' };
  if (end.getTime() - startDate.getTime() > 10 * DAY_MS) return { problem: 'one question can cover at most 10 days.' };
  return { start: isoSeconds(startDate), end: isoSeconds(end) };
}

function normaliseStatus(value: unknown): TraceStatus {
  const text = String(value ?? '').toLowerCase();
  return TRACE_STATUSES.find((status) => status.toLowerCase() === text) ?? 'unknown';
}

function toTrace(item: unknown): MessageTrace | null {
  const row = item as Record<string, unknown>;
  if (!row || typeof row.id !== 'string' || typeof row.recipientAddress !== 'string') return null;
  return {
    id: row.id,
    senderAddress: String(row.senderAddress ?? ''),
    recipientAddress: row.recipientAddress,
    messageId: String(row.messageId ?? ''),
    receivedDateTime: String(row.receivedDateTime ?? ''),
    subject: String(row.subject ?? ''),
    size: Number(row.size ?? 0),
    fromIP: String(row.fromIP ?? ''),
    toIP: String(row.toIP ?? ''),
    status: normaliseStatus(row.status),
  };
}

function toEvent(item: unknown): MessageTraceEvent | null {
  const row = item as Record<string, unknown>;
  if (!row || typeof row.event !== 'string') return null;
  return {
    id: String(row.id ?? ''), messageId: String(row.messageId ?? ''), dateTime: String(row.dateTime ?? ''), event: row.event,
    action: String(row.action ?? ''), description: String(row.description ?? ''), data: String(row.data ?? ''),
  };
}

function toIssue(item: unknown): ServiceHealthIssue | null {
  const row = item as Record<string, unknown>;
  if (!row || typeof row.id !== 'string') return null;
  const posts = Array.isArray(row.posts) ? (row.posts as { createdDateTime?: unknown; description?: { content?: unknown } }[]) : [];
  const latest = [...posts].sort((a, b) => String(b.createdDateTime ?? '').localeCompare(String(a.createdDateTime ?? '')))[0];
  const feature = String(row.feature ?? '');
  const featureGroup = String(row.featureGroup ?? '');
  return {
    id: row.id,
    title: String(row.title ?? ''),
    impactDescription: String(row.impactDescription ?? ''),
    classification: String(row.classification ?? '').toLowerCase(),
    status: String(row.status ?? ''),
    service: String(row.service ?? ''),
    feature,
    featureGroup,
    isResolved: row.isResolved === true,
    startDateTime: String(row.startDateTime ?? ''),
    endDateTime: typeof row.endDateTime === 'string' ? row.endDateTime : null,
    lastModifiedDateTime: String(row.lastModifiedDateTime ?? ''),
    latestUpdate: latest ? stripHtml(String(latest.description?.content ?? '')) : null,
    affectsMailFlow: MAIL_FLOW_FEATURES.some((pattern) => pattern.test(`${feature} ${featureGroup}`)),
  };
}

function toUser(item: unknown): DirectoryUser {
  const row = item as Record<string, unknown>;
  const mail = typeof row.mail === 'string' ? row.mail : null;
  const proxies = Array.isArray(row.proxyAddresses) ? row.proxyAddresses.map(String) : [];
  const primary = proxies.find((proxy) => proxy.startsWith('SMTP:'));
  const addresses = [primary, mail, ...proxies]
    .filter((value): value is string => typeof value === 'string' && /^(smtp:)?[^:]+@/i.test(value))
    .map((value) => value.replace(/^smtp:/i, '').toLowerCase());
  return {
    id: String(row.id ?? ''), displayName: String(row.displayName ?? ''), userPrincipalName: String(row.userPrincipalName ?? ''), mail,
    addresses: [...new Set(addresses)],
  };
}

function stripHtml(html: string): string {
  return html.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]+>/g, '').replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&').trim();
}

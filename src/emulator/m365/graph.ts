import { FilterError, matches, parseFilter, type Clause } from './odata';
import { graphError, MESSAGE_TRACE_APP_ID, odataLink, throttledBody, type EmulatorRequest, type EmulatorResponse } from './wire';
import { detailKey } from './state';

type Answer = () => EmulatorResponse;

/** Application permissions each Graph route accepts (any one of them), as Graph documents least privilege first. */
const REQUIRED_ROLES: Readonly<Record<string, readonly string[]>> = {
  'graph.messageTraces': ['ExchangeMessageTrace.Read.All'],
  'graph.traceDetails': ['ExchangeMessageTrace.Read.All'],
  'graph.healthOverviews': ['ServiceHealth.Read.All'],
  'graph.issues': ['ServiceHealth.Read.All'],
  'graph.domains': ['Domain.Read.All', 'Directory.Read.All'],
  'graph.domainRecords': ['Domain.Read.All', 'Directory.Read.All'],
  'graph.users': ['User.Read.All', 'Directory.Read.All'],
  'graph.groupMembers': ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All'],
  'graph.checkMemberGroups': ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All'],
  'graph.sendMail': ['Mail.Send'],
};

const TEN_DAYS_MS = 10 * 24 * 3600_000;
const NINETY_DAYS_MS = 90 * 24 * 3600_000;
const FIVE_MINUTES_MS = 5 * 60_000;

const ok = (body: unknown): EmulatorResponse => ({ status: 200, body });
const notFound = (message: string): EmulatorResponse => ({ status: 404, body: graphError('Request_ResourceNotFound', message) });
const badRequest = (message: string, code = 'BadRequest'): EmulatorResponse => ({ status: 400, body: graphError(code, message) });

/** Routes a Graph request: records its route name on `request.routes`, checks permissions, returns the answer to run. */
export function handleGraph(request: EmulatorRequest, path: string): Answer {
  const route = (name: string, method: string, answer: Answer): Answer => {
    request.routes.push(name);
    if (request.method !== method) return () => ({ status: 405, body: graphError('Request_BadRequest', `Method ${request.method} not allowed.`) });
    const required = REQUIRED_ROLES[name] ?? [];
    if (required.length > 0 && !required.some((role) => request.claims.roles.includes(role))) {
      return () => ({
        status: 403,
        body: graphError('Forbidden', `Missing role permissions on the request. API requires one of '${required.join(', ')}'. Roles on the request '${request.claims.roles.join(', ')}'.`),
      });
    }
    return answer;
  };
  const decoded = decodeURIComponent(path);
  let match: RegExpExecArray | null;

  if (decoded === '/admin/exchange/tracing/messageTraces') return route('graph.messageTraces', 'GET', traceGate(request, () => listTraces(request)));
  if ((match = /^\/admin\/exchange\/tracing\/messageTraces\/([^/]+)\/getDetailsByRecipient\(recipientAddress='((?:[^']|'')*)'\)$/.exec(decoded))) {
    const [, id, recipient] = match;
    return route('graph.traceDetails', 'GET', traceGate(request, () => traceDetails(request, id, recipient.replace(/''/g, "'"))));
  }
  if ((match = /^\/admin\/serviceAnnouncement\/healthOverviews(?:\/([^/]+))?$/.exec(decoded))) {
    const name = match[1];
    return route('graph.healthOverviews', 'GET', () => healthOverviews(request, name));
  }
  if ((match = /^\/admin\/serviceAnnouncement\/issues(?:\/([^/]+))?$/.exec(decoded))) {
    const id = match[1];
    return route('graph.issues', 'GET', () => issues(request, id));
  }
  if ((match = /^\/domains(?:\/([^/]+))?$/.exec(decoded))) {
    const id = match[1];
    return route('graph.domains', 'GET', () => domains(request, id));
  }
  if ((match = /^\/domains\/([^/]+)\/(serviceConfigurationRecords|verificationDnsRecords)$/.exec(decoded))) {
    const [, id, kind] = match;
    return route('graph.domainRecords', 'GET', () => domainRecords(request, id, kind));
  }
  if ((match = /^\/users(?:\/([^/]+))?$/.exec(decoded))) {
    const id = match[1];
    return route('graph.users', 'GET', () => users(request, id));
  }
  if ((match = /^\/groups\/([^/]+)\/(members|transitiveMembers)$/.exec(decoded))) {
    const id = match[1];
    return route('graph.groupMembers', 'GET', () => groupMembers(request, id));
  }
  if ((match = /^\/users\/([^/]+)\/checkMemberGroups$/.exec(decoded))) {
    const id = match[1];
    return route('graph.checkMemberGroups', 'POST', () => checkMemberGroups(request, id));
  }
  if ((match = /^\/users\/([^/]+)\/sendMail$/.exec(decoded))) {
    const id = match[1];
    return route('graph.sendMail', 'POST', () => sendMail(request, id));
  }
  request.routes.push('graph.unknown');
  return () => ({ status: 400, body: graphError('BadRequest', `Resource not found for the segment '${path.split('/')[1] ?? path}'.`) });
}

/**
 * The message-trace prerequisites and quota: the service principal of Microsoft's message-trace app must exist in the
 * tenant, and list and detail calls share 100 requests per 5 minutes per tenant.
 */
function traceGate(request: EmulatorRequest, answer: Answer): Answer {
  return () => {
    const tenant = request.tenant;
    if (!tenant.scenario.tenant.messageTraceServicePrincipal) {
      return {
        status: 403,
        body: graphError('Forbidden', `The service principal for application '${MESSAGE_TRACE_APP_ID}' (Exchange message trace) was not found in the tenant. Ask an administrator to run New-MgServicePrincipal -AppId ${MESSAGE_TRACE_APP_ID}.`),
      };
    }
    const now = Date.now();
    while (tenant.traceRequestTimes.length > 0 && tenant.traceRequestTimes[0] <= now - FIVE_MINUTES_MS) tenant.traceRequestTimes.shift();
    if (tenant.traceRequestTimes.length >= tenant.scenario.limits.messageTraceRequestsPer5Minutes) {
      const retryAfter = Math.max(1, Math.ceil((tenant.traceRequestTimes[0] + FIVE_MINUTES_MS - now) / 1000));
      return { status: 429, body: throttledBody(), headers: { 'Retry-After': String(retryAfter) } };
    }
    tenant.traceRequestTimes.push(now);
    return answer();
  };
}

function filterOf(request: EmulatorRequest): Clause[] | EmulatorResponse {
  try {
    return parseFilter(request.url.searchParams.get('$filter'));
  } catch (error) {
    return badRequest(`Invalid filter clause: ${(error as FilterError).message}`, 'invalidRequest');
  }
}

const TRACE_FILTERABLE = new Set(['id', 'messageid', 'senderaddress', 'recipientaddress', 'fromip', 'toip', 'status', 'subject', 'receiveddatetime']);

function listTraces(request: EmulatorRequest): EmulatorResponse {
  const clauses = filterOf(request);
  if (!Array.isArray(clauses)) return clauses;
  for (const clause of clauses) {
    if (!TRACE_FILTERABLE.has(clause.property.toLowerCase())) return badRequest(`Property '${clause.property}' is not filterable.`, 'invalidRequest');
  }
  const now = request.now.getTime();
  const times = clauses.filter((clause) => clause.kind === 'compare' && clause.property.toLowerCase() === 'receiveddatetime');
  const start = times.find((clause) => clause.kind === 'compare' && clause.op === 'ge');
  const end = times.find((clause) => clause.kind === 'compare' && clause.op === 'le');
  let windowClauses: Clause[] = [];
  if (times.length === 0) {
    // With no time filter the API returns the last 48 hours.
    windowClauses = [{ kind: 'compare', property: 'receivedDateTime', op: 'ge', value: new Date(now - 48 * 3600_000).toISOString() }];
  } else {
    if (!start || !end) return badRequest('Both a start (ge) and an end (le) receivedDateTime are required.', 'invalidRequest');
    const startMs = Date.parse(String((start as { value: unknown }).value));
    const endMs = Date.parse(String((end as { value: unknown }).value));
    if (Number.isNaN(startMs) || Number.isNaN(endMs)) return badRequest('receivedDateTime must be an ISO 8601 date-time.', 'invalidRequest');
    if (endMs < startMs) return badRequest('The end date must be after the start date.', 'invalidRequest');
    if (endMs - startMs > TEN_DAYS_MS) return badRequest('The date range cannot be greater than 10 days.', 'invalidRequest');
    if (startMs < now - NINETY_DAYS_MS) return badRequest('The start date cannot be older than 90 days.', 'invalidRequest');
    if (endMs > now + 5 * 60_000) return badRequest('The end date cannot be in the future.', 'invalidRequest');
  }
  const topText = request.url.searchParams.get('$top');
  const top = topText === null ? 1000 : Number(topText);
  if (!Number.isInteger(top) || top < 1 || top > 5000) return badRequest('$top must be between 1 and 5000.', 'invalidRequest');
  const skip = decodeSkipToken(request.url.searchParams.get('$skiptoken') ?? request.url.searchParams.get('$skipToken'));
  if (skip === null) return badRequest('The $skiptoken is not valid.', 'invalidRequest');

  const rows = request.tenant.traces
    .filter((row) => row.visibleFrom <= now)
    .filter((row) => Date.parse(row.receivedDateTime) <= now + 60_000)
    .map(({ visibleFrom: _visible, ...row }) => row)
    .filter((row) => matches(row, [...clauses, ...windowClauses]))
    .sort((a, b) => b.receivedDateTime.localeCompare(a.receivedDateTime));
  const page = rows.slice(skip, skip + top);
  const body: Record<string, unknown> = { '@odata.context': `${request.baseUrl}/v1.0/$metadata#admin/exchange/tracing/messageTraces` };
  if (skip + top < rows.length) {
    const next = new URL(request.url.toString());
    next.searchParams.delete('$skipToken');
    next.searchParams.set('$skiptoken', Buffer.from(String(skip + top)).toString('base64url'));
    body['@odata.nextLink'] = odataLink(next);
  }
  body.value = page;
  return ok(body);
}

function decodeSkipToken(token: string | null): number | null {
  if (token === null) return 0;
  const value = Number(Buffer.from(token, 'base64url').toString('utf8'));
  return Number.isInteger(value) && value >= 0 ? value : null;
}

function traceDetails(request: EmulatorRequest, id: string, recipient: string): EmulatorResponse {
  const rows = request.tenant.details.get(detailKey(id, recipient));
  const visible = request.tenant.traces.some((row) => row.id.toLowerCase() === id.toLowerCase() && row.visibleFrom <= request.now.getTime());
  if (!rows || !visible) return notFound(`The message trace '${id}' for recipient '${recipient}' was not found.`);
  return ok({ '@odata.context': `${request.baseUrl}/v1.0/$metadata#Collection(microsoft.graph.exchangeMessageTraceDetail)`, value: rows });
}

function healthOverviews(request: EmulatorRequest, name: string | undefined): EmulatorResponse {
  const expand = (request.url.searchParams.get('$expand') ?? '').toLowerCase() === 'issues';
  const withIssues = (overview: { id: string; service: string; status: string }) =>
    expand ? { ...overview, issues: request.tenant.healthIssues.filter((issue) => issue.service === overview.service) } : { ...overview };
  if (name !== undefined) {
    const overview = request.tenant.healthOverviews.find((item) => item.service.toLowerCase() === name.toLowerCase() || item.id.toLowerCase() === name.toLowerCase());
    if (!overview) return notFound(`Service '${name}' was not found.`);
    return ok({ '@odata.context': `${request.baseUrl}/v1.0/$metadata#admin/serviceAnnouncement/healthOverviews/$entity`, ...withIssues(overview) });
  }
  const clauses = filterOf(request);
  if (!Array.isArray(clauses)) return clauses;
  return ok({
    '@odata.context': `${request.baseUrl}/v1.0/$metadata#admin/serviceAnnouncement/healthOverviews`,
    value: request.tenant.healthOverviews.filter((item) => matches(item, clauses)).map(withIssues),
  });
}

function issues(request: EmulatorRequest, id: string | undefined): EmulatorResponse {
  if (id !== undefined) {
    const issue = request.tenant.healthIssues.find((item) => String(item.id).toLowerCase() === id.toLowerCase());
    return issue ? ok({ '@odata.context': `${request.baseUrl}/v1.0/$metadata#admin/serviceAnnouncement/issues/$entity`, ...issue }) : notFound(`Issue '${id}' was not found.`);
  }
  const clauses = filterOf(request);
  if (!Array.isArray(clauses)) return clauses;
  const skip = Number(request.url.searchParams.get('$skip') ?? '0');
  const pageSize = Math.min(1000, Number(/odata\.maxpagesize=(\d+)/.exec(String(request.headers.prefer ?? ''))?.[1] ?? 100));
  const rows = request.tenant.healthIssues.filter((item) => matches(item, clauses));
  const body: Record<string, unknown> = { '@odata.context': `${request.baseUrl}/v1.0/$metadata#admin/serviceAnnouncement/issues` };
  if (skip + pageSize < rows.length) {
    const next = new URL(request.url.toString());
    next.searchParams.set('$skip', String(skip + pageSize));
    body['@odata.nextLink'] = odataLink(next);
  }
  body.value = rows.slice(skip, skip + pageSize);
  return ok(body);
}

function domains(request: EmulatorRequest, id: string | undefined): EmulatorResponse {
  const all = request.tenant.scenario.domains;
  if (id !== undefined) {
    const domain = all.find((item) => String(item.id).toLowerCase() === id.toLowerCase());
    return domain ? ok({ '@odata.context': `${request.baseUrl}/v1.0/$metadata#domains/$entity`, ...domain }) : notFound(`Domain '${id}' was not found.`);
  }
  return ok({ '@odata.context': `${request.baseUrl}/v1.0/$metadata#domains`, value: all });
}

function domainRecords(request: EmulatorRequest, id: string, kind: string): EmulatorResponse {
  const domain = request.tenant.scenario.domains.find((item) => String(item.id).toLowerCase() === id.toLowerCase());
  if (!domain) return notFound(`Domain '${id}' was not found.`);
  const records = kind === 'serviceConfigurationRecords' ? request.tenant.scenario.domainRecords[String(domain.id)] ?? [] : [
    { '@odata.type': 'microsoft.graph.domainDnsTxtRecord', id: `txt-${String(domain.id)}`, isOptional: false, label: String(domain.id), recordType: 'Txt', supportedService: null, ttl: 3600, text: `MS=ms${Math.abs(hash(String(domain.id))) % 100000000}` },
  ];
  return ok({ '@odata.context': `${request.baseUrl}/v1.0/$metadata#domains('${String(domain.id)}')/${kind}`, value: records });
}

function userObject(user: { id: string; displayName: string; userPrincipalName: string; mail: string | null; proxyAddresses: readonly string[] }) {
  return { '@odata.type': '#microsoft.graph.user', id: user.id, displayName: user.displayName, userPrincipalName: user.userPrincipalName, mail: user.mail, proxyAddresses: user.proxyAddresses };
}

function findUser(request: EmulatorRequest, idOrUpn: string) {
  const lower = idOrUpn.toLowerCase();
  return request.tenant.scenario.users.find((user) => user.id.toLowerCase() === lower || user.userPrincipalName.toLowerCase() === lower);
}

function users(request: EmulatorRequest, id: string | undefined): EmulatorResponse {
  if (id !== undefined) {
    const user = findUser(request, id);
    return user ? ok({ '@odata.context': `${request.baseUrl}/v1.0/$metadata#users/$entity`, ...userObject(user) }) : notFound(`Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
  }
  const clauses = filterOf(request);
  if (!Array.isArray(clauses)) return clauses;
  const top = Math.min(999, Number(request.url.searchParams.get('$top') ?? '100'));
  const skip = decodeSkipToken(request.url.searchParams.get('$skiptoken'));
  if (skip === null) return badRequest('The $skiptoken is not valid.');
  const rows = request.tenant.scenario.users.map(userObject).filter((user) => matches(user, clauses));
  const body: Record<string, unknown> = { '@odata.context': `${request.baseUrl}/v1.0/$metadata#users` };
  if (skip + top < rows.length) {
    const next = new URL(request.url.toString());
    next.searchParams.set('$skiptoken', Buffer.from(String(skip + top)).toString('base64url'));
    body['@odata.nextLink'] = odataLink(next);
  }
  body.value = rows.slice(skip, skip + top);
  return ok(body);
}

function groupMembers(request: EmulatorRequest, id: string): EmulatorResponse {
  const group = request.tenant.scenario.groups.find((item) => item.id.toLowerCase() === id.toLowerCase());
  if (!group) return notFound(`Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
  const members = group.members
    .map((member) => findUser(request, member))
    .filter((user): user is NonNullable<typeof user> => user !== undefined)
    .map(userObject);
  return ok({ '@odata.context': `${request.baseUrl}/v1.0/$metadata#directoryObjects`, value: members });
}

function checkMemberGroups(request: EmulatorRequest, id: string): EmulatorResponse {
  const user = findUser(request, id);
  if (!user) return notFound(`Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
  const groupIds = (request.body as { groupIds?: unknown })?.groupIds;
  if (!Array.isArray(groupIds) || groupIds.length > 20) return badRequest('groupIds must be an array of at most 20 ids.', 'Request_BadRequest');
  const member = request.tenant.scenario.groups
    .filter((group) => groupIds.includes(group.id) && group.members.some((m) => m.toLowerCase() === user.id.toLowerCase() || m.toLowerCase() === user.userPrincipalName.toLowerCase()))
    .map((group) => group.id);
  return ok({ '@odata.context': `${request.baseUrl}/v1.0/$metadata#Collection(Edm.String)`, value: member });
}

function sendMail(request: EmulatorRequest, id: string): EmulatorResponse {
  const user = findUser(request, id);
  if (!user) return notFound(`Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
  const message = (request.body as { message?: { subject?: unknown; toRecipients?: { emailAddress?: { address?: unknown } }[] } })?.message;
  const to = (message?.toRecipients ?? []).map((item) => String(item?.emailAddress?.address ?? '')).filter((address) => address.includes('@'));
  if (!message || to.length === 0) return badRequest('The message must have at least one recipient.', 'ErrorInvalidRecipients');
  request.tenant.recordSentMail(user.mail ?? user.userPrincipalName, to, String(message.subject ?? ''), request.now);
  return { status: 202 };
}

function hash(text: string): number {
  let value = 0;
  for (const ch of text) value = (value * 31 + ch.charCodeAt(0)) | 0;
  return value;
}

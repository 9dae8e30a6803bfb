import type { AddressInfo } from 'node:net';
import DNS from 'dns2';
import type { ZoneEntry, Zones } from './zones';

const { Packet } = DNS;
type Request = InstanceType<typeof Packet>;
type Send = (response: Request) => void;

export interface DnsServerOptions {
  readonly zones: Zones;
  /** 0 or absent: a free port (the same one for UDP and TCP). */
  readonly port?: number;
  /** Added before every answer: the bench's stand-in for a real resolver's round trip. */
  readonly latencyMs?: number;
}

export interface RunningDnsServer {
  readonly host: string;
  readonly port: number;
  /** "127.0.0.1:port", the form DNS_SERVERS and --dns take. */
  readonly address: string;
  /** Questions received, for tests that count lookups. */
  readonly queries: readonly { name: string; type: string }[];
  close(): Promise<void>;
}

const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(Packet.TYPE).map(([name, code]) => [code, name]));
const MAX_CHAIN = 8;
const RCODE = { FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

// Names travel as octets; dns2 hands them over one character per octet (see src/sources/dns/wire.ts).
const fromWire = (name: string): string => Buffer.from(name, 'latin1').toString('utf8');
const toWire = (name: string): string => Buffer.from(name, 'utf8').toString('latin1');
const normalise = (name: string): string => name.replace(/\.$/, '').toLowerCase();

/** A TXT record's character-strings, each at most 255 octets (RFC 1035 §3.3.14). */
function characterStrings(record: string | readonly string[]): Buffer[] {
  const strings = typeof record === 'string' ? [record] : record;
  const out: Buffer[] = [];
  for (const text of strings) {
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length === 0) out.push(bytes);
    for (let offset = 0; offset < bytes.length; offset += 255) out.push(bytes.subarray(offset, offset + 255));
  }
  return out;
}

function lookup(zones: Map<string, ZoneEntry>, name: string): ZoneEntry | undefined {
  const exact = zones.get(name);
  if (exact) return exact;
  const labels = name.split('.');
  for (let i = 1; i < labels.length; i += 1) {
    const wildcard = zones.get(`*.${labels.slice(i).join('.')}`);
    if (wildcard) return wildcard;
  }
  return undefined;
}

function recordsOf(owner: string, entry: ZoneEntry, type: string): object[] {
  const base = { name: toWire(owner), class: Packet.CLASS.IN, ttl: entry.ttl ?? 300 };
  switch (type) {
    case 'A':
      return (entry.A ?? []).map((address) => ({ ...base, type: Packet.TYPE.A, address }));
    case 'AAAA':
      return (entry.AAAA ?? []).map((address) => ({ ...base, type: Packet.TYPE.AAAA, address }));
    case 'MX':
      return (entry.MX ?? []).map(([priority, exchange]) => ({ ...base, type: Packet.TYPE.MX, priority, exchange: toWire(exchange) }));
    case 'TXT':
      return (entry.TXT ?? []).map((record) => ({ ...base, type: Packet.TYPE.TXT, data: characterStrings(record) }));
    case 'PTR':
      return (entry.PTR ?? []).map((domain) => ({ ...base, type: Packet.TYPE.PTR, domain: toWire(domain) }));
    case 'NS':
      return (entry.NS ?? []).map((ns) => ({ ...base, type: Packet.TYPE.NS, ns: toWire(ns) }));
    case 'CNAME':
      return entry.CNAME ? [{ ...base, type: Packet.TYPE.CNAME, domain: toWire(entry.CNAME) }] : [];
    default:
      return [];
  }
}


/**
 * A recursive-resolver stand-in on 127.0.0.1 (UDP and TCP on one port): answers from `zones`, follows CNAMEs
 * inside the data the way a recursive server does, tells NXDOMAIN (no such name, and no name below it) from
 * NODATA, and injects faults and latency where the zone data asks for them.
 */
export async function startDnsServer(options: DnsServerOptions): Promise<RunningDnsServer> {
  const zones = new Map(Object.entries(options.zones).map(([name, entry]) => [normalise(name), entry]));
  const names = [...zones.keys()];
  const queries: { name: string; type: string }[] = [];
  const pending = new Set<NodeJS.Timeout>();

  const wait = async (ms: number) => {
    if (ms <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(timer);
        resolve();
      }, ms);
      pending.add(timer);
    });
  };

  async function handle(request: Request, send: Send): Promise<void> {
    const response = Packet.createResponseFromRequest(request);
    response.header.aa = 1;
    response.header.ra = 1;
    const question = request.questions[0];
    if (!question) {
      response.header.rcode = RCODE.FORMERR;
      return send(response);
    }
    const type = TYPE_NAMES[question.type] ?? String(question.type);
    let name = normalise(fromWire(question.name));
    queries.push({ name, type });
    await wait(options.latencyMs ?? 0);

    for (let hop = 0; hop <= MAX_CHAIN; hop += 1) {
      const entry = lookup(zones, name);
      if (entry?.latencyMs) await wait(entry.latencyMs);
      const faulty = entry?.fault && (entry.faultWhen !== 'no-data' || (type !== 'CNAME' && !entry.CNAME && recordsOf(name, entry, type).length === 0));
      if (faulty && entry?.fault === 'timeout') return;
      if (faulty && (entry?.fault === 'servfail' || entry?.fault === 'refused')) {
        response.header.rcode = entry.fault === 'servfail' ? RCODE.SERVFAIL : RCODE.REFUSED;
        return send(response);
      }
      if (!entry) {
        // An empty non-terminal (a name with names below it, like _domainkey.contoso.com) exists: NODATA, not NXDOMAIN.
        const hasChildren = names.some((owner) => owner.endsWith(`.${name}`));
        if (!hasChildren) response.header.rcode = RCODE.NXDOMAIN;
        return send(response);
      }
      if (entry.CNAME && type !== 'CNAME') {
        response.answers.push(...(recordsOf(name, entry, 'CNAME') as never[]));
        const target = normalise(entry.CNAME);
        if (response.answers.filter((record) => normalise(fromWire(record.name)) === target).length > 0) return send(response); // loop
        name = target;
        continue;
      }
      response.answers.push(...(recordsOf(name, entry, type) as never[]));
      return send(response);
    }
    return send(response);
  }

  const onRequest = (request: Request, send: Send) => {
    handle(request, send).catch(() => {
      const failure = Packet.createResponseFromRequest(request);
      failure.header.rcode = RCODE.SERVFAIL;
      send(failure);
    });
  };
  const { udp, tcp, port } = await listenOnOnePort(onRequest, options.port ?? 0);
  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    queries,
    async close() {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => {
          tcp.close(() => resolve());
          // Idle pipelined connections would keep close() waiting for dns2's 10 s idle timeout.
          (tcp as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        }),
      ]);
    },
  };
}

/** UDP and TCP must share a port (clients retry a truncated answer over TCP on the same port). */
async function listenOnOnePort(onRequest: (request: Request, send: Send) => void, wanted: number) {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const udp = DNS.createUDPServer(onRequest as never);
    udp.on('requestError', () => undefined);
    udp.on('error', () => undefined);
    await new Promise<void>((resolve) => udp.bind(wanted, '127.0.0.1', () => resolve()));
    const port = (udp.address() as AddressInfo).port;
    const tcp = DNS.createTCPServer(onRequest as never);
    tcp.on('requestError', () => undefined);
    const listening = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (listening) return { udp, tcp, port };
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (wanted !== 0) throw new Error(`DNS server: TCP port ${wanted} is in use`);
  }
  throw new Error('DNS server: no free port for UDP and TCP together');
}

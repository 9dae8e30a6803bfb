import { getServers } from 'node:dns';
import { LRUCache } from 'lru-cache';
import type { DnsAnswer, DnsResolver, RecordData, RecordType } from './types';
import { fromWireName, nameProblem, parseServerAddress, queryServer, type DnsServerAddress, type WireReply } from './wire';

export interface DnsResolverOptions {
  /** "host:port" strings; empty or absent means the system's resolvers (/etc/resolv.conf). */
  readonly servers?: readonly string[];
  /** Per question, per server (UDP and a TCP retry together). */
  readonly timeoutMs?: number;
  /** How many answers to keep; each is kept for its TTL. */
  readonly cacheSize?: number;
}

/** Answers are cached for their TTL, but never longer than this: a fixed record should show up within the hour. */
const MAX_CACHE_SECONDS = 3600;
/** RFC 2308 §5: negative answers are cached for the SOA minimum; without an SOA we keep them briefly. */
const DEFAULT_NEGATIVE_SECONDS = 60;
/** CNAME chains longer than this are treated as loops (RFC 1034 §3.6.2 says follow them; resolvers cap them). */
const MAX_CNAME_CHAIN = 8;

type AnyAnswer = DnsAnswer<RecordData[RecordType]>;
type WirePacket = Extract<WireReply, { kind: 'reply' }>['packet'];
type WireRecord = WirePacket['answers'][number];

const TYPE_CODES: Record<RecordType, number> = { A: 1, NS: 2, CNAME: 5, PTR: 12, MX: 15, TXT: 16, AAAA: 28 };
const CNAME_CODE = 5;
const SOA_CODE = 6;

const normalise = (name: string): string => name.trim().replace(/\.$/, '').toLowerCase();

function recordData(type: RecordType, record: WireRecord): RecordData[RecordType] {
  switch (type) {
    case 'A':
    case 'AAAA':
      return String(record.address);
    case 'MX':
      return { exchange: fromWireName(String(record.exchange ?? '')).replace(/\.$/, ''), priority: Number(record.priority) };
    case 'TXT':
      return Array.isArray(record.data) ? record.data.map(String) : [String(record.data ?? '')];
    case 'CNAME':
    case 'PTR':
      return fromWireName(String(record.domain ?? '')).replace(/\.$/, '');
    case 'NS':
      return fromWireName(String(record.ns ?? '')).replace(/\.$/, '');
  }
}

/** Reads a reply the way a stub resolver does: follow the CNAME chain from the question's name to the data. */
export function interpretReply(name: string, type: RecordType, packet: WirePacket): { answer: AnyAnswer; ttl: number } {
  const rcode = packet.header.rcode;
  const negativeTtl = (): number => {
    const soa = packet.authorities.find((record) => record.type === SOA_CODE);
    return soa ? Math.min(soa.ttl, Number(soa.minimum ?? soa.ttl)) : DEFAULT_NEGATIVE_SECONDS;
  };
  if (rcode === 3) return { answer: { kind: 'nxdomain' }, ttl: negativeTtl() };
  if (rcode === 2) return { answer: { kind: 'temperror', reason: 'servfail', message: `SERVFAIL for ${name} ${type}` }, ttl: 0 };
  if (rcode === 5) return { answer: { kind: 'temperror', reason: 'refused', message: `query refused for ${name} ${type}` }, ttl: 0 };
  if (rcode !== 0) return { answer: { kind: 'temperror', reason: 'servfail', message: `rcode ${rcode} for ${name} ${type}` }, ttl: 0 };

  const answers = packet.answers.map((record) => ({ record, owner: normalise(fromWireName(record.name)) }));
  const via: string[] = [];
  let current = normalise(name);
  let ttl = MAX_CACHE_SECONDS;
  if (type !== 'CNAME') {
    for (let hop = 0; hop <= MAX_CNAME_CHAIN; hop += 1) {
      const alias = answers.find((item) => item.owner === current && item.record.type === CNAME_CODE);
      if (!alias) break;
      if (hop === MAX_CNAME_CHAIN || via.includes(current)) {
        return { answer: { kind: 'temperror', reason: 'servfail', message: `CNAME loop at ${current}` }, ttl: 0 };
      }
      via.push(current);
      ttl = Math.min(ttl, alias.record.ttl);
      current = normalise(fromWireName(String(alias.record.domain ?? '')));
    }
  }
  const matching = answers.filter((item) => item.owner === current && item.record.type === TYPE_CODES[type]);
  if (matching.length === 0) return { answer: { kind: 'nodata', via }, ttl: negativeTtl() };
  ttl = Math.min(ttl, ...matching.map((item) => item.record.ttl));
  return { answer: { kind: 'ok', records: matching.map((item) => recordData(type, item.record)), ttl, via }, ttl };
}

/** The system's configured resolvers, for when DNS_SERVERS is not set. */
export function systemServers(): string[] {
  return getServers().map((server) => (server.includes(':') && !server.startsWith('[') && !/^[\d.]+:\d+$/.test(server) ? `[${server}]` : server));
}

/**
 * The real resolver: asks the given servers over UDP (TCP when truncated), one per-query timeout each,
 * caches answers for their TTL and joins identical questions that are already in flight, so the audit's
 * parallel walk of an SPF tree never asks the same thing twice.
 */
export function createDnsResolver(options: DnsResolverOptions = {}): DnsResolver {
  const servers: DnsServerAddress[] = (options.servers && options.servers.length > 0 ? options.servers : systemServers()).map(parseServerAddress);
  const timeoutMs = options.timeoutMs ?? 2000;
  const cache = new LRUCache<string, AnyAnswer>({ max: options.cacheSize ?? 5000, ttl: DEFAULT_NEGATIVE_SECONDS * 1000 });
  const inFlight = new Map<string, Promise<AnyAnswer>>();
  let sent = 0;
  let cached = 0;

  async function ask(name: string, type: RecordType): Promise<{ answer: AnyAnswer; ttl: number }> {
    let last: AnyAnswer = { kind: 'temperror', reason: 'network', message: 'no DNS server configured' };
    for (const server of servers) {
      sent += 1;
      const reply = await queryServer(server, name, type, timeoutMs);
      if (reply.kind === 'timeout') {
        last = { kind: 'temperror', reason: 'timeout', message: `no answer from ${server.host}:${server.port} for ${name} ${type} within ${timeoutMs} ms` };
        continue;
      }
      if (reply.kind === 'error') {
        last = { kind: 'temperror', reason: reply.message.startsWith('malformed') ? 'malformed' : 'network', message: `${server.host}:${server.port}: ${reply.message}` };
        continue;
      }
      const interpreted = interpretReply(name, type, reply.packet);
      // Another server may still answer when one fails (RFC 1034 §5.3.3); a definite answer ends the search.
      if (interpreted.answer.kind === 'temperror') {
        last = interpreted.answer;
        continue;
      }
      return interpreted;
    }
    return { answer: last, ttl: 0 };
  }

  async function query<T extends RecordType>(name: string, type: T): Promise<DnsAnswer<RecordData[T]>> {
    const problem = nameProblem(name);
    if (problem) return { kind: 'temperror', reason: 'badname', message: `${name}: ${problem}` };
    const key = `${type} ${normalise(name)}`;
    const hit = cache.get(key);
    if (hit) {
      cached += 1;
      return hit as DnsAnswer<RecordData[T]>;
    }
    let pending = inFlight.get(key);
    if (!pending) {
      pending = ask(name, type).then(({ answer, ttl }) => {
        const seconds = Math.min(ttl, MAX_CACHE_SECONDS);
        if (answer.kind !== 'temperror' && seconds > 0) cache.set(key, answer, { ttl: seconds * 1000 });
        return answer;
      });
      inFlight.set(key, pending);
      void pending.finally(() => inFlight.delete(key));
    } else {
      cached += 1;
    }
    return (await pending) as DnsAnswer<RecordData[T]>;
  }

  return { query, stats: () => ({ sent, cached }) };
}

/**
 * The same resolver with an overall deadline: a question that would end after it answers temperror('budget'),
 * so a slow or hostile zone cannot hold a helpdesk answer for minutes.
 */
export function withBudget(resolver: DnsResolver, budgetMs: number): DnsResolver {
  const deadline = Date.now() + budgetMs;
  return {
    stats: resolver.stats,
    async query<T extends RecordType>(name: string, type: T): Promise<DnsAnswer<RecordData[T]>> {
      const left = deadline - Date.now();
      const spent: DnsAnswer<RecordData[T]> = { kind: 'temperror', reason: 'budget', message: `DNS budget of ${budgetMs} ms spent before ${name} ${type}` };
      if (left <= 0) return spent;
      let timer: NodeJS.Timeout | undefined;
      const expiry = new Promise<DnsAnswer<RecordData[T]>>((resolve) => {
        timer = setTimeout(() => resolve(spent), left);
      });
      try {
        return await Promise.race([resolver.query(name, type), expiry]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

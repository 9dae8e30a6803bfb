import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';
import DNS from 'dns2';
import type { RecordType } from './types';

const { Packet } = DNS;

/** A DNS server to ask: an IP literal and a port. */
export interface DnsServerAddress {
  readonly host: string;
  readonly port: number;
}

/** Parses "host:port", "[v6]:port", "host" or "[v6]" (port 53) into an address. */
export function parseServerAddress(text: string): DnsServerAddress {
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/i.exec(text.trim());
  if (bracketed) return { host: bracketed[1], port: Number(bracketed[2] ?? 53) };
  const v6 = text.includes(':') && text.indexOf(':') !== text.lastIndexOf(':');
  if (v6) return { host: text.trim(), port: 53 };
  const [host, port] = text.trim().split(':');
  return { host, port: port === undefined ? 53 : Number(port) };
}

/** The raw reply, or why there is none. Interpreting the reply (CNAME chains, NODATA) is the resolver's job. */
export type WireReply =
  | { readonly kind: 'reply'; readonly packet: InstanceType<typeof Packet> }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'error'; readonly message: string };

/**
 * DNS names travel as octets. dns2 writes one octet per JavaScript character, so names are turned into a
 * "binary" string first: that keeps UTF-8 and odd characters (spaces, '%', '\') intact on the wire, where the
 * system resolver would refuse them, and SPF macros can expand to exactly such names (RFC 7208 §7).
 */
export const toWireName = (name: string): string => Buffer.from(name, 'utf8').toString('latin1');
export const fromWireName = (name: string): string => Buffer.from(name, 'latin1').toString('utf8');

/** RFC 1035 §2.3.4: a label is at most 63 octets and a name at most 255. */
export function nameProblem(name: string): string | null {
  const octets = Buffer.from(name.replace(/\.$/, ''), 'utf8');
  if (octets.length === 0) return 'empty name';
  if (octets.length > 253) return 'name longer than 255 octets';
  const labels = name.replace(/\.$/, '').split('.');
  if (labels.some((label) => label.length === 0)) return 'empty label';
  if (labels.some((label) => Buffer.byteLength(label, 'utf8') > 63)) return 'label longer than 63 octets';
  return null;
}

function buildQuery(id: number, name: string, type: RecordType, udpPayload: number | null): Buffer {
  const query = new Packet();
  query.header.id = id;
  query.header.rd = 1;
  query.questions.push({ name: toWireName(name), type: Packet.TYPE[type], class: Packet.CLASS.IN } as never);
  // EDNS0 (RFC 6891) lets answers up to 1232 octets come over UDP (the DNS flag day size); bigger ones set TC.
  if (udpPayload !== null) query.additionals.push((Packet.Resource.EDNS as unknown as (rdata: object[], options: object) => never)([], { udpPayloadSize: udpPayload }));
  return query.toBuffer();
}

function parseReply(buffer: Buffer, id: number): WireReply | null {
  try {
    const packet = Packet.parse(buffer);
    return packet.header.id === id ? { kind: 'reply', packet } : null;
  } catch (error) {
    return { kind: 'error', message: `malformed reply: ${(error as Error).message}` };
  }
}

/** One question over UDP; the reply must come from the server asked and carry our id (RFC 5452). */
export function queryUdp(server: DnsServerAddress, name: string, type: RecordType, timeoutMs: number): Promise<WireReply> {
  const id = randomInt(0x10000);
  const message = buildQuery(id, name, type, 1232);
  const socket = createSocket(isIPv6(server.host) ? 'udp6' : 'udp4');
  return new Promise((resolve) => {
    let done = false;
    const finish = (reply: WireReply) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    socket.on('error', (error) => finish({ kind: 'error', message: error.message }));
    socket.on('message', (data, remote) => {
      if (remote.port !== server.port) return;
      const reply = parseReply(data, id);
      if (reply) finish(reply);
    });
    socket.send(message, server.port, server.host, (error) => {
      if (error) finish({ kind: 'error', message: error.message });
    });
  });
}

/** One question over TCP (RFC 1035 §4.2.2, RFC 7766): used when the UDP reply was truncated. */
export function queryTcp(server: DnsServerAddress, name: string, type: RecordType, timeoutMs: number): Promise<WireReply> {
  const id = randomInt(0x10000);
  const message = buildQuery(id, name, type, null);
  return new Promise((resolve) => {
    let done = false;
    let buffered = Buffer.alloc(0);
    const socket = connect({ host: server.host, port: server.port });
    const finish = (reply: WireReply) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(reply);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    socket.on('connect', () => {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(message.length);
      socket.write(Buffer.concat([length, message]));
    });
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const size = buffered.readUInt16BE(0);
        const reply = parseReply(buffered.subarray(2, 2 + size), id);
        buffered = buffered.subarray(2 + size);
        if (reply) return finish(reply);
      }
    });
    socket.on('error', (error) => finish({ kind: 'error', message: error.message }));
    socket.on('close', () => finish({ kind: 'error', message: 'connection closed before a reply' }));
  });
}

/** UDP first, TCP when the reply is truncated, all within one per-query timeout. */
export async function queryServer(server: DnsServerAddress, name: string, type: RecordType, timeoutMs: number): Promise<WireReply> {
  const started = Date.now();
  const reply = await queryUdp(server, name, type, timeoutMs);
  if (reply.kind === 'reply' && reply.packet.header.tc) {
    return queryTcp(server, name, type, Math.max(1, timeoutMs - (Date.now() - started)));
  }
  return reply;
}

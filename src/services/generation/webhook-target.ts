import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { AppError } from '@/shared/errors.js';

/**
 * Where a job webhook may be POSTed. The server sits inside our network, so a user-supplied URL
 * must not reach what only the server can reach: loopback, private and link-local networks, the
 * cloud metadata endpoint, the Lambda runtime API. The URL's host is resolved and every address
 * it resolves to must be public unicast, unless the deployment allow-lists the host or its
 * network (WEBHOOK_ALLOWED_HOSTS). The check runs when the job is created (a clear 422 for the
 * client) and again at delivery, where the connection goes to the addresses just checked and to
 * nothing else, so a DNS answer that changes in between (DNS rebinding) cannot redirect it.
 */

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Every address of a host name (dns.lookup with all: true); injectable so tests control resolution. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/** Parsed WEBHOOK_ALLOWED_HOSTS: exact host names, and networks (a bare IP is its own /32 or /128). */
export interface WebhookAllowList {
  hosts: ReadonlySet<string>;
  networks: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][];
}

export function parseAllowList(entries: readonly string[]): WebhookAllowList {
  const hosts = new Set<string>();
  const networks: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const entry of entries) {
    if (entry.includes('/')) networks.push(ipaddr.parseCIDR(entry));
    else if (isIP(entry)) {
      const ip = ipaddr.parse(entry);
      networks.push([ip, ip.kind() === 'ipv4' ? 32 : 128]);
    } else hosts.add(entry.toLowerCase());
  }
  return { hosts, networks };
}

/** An IPv6 address carrying an IPv4 one whose meaning is the IPv4 address's: mapped, compatible, NAT64. */
function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  if (ip.isIPv4MappedAddress()) return ip.toIPv4Address();
  const parts = ip.parts;
  const lastFourBytes = (): ipaddr.IPv4 => new ipaddr.IPv4(ip.toByteArray().slice(12));
  // ::a.b.c.d (deprecated IPv4-compatible; ::/128 and ::1 are classified as themselves).
  if (parts.slice(0, 6).every((p) => p === 0) && (parts[6] !== 0 || parts[7]! > 1)) return lastFourBytes();
  // 64:ff9b::/96 (NAT64): on an IPv6-only network this is how public IPv4 hosts are reached.
  if (parts[0] === 0x64 && parts[1] === 0xff9b && parts.slice(2, 6).every((p) => p === 0)) return lastFourBytes();
  return undefined;
}

/** Why an address may not be a webhook target (ipaddr.js range name, e.g. "loopback"), or undefined if it is public unicast. */
export function forbiddenRange(address: string): string | undefined {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.parse(address.replace(/^\[|\]$/g, ''));
  } catch {
    return 'invalid';
  }
  if (ip.kind() === 'ipv6') ip = embeddedIPv4(ip as ipaddr.IPv6) ?? ip;
  const range = ip.range();
  // Every named range (private, loopback, linkLocal with the metadata endpoint, uniqueLocal with
  // fd00:ec2::254, carrierGradeNat, multicast, broadcast, reserved, 6to4, teredo…) is refused:
  // only ordinary public unicast is a receiver on the Internet.
  return range === 'unicast' ? undefined : range;
}

const PHRASE: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private-network address',
  linkLocal: 'a link-local address (which includes the cloud metadata endpoint)',
  uniqueLocal: 'a unique-local (private) IPv6 address',
  carrierGradeNat: 'a carrier-grade NAT (100.64.0.0/10) address',
  multicast: 'a multicast address',
  unspecified: 'the unspecified address',
  broadcast: 'the broadcast address',
};

/** The target is one webhooks may not reach: permanent (a 422 at creation; at delivery, no retry). */
export class WebhookUrlForbiddenError extends AppError {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super('webhook_url_forbidden', message, { field: 'webhookUrl', reason });
  }
}

export interface CheckedWebhookTarget {
  url: URL;
  /** The addresses the delivery may connect to (empty when the host is an IP literal: no lookup). */
  addresses: ResolvedAddress[];
}

/**
 * Parses (WHATWG: 127.1, 2130706433, 0x7f000001 and 0177.0.0.1 all become 127.0.0.1), resolves and
 * checks the URL. Messages name only what the client gave (the URL's host) and the kind of address,
 * never the resolved address itself, which could describe our own network.
 */
export async function checkWebhookUrl(raw: string, allow: WebhookAllowList, resolve: HostResolver): Promise<CheckedWebhookTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlForbiddenError('invalid_url', 'webhookUrl is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WebhookUrlForbiddenError('scheme', 'webhookUrl must use http or https');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const hostAllowed = allow.hosts.has(host);
  let addresses: ResolvedAddress[];
  if (isIP(host)) {
    addresses = [];
    checkAddress(host, url.hostname, allow, hostAllowed, false);
    return { url, addresses };
  }
  try {
    addresses = await resolve(host);
  } catch {
    throw new WebhookUrlForbiddenError('unresolvable', `webhookUrl host ${url.hostname} does not resolve`);
  }
  if (addresses.length === 0) throw new WebhookUrlForbiddenError('unresolvable', `webhookUrl host ${url.hostname} does not resolve`);
  // Every address, not just the first: the connection may try any of them.
  for (const a of addresses) checkAddress(a.address, url.hostname, allow, hostAllowed, true);
  return { url, addresses };
}

function checkAddress(address: string, shownHost: string, allow: WebhookAllowList, hostAllowed: boolean, resolved: boolean): void {
  if (hostAllowed) return;
  const range = forbiddenRange(address);
  if (!range) return;
  const ip = ipaddr.parse(address);
  const candidates = ip.kind() === 'ipv6' ? [ip, embeddedIPv4(ip as ipaddr.IPv6)].filter((x) => x !== undefined) : [ip];
  if (candidates.some((c) => allow.networks.some(([net, bits]) => net.kind() === c.kind() && c.match(net, bits)))) return;
  const what = PHRASE[range] ?? `a reserved or special-purpose address (${range})`;
  throw new WebhookUrlForbiddenError(
    range,
    resolved
      ? `webhookUrl host ${shownHost} resolves to ${what}; webhooks may only target public addresses`
      : `webhookUrl host ${shownHost} is ${what}; webhooks may only target public addresses`,
  );
}

/** A connect-time lookup that answers only the checked addresses: the socket cannot go anywhere else. */
export function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (addresses.length === 0) {
      callback(Object.assign(new Error('no checked address'), { code: 'ENOTFOUND' }), '', 0);
      return;
    }
    const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
    const list = wanted.length ? wanted : addresses;
    if (options.all) (callback as unknown as (err: null, list: ResolvedAddress[]) => void)(null, list);
    else callback(null, list[0]!.address, list[0]!.family);
  };
}

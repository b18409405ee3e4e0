/**
 * The SSRF guard: decides, at connect time, whether an address may be reached. Loopback, private,
 * link-local, metadata and other non-public ranges are refused unless configuration allows them.
 */
import type { LookupAddress, LookupOptions } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { inject, injectable } from 'inversify';
import type { ResolvedCoreOptions } from '../core-options.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import { CORE } from '../tokens.js';
import { AddressRefusedError } from './address-refused-error.js';

const RANGES: ReadonlyArray<[category: string, cidr: string]> = [
  ['cloud metadata', '169.254.169.254/32'],
  ['cloud metadata', '100.100.100.200/32'],
  ['cloud metadata', 'fd00:ec2::254/128'],
  ['loopback', '127.0.0.0/8'],
  ['loopback', '::1/128'],
  ['unspecified', '0.0.0.0/8'],
  ['unspecified', '::/128'],
  ['private', '10.0.0.0/8'],
  ['private', '172.16.0.0/12'],
  ['private', '192.168.0.0/16'],
  ['private', 'fc00::/7'],
  ['shared (carrier-grade NAT)', '100.64.0.0/10'],
  ['link-local', '169.254.0.0/16'],
  ['link-local', 'fe80::/10'],
  ['benchmarking', '198.18.0.0/15'],
  ['reserved', '240.0.0.0/4'],
  ['multicast', '224.0.0.0/4'],
  ['multicast', 'ff00::/8'],
  ['reserved', '192.0.0.0/24'],
  ['documentation', '192.0.2.0/24'],
  ['documentation', '198.51.100.0/24'],
  ['documentation', '203.0.113.0/24'],
  ['documentation', '2001:db8::/32'],
  ['broadcast', '255.255.255.255/32'],
  // IPv6 forms that embed or tunnel to an IPv4 address, which may be a private one.
  ['IPv4-translating (NAT64)', '64:ff9b::/96'],
  ['IPv4-translating (NAT64)', '64:ff9b:1::/48'],
  ['IPv4-tunnelling (6to4)', '2002::/16'],
  ['IPv4-tunnelling (Teredo)', '2001::/32'],
  ['IPv4-compatible', '::/96'],
  ['site-local', 'fec0::/10'],
];

@injectable()
export class NetworkGuard {
  readonly #allowPrivate: boolean;
  readonly #howToAllow: string;
  readonly #allowed = new BlockList();
  readonly #ranges: Array<[string, BlockList]>;

  constructor(@inject(CORE.Options) options: ResolvedCoreOptions) {
    this.#allowPrivate = options.network.allowPrivate;
    this.#howToAllow = options.network.howToAllow;
    for (const entry of options.network.allow) addRule(this.#allowed, entry);
    this.#ranges = RANGES.map(([category, cidr]) => {
      const list = new BlockList();
      addRule(list, cidr);
      return [category, list];
    });
  }

  /** The category that makes `address` refused, or undefined when it may be reached. */
  refusal(address: string): string | undefined {
    const ip = unmapIPv4(address);
    const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (this.#allowPrivate || this.#allowed.check(ip, family)) return undefined;
    for (const [category, list] of this.#ranges) if (list.check(ip, family)) return category;
    return undefined;
  }

  /** Throws `AddressRefusedError` when `address` may not be reached. */
  assertAllowed(host: string, address: string): void {
    const category = this.refusal(address);
    if (category !== undefined) throw new AddressRefusedError(host, address, category, this.#howToAllow);
  }

  /**
   * Checks `url`'s host when it is an IP literal (`http://10.0.0.1/`, `http://[::1]/`), which never
   * reaches DNS and so never `lookup`; returns whether it was one. A host name is checked by `lookup`
   * when the socket connects.
   */
  assertLiteralAllowed(url: string | URL): boolean {
    const host = (typeof url === 'string' ? new URL(url) : url).hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) === 0) return false;
    this.assertAllowed(host, host);
    return true;
  }

  /** A drop-in for `dns.lookup` that checks every answer before the socket connects. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    // node:dns on first use, not on import (a CLI command that sends nothing never loads it).
    process.getBuiltinModule('node:dns').lookup(hostname, { ...(options as LookupOptions), all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      try {
        for (const { address } of addresses) this.assertAllowed(hostname, address);
      } catch (refused) {
        return callback(refused as NodeJS.ErrnoException, '', 0);
      }
      if ((options as LookupOptions).all) return callback(null, addresses);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

function unmapIPv4(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? (mapped[1] as string) : address;
}

function addRule(list: BlockList, entry: string): void {
  const [address, prefix] = entry.split('/') as [string, string | undefined];
  const family = isIP(address);
  if (family === 0) {
    throw new ConfigurationError('invalid-network-allow', `network.allow entry '${entry}' is not an IP address or CIDR range (e.g. 10.0.0.0/8 or 127.0.0.1).`);
  }
  const type = family === 6 ? 'ipv6' : 'ipv4';
  if (prefix === undefined) list.addAddress(address, type);
  else list.addSubnet(address, Number(prefix), type);
}

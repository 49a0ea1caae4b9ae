import net from 'node:net';

// Destinations a webhook may not reach unless the allow-list names them: private, loopback,
// link-local (cloud metadata lives there), unique-local, carrier-grade NAT, multicast, reserved.
const DENIED_V4: Array<[string, number]> = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
];
const DENIED_V6: Array<[string, number]> = [
  ['::', 128], ['::1', 128], ['fe80::', 10], ['fc00::', 7], ['ff00::', 8], ['fd00:ec2::254', 128], ['64:ff9b::', 96], ['2002::', 16],
];

const denied = new net.BlockList();
for (const [address, prefix] of DENIED_V4) denied.addSubnet(address, prefix, 'ipv4');
for (const [address, prefix] of DENIED_V6) denied.addSubnet(address, prefix, 'ipv6');

function ipv6Groups(address: string): number[] | null {
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const octets = dotted[1]!.split('.').map(Number);
    text = `${text.slice(0, dotted.index)}${((octets[0]! << 8) | octets[1]!).toString(16)}:${((octets[2]! << 8) | octets[3]!).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const groups = tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/** Strips brackets and unwraps IPv4-mapped and IPv4-compatible IPv6, so that `::ffff:127.0.0.1` is judged as 127.0.0.1. */
export function normalizeAddress(address: string): { address: string; family: 4 | 6 } | null {
  const bare = address.replace(/^\[|\]$/g, '').split('%')[0]!;
  const family = net.isIP(bare);
  if (family === 4) return { address: bare, family: 4 };
  if (family !== 6) return null;
  const groups = ipv6Groups(bare.toLowerCase());
  if (!groups) return { address: bare, family: 6 };
  const zeroPrefix = groups.slice(0, 5).every((g) => g === 0);
  const mapped = zeroPrefix && groups[5] === 0xffff;
  const compatible = zeroPrefix && groups[5] === 0 && (groups[6]! !== 0 || groups[7]! > 1);
  if (mapped || compatible) {
    const [high, low] = [groups[6]!, groups[7]!];
    return { address: `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, family: 4 };
  }
  return { address: bare, family: 6 };
}

/** Where a special-use domain name (RFC 6761, 6762, 7686, 9476) leads: loopback, or nowhere a webhook can reach. */
export type SpecialUseName = { kind: 'loopback'; addresses: Array<{ address: string; family: 4 | 6 }> } | { kind: 'unreachable'; reason: string };

const LOOPBACK_ADDRESSES: Array<{ address: string; family: 4 | 6 }> = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];
const UNREACHABLE_DOMAINS: Array<[string, string]> = [
  ['invalid', 'names under .invalid never resolve (RFC 6761)'],
  ['onion', '.onion names are not in the DNS (RFC 7686)'],
  ['alt', '.alt names are not in the DNS (RFC 9476)'],
];

const underDomain = (name: string, domain: string): boolean => name === domain || name.endsWith(`.${domain}`);

/**
 * Names whose answer is fixed by the standards rather than by the DNS: `localhost` and its
 * subdomains always mean loopback (so a resolver's answer, or its failure on `localhost.`, does not
 * matter), and some domains never resolve at all, so a webhook there can never be delivered.
 */
export function specialUseName(hostname: string): SpecialUseName | null {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (underDomain(name, 'localhost')) return { kind: 'loopback', addresses: LOOPBACK_ADDRESSES };
  for (const [domain, reason] of UNREACHABLE_DOMAINS) if (underDomain(name, domain)) return { kind: 'unreachable', reason };
  return null;
}

export class AddressPolicy {
  private readonly allowedNets = new net.BlockList();
  private readonly allowedNames = new Set<string>();
  private readonly allowedSuffixes: string[] = [];

  /** Entries: host names (`*.example.com` for subdomains), IP addresses or CIDR ranges. */
  constructor(allow: readonly string[]) {
    for (const raw of allow) {
      const entry = raw.trim().toLowerCase();
      const [base, prefix] = entry.split('/');
      const ip = normalizeAddress(base!);
      if (ip) {
        const bits = prefix === undefined ? (ip.family === 4 ? 32 : 128) : Number(prefix);
        if (Number.isInteger(bits)) this.allowedNets.addSubnet(ip.address, bits, ip.family === 4 ? 'ipv4' : 'ipv6');
      } else if (entry.startsWith('*.')) {
        this.allowedSuffixes.push(entry.slice(1));
      } else {
        this.allowedNames.add(entry);
      }
    }
  }

  /** True when a host name is named by the allow-list, so whatever it resolves to may be reached. */
  allowsName(hostname: string): boolean {
    const name = hostname.toLowerCase().replace(/\.$/, '');
    return this.allowedNames.has(name) || this.allowedSuffixes.some((suffix) => name.endsWith(suffix));
  }

  /**
   * The reason a host name is refused before any lookup, or null when it must be resolved to be
   * judged: a name that never resolves, or a loopback name the allow-list does not open.
   */
  nameRefusal(hostname: string): string | null {
    const special = specialUseName(hostname);
    if (special === null) return null;
    if (special.kind === 'unreachable') return `${hostname}: ${special.reason}`;
    if (this.allowsName(hostname)) return null;
    const refusals = special.addresses.map((candidate) => this.refusal(candidate.address));
    return refusals.every((refusal) => refusal === null) ? null : `${hostname} is a loopback name (RFC 6761) and ${refusals.find((r) => r !== null)}`;
  }

  /** The reason an address is refused, or null when it may be reached. */
  refusal(address: string): string | null {
    const ip = normalizeAddress(address);
    if (!ip) return `"${address}" is not an IP address`;
    const type = ip.family === 4 ? 'ipv4' : 'ipv6';
    if (this.allowedNets.check(ip.address, type)) return null;
    if (denied.check(ip.address, type)) return `${address} is a private, loopback, link-local or reserved address (not in ASSAY_WEBHOOK_ALLOW)`;
    return null;
  }
}

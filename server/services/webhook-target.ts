/**
 * Where webhooks may be sent. A webhook URL is chosen by an admin over the API, and the server
 * sends to it from inside the city's network, so without a rule it could reach what only the
 * server can reach (loopback, link-local cloud metadata, private networks) and its delivery log
 * would say which ports answer. So only public unicast addresses are reached, plus what the
 * operator names in KWERENDA_WEBHOOK_ALLOW (host names, addresses, CIDR ranges: the city's EZD is
 * usually on a private network). The address is checked when the webhook is added and again at
 * every send, on the address actually connected to (the lookup below is the one the socket uses,
 * so a name that resolves differently the second time — DNS rebinding — is caught).
 *
 * Host names arrive canonical: the WHATWG URL parser has already turned `2130706433`, `0x7f.1` and
 * `017700000001` into `127.0.0.1`, and IPv6 into its compressed form.
 */
import dns from 'node:dns';
import net from 'node:net';

/** Ranges that are not public unicast IPv4 (RFC 6890 and friends). */
const NON_PUBLIC_V4 = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
  '192.0.2.0/24', '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
];
/** Inside 2000::/3 (global unicast) but not reachable public hosts: IETF assignments incl. Teredo, documentation, 6to4. */
const NON_PUBLIC_V6 = ['2001::/23', '2001:db8::/32', '2002::/16', '3fff::/20'];

const nonPublic = new net.BlockList();
for (const r of NON_PUBLIC_V4) nonPublic.addSubnet(r.split('/')[0]!, Number(r.split('/')[1]), 'ipv4');
for (const r of NON_PUBLIC_V6) nonPublic.addSubnet(r.split('/')[0]!, Number(r.split('/')[1]), 'ipv6');

/** The 8 hextets of an IPv6 address (no zone), or null. */
function hextets(a: string): number[] | null {
  if (net.isIPv6(a) === false) return null;
  let s = a;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const b = dotted[1]!.split('.').map(Number);
    s = s.slice(0, -dotted[1]!.length) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array<string>(8 - h.length - t.length).fill('0');
  const all = [...h, ...fill, ...t].map((x) => parseInt(x, 16));
  return all.length === 8 && all.every((x) => Number.isInteger(x)) ? all : null;
}

const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/**
 * An address as it is judged: brackets and zone dropped, IPv4 carried in IPv6 (mapped
 * `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`) unwrapped to the IPv4 address it reaches.
 */
export function judgedAddress(address: string): { address: string; family: 'ipv4' | 'ipv6' } | null {
  const a = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '').toLowerCase();
  if (net.isIPv4(a)) return { address: a, family: 'ipv4' };
  const h = hextets(a);
  if (!h) return null;
  const zero5 = h.slice(0, 5).every((x) => x === 0);
  if (zero5 && h[5] === 0xffff) return { address: v4(h[6]!, h[7]!), family: 'ipv4' };
  if (h[0] === 0x64 && h[1] === 0xff9b && h.slice(2, 6).every((x) => x === 0)) return { address: v4(h[6]!, h[7]!), family: 'ipv4' };
  return { address: a, family: 'ipv6' };
}

/** Public unicast: reachable by anyone on the internet, so reaching it reveals nothing internal. */
export function isPublicAddress(address: string): boolean {
  const j = judgedAddress(address);
  if (!j) return false;
  if (j.family === 'ipv4') return !nonPublic.check(j.address, 'ipv4');
  const first = hextets(j.address)![0]!;
  return (first & 0xe000) === 0x2000 && !nonPublic.check(j.address, 'ipv6');
}

/** One KWERENDA_WEBHOOK_ALLOW entry: a host name, an address or a CIDR range; null when it is none. */
export function parseAllowEntry(entry: string): { kind: 'host'; host: string } | { kind: 'net'; address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const e = entry.trim().toLowerCase().replace(/\.$/, '');
  const [addr, bits, more] = e.split('/');
  if (more === undefined && addr !== undefined) {
    const j = judgedAddress(addr);
    if (j) {
      const max = j.family === 'ipv4' ? 32 : 128;
      const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
      return prefix >= 0 && prefix <= max ? { kind: 'net', address: j.address, prefix, family: j.family } : null;
    }
  }
  return bits === undefined && /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/.test(e)
    ? { kind: 'host', host: e }
    : null;
}

/** The refusal of an address, with a code the dispatcher and the store recognise. */
export class TargetRefused extends Error {
  readonly code = 'EKW_TARGET_REFUSED';
  constructor() {
    super('address not allowed for webhooks');
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

export class TargetPolicy {
  private readonly hosts = new Set<string>();
  private readonly nets = new net.BlockList();

  /** `allow`: KWERENDA_WEBHOOK_ALLOW entries (checked by the config); unknown entries are ignored here. */
  constructor(allow: readonly string[] = []) {
    for (const raw of allow) {
      const e = parseAllowEntry(raw);
      if (e?.kind === 'host') this.hosts.add(e.host);
      else if (e) this.nets.addSubnet(e.address, e.prefix, e.family);
    }
  }

  /** Whether a connection to `address` may be made for a URL whose host is `host`. */
  allows(host: string, address: string): boolean {
    if (this.hosts.has(host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase())) return true;
    const j = judgedAddress(address);
    if (!j) return false;
    return this.nets.check(j.address, j.family) || isPublicAddress(address);
  }

  /**
   * Resolves `url`'s host and throws TargetRefused when any address it resolves to is not allowed.
   * A name that does not resolve (yet) passes: every send checks again.
   */
  async check(url: URL, timeoutMs = 3000): Promise<void> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(host)) {
      if (!this.allows(host, host)) throw new TargetRefused();
      return;
    }
    if (this.allows(host, '')) return;
    // RFC 6761: localhost names are loopback, whatever a resolver says of them (`localhost.` may not resolve here).
    if (/^(?:.+\.)?localhost\.?$/i.test(host) && !this.allows(host, '127.0.0.1')) throw new TargetRefused();
    let timer: NodeJS.Timeout | undefined;
    const addresses = await Promise.race([
      dns.promises.lookup(host, { all: true }).catch(() => [] as dns.LookupAddress[]),
      new Promise<dns.LookupAddress[]>((r) => (timer = setTimeout(() => r([]), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    if (addresses.some((a) => !this.allows(host, a.address))) throw new TargetRefused();
  }

  /**
   * A `lookup` for http(s).request that answers only with allowed addresses of `host`, so the
   * socket connects to an address that was checked.
   */
  lookupFor(host: string): (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => void {
    return (hostname, options, callback) => {
      dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
        if (err) return callback(err, '');
        const ok = addresses.filter((a) => this.allows(host, a.address));
        if (ok.length === 0) return callback(new TargetRefused() as unknown as NodeJS.ErrnoException, '');
        if (options.all) callback(null, ok);
        else callback(null, ok[0]!.address, ok[0]!.family);
      });
    };
  }
}

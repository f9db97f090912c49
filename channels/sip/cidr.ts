// Source-address checks for SIP_ALLOWED_SOURCES: node's own BlockList matches IPv4 and IPv6 subnets (an IPv4
// address written IPv4-mapped, `::ffff:10.0.0.9`, matches its IPv4 subnet), so no CIDR library is needed.
import net from 'node:net';

/** `10.1.2.0/24, 2001:db8::/32, 192.0.2.7` → the entries, each checked; throws naming the first bad one. */
export function parseCidrs(v: string): string[] {
  const entries = v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  for (const e of entries) {
    const [addr, bits, extra] = e.split('/');
    const family = net.isIP(addr);
    const max = family === 6 ? 128 : 32;
    const okBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max);
    if (!family || !okBits || extra !== undefined) throw new Error(`"${e}" is not an IP address or CIDR (10.0.0.0/8, 2001:db8::/32)`);
  }
  return entries;
}

/** A matcher for parsed CIDRs; with none, every address matches (no restriction configured). */
export function cidrMatcher(cidrs: readonly string[]): (address: string) => boolean {
  if (cidrs.length === 0) return () => true;
  const list = new net.BlockList();
  for (const e of cidrs) {
    const [addr, bits] = e.split('/');
    const type = net.isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return (address) => {
    const family = net.isIP(address);
    return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
}

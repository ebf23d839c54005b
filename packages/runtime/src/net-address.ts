// Which addresses a name may resolve to. ipaddr.js keeps the IANA special-purpose registries (IPv4 and
// IPv6, with the embedded-IPv4 forms) up to date; a hand-written list of prefixes missed several of them.
import ipaddr from 'ipaddr.js';

/**
 * True only for a global unicast address: loopback, private, link-local, unique-local, carrier-grade NAT,
 * benchmarking, multicast, reserved and the forms that embed an IPv4 address (IPv4-mapped, NAT64, 6to4,
 * Teredo) are all refused, whatever notation they are written in.
 */
export function isGlobalUnicast(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  // ipaddr.process turns "::ffff:7f00:1" into the IPv4 address it maps, so it is judged as 127.0.0.1.
  const parsed = ipaddr.process(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  if (parsed.range() !== 'unicast') return false;
  // Ranges ipaddr.js files under "unicast" that still reach a local or translated network.
  if (parsed.kind() === 'ipv6') return !NON_GLOBAL_V6.some(([prefix, bits]) => (parsed as ipaddr.IPv6).match(prefix, bits));
  return true;
}

const NON_GLOBAL_V6: [ipaddr.IPv6, number][] = [
  ['64:ff9b:1::', 48], // local-use NAT64 (RFC 8215)
  ['::', 96], // IPv4-compatible (deprecated), e.g. ::7f00:1
  ['::ffff:0:0:0', 96], // SIIT (RFC 6145)
].map(([prefix, bits]) => [ipaddr.IPv6.parse(prefix as string), bits as number]);

/** True when `host` (as in a URL or a policy pattern, IPv6 in brackets) is an IP address, not a name. */
export function isIpLiteral(host: string): boolean {
  return ipaddr.isValid(host.replace(/^\[|\]$/g, ''));
}

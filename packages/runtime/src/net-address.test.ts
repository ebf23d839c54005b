import { describe, expect, it } from 'vitest';
import { isGlobalUnicast, isIpLiteral } from './net-address.ts';

// Each address a name could resolve to that reaches this machine, a local network or a translator to one.
const REFUSED: Record<string, string[]> = {
  'loopback and unspecified': ['127.0.0.1', '127.255.255.254', '::1', '::', '0.0.0.0'],
  'IPv4-mapped IPv6, hex and dotted forms': ['::ffff:7f00:1', '::ffff:127.0.0.1', '::ffff:a00:1', '::ffff:c0a8:101', '::ffff:0:7f00:1'],
  'IPv4-compatible IPv6': ['::7f00:1', '::a00:1'],
  'NAT64 64:ff9b::/96 and 64:ff9b:1::/48': ['64:ff9b::7f00:1', '64:ff9b::a00:1', '64:ff9b::808:808', '64:ff9b:1::1'],
  '6to4 and Teredo': ['2002:7f00:1::', '2001::1'],
  'link-local fe80::/10, all of it': ['fe80::1', 'fe80::1%eth0', 'fe9f::1', 'febf:ffff::1'],
  'unique-local fc00::/7': ['fc00::1', 'fd12:3456::1', 'fdff:ffff::1'],
  'private IPv4': ['10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1'],
  'link-local IPv4 (cloud metadata)': ['169.254.169.254', '169.254.0.1'],
  'benchmarking 198.18.0.0/15': ['198.18.0.1', '198.19.255.255'],
  'carrier-grade NAT 100.64.0.0/10': ['100.64.0.1', '100.127.255.255'],
  '0.0.0.0/8': ['0.1.2.3', '0.255.255.255'],
  multicast: ['224.0.0.1', '239.255.255.250', 'ff02::1', 'ff05::1:3'],
  'reserved, documentation and broadcast': ['240.0.0.1', '255.255.255.255', '192.0.2.1', '2001:db8::1'],
  'not an address': ['localhost', '', 'example.com'],
};

describe('isGlobalUnicast: which resolved addresses a name may reach', () => {
  for (const [range, addresses] of Object.entries(REFUSED)) {
    it(`refuses ${range}`, () => {
      for (const address of addresses) expect(isGlobalUnicast(address), address).toBe(false);
    });
  }

  it('accepts global unicast addresses, IPv4 and IPv6', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700::1111', '2a00:1450:4001::1']) expect(isGlobalUnicast(address), address).toBe(true);
  });

  it('tells IP literals (as in URLs and patterns) from names', () => {
    expect(isIpLiteral('127.0.0.1')).toBe(true);
    expect(isIpLiteral('[::1]')).toBe(true);
    expect(isIpLiteral('localhost')).toBe(false);
    expect(isIpLiteral('*.example.com')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { canonicalIp, ipv6Groups, refusedAddress } from '../../src/notify/webhooks/address-policy.js';
import { parseAllowEntry } from '../../src/notify/webhooks/destination.js';

// Pure address checks: nothing here opens a socket or asks DNS.
describe('webhook address policy', () => {
  const refused: [string, string][] = [
    // IPv4
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.255', 'shared'],
    ['100.100.100.200', 'shared'], // Alibaba metadata
    ['169.254.169.254', 'link_local'], // AWS / GCP / Azure metadata
    ['169.254.0.1', 'link_local'],
    ['192.0.0.192', 'reserved'], // Oracle metadata
    ['168.63.129.16', 'metadata'], // Azure wire server
    ['192.0.2.10', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.99', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['192.88.99.1', 'reserved'],
    // IPv6
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1', 'link_local'],
    ['febf::1', 'link_local'],
    ['fec0::1', 'link_local'],
    ['fc00::1', 'unique_local'],
    ['fdff:ffff::1', 'unique_local'],
    ['fd00:ec2::254', 'metadata'], // AWS IPv6 metadata
    ['ff02::1', 'multicast'],
    ['ff05::1:3', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2001:2::1', 'benchmarking'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'], // Teredo
    ['100::1', 'not_global'], // discard-only
    ['4000::1', 'not_global'],
    // IPv4 inside IPv6: judged by the IPv4 address
    ['::ffff:127.0.0.1', 'ipv4_embedded'],
    ['::ffff:7f00:1', 'ipv4_embedded'],
    ['::FFFF:169.254.169.254', 'ipv4_embedded'],
    ['::ffff:10.1.2.3', 'ipv4_embedded'],
    ['::ffff:0:127.0.0.1', 'ipv4_embedded'], // SIIT translated
    ['::127.0.0.1', 'ipv4_embedded'], // IPv4-compatible
    ['::8.8.8.8', 'ipv4_embedded'], // IPv4-compatible is refused whatever it carries
    ['64:ff9b::127.0.0.1', 'ipv4_embedded'], // NAT64
    ['64:ff9b::a9fe:a9fe', 'ipv4_embedded'], // NAT64 of 169.254.169.254
    ['64:ff9b:1::8.8.8.8', 'ipv4_embedded'], // local-use NAT64 prefix
    ['2002:7f00:1::1', 'ipv4_embedded'], // 6to4 of 127.0.0.1
    ['2002:c0a8:101::1', 'ipv4_embedded'], // 6to4 of 192.168.1.1
    // not an address at all
    ['localhost', 'invalid'],
    ['', 'invalid'],
    ['127.1', 'invalid'],
    ['fe80::1%eth0', 'invalid'],
  ];

  it.each(refused)('refuses %s (%s)', (ip, why) => {
    expect(refusedAddress(ip)).toBe(why);
  });

  const allowed = ['8.8.8.8', '1.1.1.1', '93.184.215.14', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1', '169.253.255.255', '192.169.0.1', '223.255.255.254', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'];

  it.each(allowed)('allows the public address %s', (ip) => {
    expect(refusedAddress(ip)).toBeNull();
  });

  it('parses IPv6 forms to the same groups', () => {
    expect(ipv6Groups('::ffff:127.0.0.1')).toEqual(ipv6Groups('::ffff:7f00:1'));
    expect(ipv6Groups('1:2:3:4:5:6:7:8:9')).toBeNull();
    expect(canonicalIp('::1')).toBe(canonicalIp('0:0:0:0:0:0:0:1'));
    expect(canonicalIp('127.0.0.1')).toBe('127.0.0.1');
  });

  it('reads allow-list entries', () => {
    expect(parseAllowEntry('127.0.0.1:9000')).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(parseAllowEntry('[::1]:9000')).toEqual({ host: canonicalIp('::1'), port: 9000 });
    expect(parseAllowEntry('LocalHost:4000')).toEqual({ host: 'localhost', port: 4000 });
    expect(parseAllowEntry('10.0.0.5')).toEqual({ host: '10.0.0.5' });
    for (const bad of ['', '127.0.0.1:0', '127.0.0.1:70000', '[localhost]:80', 'http://127.0.0.1:80', '::1:80', 'a b:80']) expect(parseAllowEntry(bad)).toBeNull();
  });
});

/**
 * Where webhooks may point: loopback, link-local, private and other non-public addresses in every
 * spelling the URL parser accepts (decimal, octal, hex IPv4, IPv6, IPv4-mapped IPv6, NAT64,
 * `localhost`) are refused unless KWERENDA_WEBHOOK_ALLOW names them, by host, address or range;
 * a bad allow-list entry stops the start.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { isPublicAddress, TargetPolicy } from './webhook-target.js';

describe('webhook targets', () => {
  it.each([
    '127.0.0.1', '127.1.2.3', '10.0.0.5', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1',
    '0.0.0.0', '224.0.0.1', '255.255.255.255', '198.18.0.1', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.5', '64:ff9b::a00:5', '::127.0.0.1', '2001:db8::1', '2002:7f00:1::1', 'fe80::1%eth0',
  ])('%s is not a public address', (a) => {
    expect(isPublicAddress(a)).toBe(false);
  });

  it.each(['8.8.8.8', '185.13.40.1', '172.32.0.1', '2a00:1450:4001::1', '::ffff:8.8.8.8', '64:ff9b::808:808'])('%s is public', (a) => {
    expect(isPublicAddress(a)).toBe(true);
  });

  it.each([
    'http://127.0.0.1:22/', 'http://2130706433/', 'http://0177.0.0.1/', 'http://0x7f.1/', 'http://017700000001/', 'http://127.1/',
    'http://[::1]:8080/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:a00:5]/', 'http://10.0.0.5/', 'http://169.254.169.254/latest/meta-data/',
    'http://[fe80::1]/', 'http://localhost:3000/', 'http://LOCALHOST./x', 'http://0/',
  ])('%s is refused without an allow-list', async (u) => {
    await expect(new TargetPolicy([]).check(new URL(u))).rejects.toMatchObject({ code: 'EKW_TARGET_REFUSED' });
  });

  it('an allow-list entry admits a host by name, an address, or a range — and nothing else', async () => {
    const policy = new TargetPolicy(['ezd.um.example.pl', '127.0.0.1', '10.20.0.0/16', 'fd00::/8']);
    for (const u of ['http://127.0.0.1:9000/', 'http://2130706433/', 'http://[::ffff:127.0.0.1]/', 'http://10.20.3.4/', 'http://[fd00::5]/', 'https://ezd.um.example.pl/h']) {
      await expect(policy.check(new URL(u)), u).resolves.toBeUndefined();
    }
    for (const u of ['http://127.0.0.2/', 'http://10.21.0.1/', 'http://[::1]/', 'http://192.168.0.1/']) {
      await expect(policy.check(new URL(u)), u).rejects.toMatchObject({ code: 'EKW_TARGET_REFUSED' });
    }
    expect(policy.allows('ezd.um.example.pl', '192.168.7.7')).toBe(true);
    expect(policy.allows('inny.example.pl', '192.168.7.7')).toBe(false);
  });

  it('KWERENDA_WEBHOOK_ALLOW is parsed at start; an entry that is none of host, address, range stops it', () => {
    expect(loadConfig({ KWERENDA_WEBHOOK_ALLOW: 'ezd.um.example.pl, 10.0.0.0/8 ::1' }).webhooks.allow).toEqual(['ezd.um.example.pl', '10.0.0.0/8', '::1']);
    expect(loadConfig({}).webhooks.allow).toEqual([]);
    for (const bad of ['10.0.0.0/33', 'http://ezd/', 'ezd_um', '10.0.0.0/8/1']) {
      expect(() => loadConfig({ KWERENDA_WEBHOOK_ALLOW: bad }), bad).toThrow(ConfigError);
    }
  });
});

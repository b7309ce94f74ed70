import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText } from './load-config.js';

const minimal = {
  gatewayId: 'gw-1',
  siteTimeZone: 'Africa/Nairobi',
  currency: 'KES',
  dataDir: '/tmp/gw',
  buses: [{ id: 'tcp', kind: 'tcp' }],
  accounts: [{ id: 'acc-1', mode: 'prepaid', tariffId: 'flat' }],
  meters: [
    {
      id: 'm1',
      protocol: 'modbus',
      bus: 'tcp',
      profile: 'generic',
      host: '127.0.0.1',
      accountId: 'acc-1',
    },
  ],
};

function problems(text: string, source = 'gw.json'): string[] {
  try {
    parseConfigText(text, source);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfigText', () => {
  it('accepts a minimal JSON config and fills defaults', () => {
    const cfg = parseConfigText(JSON.stringify(minimal), 'gw.json');
    expect(cfg.relayPolicy.reconnectMinor).toBe(200n);
    expect(cfg.meters[0]?.intervalSeconds).toBe(900);
    expect(cfg.accounts[0]?.openingBalanceMinor).toBe(0n);
  });

  it('accepts YAML', () => {
    const yaml = [
      'gatewayId: gw-2',
      'siteTimeZone: Europe/Berlin',
      'currency: EUR',
      'dataDir: /var/lib/gw',
      'relayPolicy:',
      '  warnMinor: "1000"',
    ].join('\n');
    const cfg = parseConfigText(yaml, 'gw.yaml');
    expect(cfg.relayPolicy.warnMinor).toBe(1000n);
  });

  it('names the path and the problem for each bad field', () => {
    const bad = { ...minimal, siteTimeZone: 'Mars/Olympus', gatewayId: 7 };
    const found = problems(JSON.stringify(bad));
    expect(found).toContain('siteTimeZone: is not a known IANA time zone');
    expect(found.some((p) => p.startsWith('gatewayId: '))).toBe(true);
  });

  it('checks cross references and hysteresis', () => {
    const bad = {
      ...minimal,
      meters: [{ ...minimal.meters[0], bus: 'nope', accountId: 'ghost' }],
      relayPolicy: { disconnectMinor: 100, reconnectMinor: 100 },
    };
    expect(problems(JSON.stringify(bad))).toEqual([
      'meters.0.bus: unknown bus "nope"',
      'meters.0.accountId: unknown account "ghost"',
      'relayPolicy.reconnectMinor: must be above disconnectMinor (hysteresis)',
    ]);
  });

  it('reports syntax errors with the source name', () => {
    expect(problems('{"gatewayId": ', 'x.json')[0]).toMatch(/^cannot parse: /);
  });
});

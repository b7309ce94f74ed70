import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exampleChangePage } from './example-documents.js';
import { pullHintSchema, relayCommandSchema } from './mqtt-messages.js';
import {
  CENTRAL_MQTT_USERNAME,
  CENTRAL_UP_FILTER,
  commandFilter,
  commandTopic,
  filterCovers,
  parseTopic,
  topicMatches,
  upTopic,
} from './mqtt-topics.js';
import { gatewayIdSchema } from './primitives.js';

describe('mqtt topics', () => {
  it('builds and parses the gateway topics', () => {
    expect(upTopic('gw-1', 'telemetry')).toBe('gridbill/gw/gw-1/up/telemetry');
    expect(commandTopic('gw-1', 'relay')).toBe('gridbill/gw/gw-1/cmd/relay');
    expect(commandFilter('gw-1')).toBe('gridbill/gw/gw-1/cmd/#');
    expect(parseTopic('gridbill/gw/gw-1/up/status')).toEqual({
      direction: 'up',
      gatewayId: 'gw-1',
      kind: 'status',
    });
    expect(parseTopic('gridbill/gw/gw-1/cmd/status')).toBeNull();
    expect(parseTopic('gridbill/gw/gw@x/up/status')).toBeNull();
    expect(parseTopic('gridbill/gw/gw-1/up/status/x')).toBeNull();
  });

  it('refuses a gateway id that would change the topic structure', () => {
    expect(() => upTopic('gw/+', 'status')).toThrow("invalid gateway id 'gw/+' for an MQTT topic");
    expect(() => commandFilter('#')).toThrow('invalid gateway id');
  });

  it('keeps the central username outside the gateway id space', () => {
    expect(gatewayIdSchema.safeParse(CENTRAL_MQTT_USERNAME).success).toBe(false);
  });

  it('matches MQTT wildcards', () => {
    expect(topicMatches(CENTRAL_UP_FILTER, 'gridbill/gw/gw-1/up/status')).toBe(true);
    expect(topicMatches(CENTRAL_UP_FILTER, 'gridbill/gw/gw-1/cmd/pull')).toBe(false);
    expect(topicMatches('a/#', 'a')).toBe(true);
    expect(topicMatches('a/+', 'a')).toBe(false);
    expect(topicMatches('#', '$SYS/broker')).toBe(false);
  });

  it('decides whether an allowed filter covers a requested one', () => {
    const own = commandFilter('gw-1');
    expect(filterCovers(own, 'gridbill/gw/gw-1/cmd/pull')).toBe(true);
    expect(filterCovers(own, own)).toBe(true);
    expect(filterCovers(own, 'gridbill/gw/+/cmd/#')).toBe(false);
    expect(filterCovers(own, 'gridbill/gw/gw-2/cmd/pull')).toBe(false);
    expect(filterCovers(own, '#')).toBe(false);
    expect(filterCovers('gridbill/gw/+/up/#', 'gridbill/gw/gw-9/up/+')).toBe(true);
  });

  it('covers only filters whose every match it matches (property)', () => {
    const level = fc.constantFrom('a', 'b', '+');
    const filterArb = fc
      .tuple(fc.array(level, { minLength: 1, maxLength: 3 }), fc.boolean())
      .map(([parts, hash]) => [...parts, ...(hash ? ['#'] : [])].join('/'));
    const topicArb = fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(filterArb, filterArb, fc.array(topicArb, { maxLength: 30 }), (a, r, topics) => {
        if (!filterCovers(a, r)) return;
        for (const parts of topics) {
          const topic = parts.join('/');
          if (topicMatches(r, topic)) expect(topicMatches(a, topic)).toBe(true);
        }
      }),
    );
  });
});

describe('mqtt messages', () => {
  it('parses a pull hint and a relay command', () => {
    const hint = { v: 1, checkpoint: { feedEpoch: 'e1', cseq: 121 } };
    expect(pullHintSchema.parse(hint)).toEqual(hint);
    const order = exampleChangePage.changes[1]!.body;
    expect(relayCommandSchema.parse({ v: 1, order }).order).toEqual(order);
    expect(relayCommandSchema.safeParse({ v: 2, order }).success).toBe(false);
  });
});

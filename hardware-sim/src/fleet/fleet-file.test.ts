import { describe, expect, it } from 'vitest';
import { buildMeters } from './build-meters.js';
import { parseFleet } from './fleet-file.js';
import { quickFleet } from './quick-fleet.js';

const YAML = `
seed: 3
meters:
  - id: house-1
    protocol: modbus
    transport: rtu
    ptyLink: /tmp/bus1
    unitId: 7
    map: sdm630
    load: { kW: 1.5 }
    registers: { importWh: 1000 }
  - id: dlms-1
    protocol: dlms
    transport: wrapper
    port: 4059
`;

describe('fleet file', () => {
  it('reads YAML and JSON into meter specs', () => {
    const [rtu, dlms] = buildMeters(parseFleet(YAML, 'fleet.yaml'));
    expect(rtu).toMatchObject({ transport: 'rtu', unitId: 7, map: 'sdm630' });
    expect(rtu!.spec).toMatchObject({ phaseCount: 3, load: { constantW: 1500 } });
    expect(rtu!.spec.start).toEqual({ importWh: 1000, exportWh: 0, importRateWh: [1000, 0, 0, 0] });
    expect(dlms).toMatchObject({ protocol: 'dlms', serverAddress: 1, port: 4059 });
    const json = JSON.stringify({
      meters: [{ id: 'a', protocol: 'modbus', transport: 'tcp', port: 1, unitId: 1 }],
    });
    expect(buildMeters(parseFleet(json, 'f.json'))[0]!.map).toBe('gridbill-prepaid');
  });

  it('names the path of every problem', () => {
    const bad = {
      meters: [
        { id: 'a', protocol: 'modbus', transport: 'tcp', unitId: 300, port: 502 },
        { id: 'b', protocol: 'dlms', transport: 'rtu', port: 1 },
        { id: 'c', protocol: 'modbus', transport: 'rtu', unitId: 2 },
        { id: 'a', protocol: 'modbus', transport: 'tcp', port: 502, unitId: 1 },
      ],
    };
    const message = (() => {
      try {
        parseFleet(JSON.stringify(bad), 'site.json');
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    expect(message).toMatch(/^site\.json: /);
    expect(message).toMatch(/meters\[0\]\.unitId: Too big/);
    expect(message).toMatch(/meters\[1\]\.transport: rtu is not a dlms transport/);
    expect(message).toMatch(/meters\[2\]\.device: rtu needs "device"/);
    expect(message).toMatch(/meters\[3\]\.id: duplicate id a \(already used by meters\[0\]\)/);
  });

  it('reports syntax errors with the file name', () => {
    expect(() => parseFleet('meters: [', 'x.yml')).toThrow(/^x\.yml: not valid YAML/);
    expect(() => parseFleet('{', 'x.json')).toThrow(/^x\.json: not valid JSON/);
  });

  it('quick mode spreads unit ids over ports and alternates DLMS meters', () => {
    const fleet = quickFleet({ meters: 600, modbusPort: 5020, dlmsPort: 4059 });
    const modbus = fleet.meters.filter((m) => m.protocol === 'modbus');
    expect(modbus).toHaveLength(300);
    expect(modbus[246]).toMatchObject({ port: 5020, unitId: 247 });
    expect(modbus[247]).toMatchObject({ port: 5021, unitId: 1 });
    expect(fleet.meters[1]).toMatchObject({ protocol: 'dlms', port: 4059, serverAddress: 1 });
    expect(() => quickFleet({ meters: 1 })).toThrow(/--modbus-port/);
  });
});

import { decodeApdu, decryptPayload, fromHex } from '@gridbill/shared/dlms';
import { describe, expect, it } from 'vitest';
import { ClientCipher } from './client-security.js';
import { InvocationCounterAllocator, memoryCounterStore } from './invocation-counter.js';

const keys = {
  systemTitle: fromHex('505954484F4E3031'),
  blockCipherKey: fromHex('000102030405060708090A0B0C0D0E0F'),
  authenticationKey: fromHex('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF'),
};
const GET_CLOCK = fromHex('C001C100080000010000FF0200');

async function cipher(dedicatedKey?: Uint8Array) {
  const counter = await InvocationCounterAllocator.open(memoryCounterStore(1000));
  return new ClientCipher({ ...keys, ...(dedicatedKey ? { dedicatedKey } : {}) }, counter);
}

describe('client ciphering', () => {
  it('glo-ciphering seals GET clock with tag C8 and the next counter', async () => {
    const sealed = decodeApdu(await (await cipher()).seal(GET_CLOCK));
    if (sealed.kind !== 'ciphered') throw new Error(sealed.kind);
    expect(sealed.tag).toBe(0xc8);
    expect(sealed.invocationCounter).toBe(1000);
    const plain = decryptPayload({ ...keys, ...sealed }, sealed.payload);
    expect(plain).toEqual(GET_CLOCK);
  });

  it('ded-ciphering uses tag D0 and the dedicated key, not the global key', async () => {
    const dedicatedKey = fromHex('A0A1A2A3A4A5A6A7A8A9AAABACADAEAF');
    const sealed = decodeApdu(await (await cipher(dedicatedKey)).seal(GET_CLOCK));
    if (sealed.kind !== 'ciphered') throw new Error(sealed.kind);
    expect(sealed.tag).toBe(0xd0);
    const input = { ...keys, ...sealed };
    expect(decryptPayload({ ...input, blockCipherKey: dedicatedKey }, sealed.payload)).toEqual(
      GET_CLOCK,
    );
    expect(() => decryptPayload(input, sealed.payload)).toThrow(/tag mismatch/);
  });

  it('rejects a replayed server response (IC not increasing)', async () => {
    const c = await cipher();
    const server = new ClientCipher(
      { ...keys, systemTitle: fromHex('4142434445464748') },
      await InvocationCounterAllocator.open(memoryCounterStore(7)),
    );
    c.serverSystemTitle = fromHex('4142434445464748');
    const response = await server.seal(fromHex('C401C1000F00'));
    expect(c.open(response)).toMatchObject({ kind: 'get-response-normal' });
    expect(() => c.open(response)).toThrow(/not above 7/);
  });

  it('a persisted floor rejects responses older than a previous session', async () => {
    const c = await cipher();
    const server = new ClientCipher(
      { ...keys, systemTitle: fromHex('4142434445464748') },
      await InvocationCounterAllocator.open(memoryCounterStore(7)),
    );
    c.serverSystemTitle = fromHex('4142434445464748');
    c.lastServerIc = 9 - 1;
    const old = await server.seal(fromHex('C401C1000F00'));
    expect(() => c.open(old)).toThrow(/server IC 7/);
  });
});

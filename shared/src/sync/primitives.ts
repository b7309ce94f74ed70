import { z } from 'zod';

/** Wire version of every sync document; bump on an incompatible change. */
export const SYNC_PROTOCOL_VERSION = 1;

export const protocolVersionSchema = z.literal(SYNC_PROTOCOL_VERSION);

/**
 * Gateway id: 1..64 of A-Z a-z 0-9 . _ - (central's gateway records use the same rule). It is
 * also the MQTT username and a topic level, so it never contains '/', '+', '#' or '@' (the
 * central account's name has '@').
 * Example: 'gw-kisumu-01' → ok; 'GW/1' → error.
 */
export const gatewayIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'gateway id: 1-64 chars of A-Z, a-z, 0-9, ".", "_", "-"');

/** Domain object id (meter, account, tariff, ...): 1..128 printable chars without spaces. */
export const objectIdSchema = z.string().regex(/^[\x21-\x7e]{1,128}$/, 'id: 1-128 printable chars');

/** UUID text (any version), lower or upper case. */
export const uuidTextSchema = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'uuid');

/** Per-incarnation event sequence number: 1, 2, 3, ... (gapless). */
export const seqSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** Central change-feed sequence (0 = before the first change). */
export const cseqSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** UTC epoch milliseconds. */
export const epochMsSchema = z.number().int().min(0).max(8.64e15);

/** Integer energy in Wh (never float kWh). */
export const energyWhSchema = z.number().int().min(-Number.MAX_SAFE_INTEGER);

export const currencyCodeSchema = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code');

const INTEGER_TEXT = /^-?(0|[1-9][0-9]{0,38})$/;

/**
 * Money in minor units travels as a decimal integer string and is a bigint in memory.
 * Example: decode '-1250' → -1250n; encode 77178n → '77178'.
 */
export const minorUnitsSchema = z.codec(
  z.string().regex(INTEGER_TEXT, 'integer minor units as a decimal string'),
  z.bigint(),
  { decode: (text) => BigInt(text), encode: (value) => value.toString() },
);

/** IANA zone name, e.g. 'Africa/Nairobi'. Checked for shape only (pure code). */
export const timeZoneSchema = z.string().regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, 'IANA zone');

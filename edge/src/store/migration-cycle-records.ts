/**
 * Cycle records (issue 6, store migration 6): a poll cycle's register reads, intervals with
 * their charges and changed VEE states are ONE `cycle_records` row (a columnar JSON body, see
 * `cycle-record.ts`) instead of a row per reading and per interval. The `readings`,
 * `intervals` and `charges` views show the older tables (`readings_v1`, `intervals_v1`,
 * `charges_v1`) and the rows inside the cycle records with the old columns, so readers are
 * unchanged (the views parse JSON: the newest readings come from `latestReadings`, which uses
 * the `last_capture_ms` index); a record's charge id is derived, as on central, by
 * `gridbill_charge_id(meter, start, version)` (registered on each connection,
 * `store-functions.ts`). `meter_state` becomes a checkpoint, `{ vee, reads, ivMs }` (the VEE
 * state, the last capture stored per register, the last interval start) including every cycle
 * record up to `through_seq`; older rows are converted here (through record 0, the marks from
 * the old tables, through a temporary index).
 */

/** Column `name` of the record's `kind` rows at the row of `j` (the json_each cursor). */
const col = (kind: string, name: string) => `c.body ->> ('$.${kind}.${name}[' || j.key || ']')`;
/** Time column `name` (ms after the record's `t0`) as absolute ms. */
const time = (kind: string, name: string) => `((c.body ->> '$.t0') + ${col(kind, name)})`;
/** The string that column `name` indexes in the record's table `table`. */
const str = (kind: string, name: string, table: string) =>
  `c.body ->> ('$.${table}[' || (${col(kind, name)}) || ']')`;

const READINGS_VIEW = `
  CREATE VIEW readings AS
    SELECT capture_ms, meter_id, register, value_wh, serial, quality FROM readings_v1
    UNION ALL
    SELECT ${time('r', 't')}, ${str('r', 'm', 'm')}, ${str('r', 'g', 'g')}, ${col('r', 'wh')},
      ${str('r', 's', 's')}, CASE ${col('r', 'q')} WHEN 1 THEN 'snapshot' ELSE 'profile' END
    FROM cycle_records c, json_each(c.body, '$.r.t') j;`;

const INTERVALS_VIEW = `
  CREATE VIEW intervals AS
    SELECT start_ms, meter_id, end_ms, energy_wh, flags, source, charge_id, account_id,
      tariff_version, amount_minor FROM intervals_v1
    UNION ALL
    SELECT start_ms, meter_id, end_ms, energy_wh, flags,
      CASE WHEN instr(flags, 'snapshot') > 0 THEN 'snapshot' ELSE 'profile' END,
      CASE WHEN rated THEN gridbill_charge_id(meter_id, start_ms, tariff_version) END,
      CASE WHEN rated THEN account_id END, CASE WHEN rated THEN tariff_version END,
      CASE WHEN rated THEN amount_minor END
    FROM (
      SELECT ${time('i', 't')} AS start_ms, ${str('i', 'm', 'm')} AS meter_id,
        ${time('i', 't')} + ${col('i', 'd')} AS end_ms, ${col('i', 'wh')} AS energy_wh,
        ${str('i', 'f', 'f')} AS flags, ${col('i', 'a')} >= 0 AS rated,
        ${str('i', 'a', 'a')} AS account_id, ${str('i', 'tv', 'tv')} AS tariff_version,
        ${col('i', 'am')} AS amount_minor
      FROM cycle_records c, json_each(c.body, '$.i.t') j);
  CREATE TRIGGER intervals_insert INSTEAD OF INSERT ON intervals BEGIN
    INSERT INTO intervals_v1 (start_ms, meter_id, end_ms, energy_wh, flags, source, charge_id,
      account_id, tariff_version, amount_minor)
    VALUES (NEW.start_ms, NEW.meter_id, NEW.end_ms, NEW.energy_wh, NEW.flags, NEW.source,
      NEW.charge_id, NEW.account_id, NEW.tariff_version, NEW.amount_minor);
  END;`;

const CHARGES_VIEW = `
  CREATE VIEW charges AS
    SELECT start_ms AS interval_start_ms, meter_id, tariff_version, charge_id AS id,
      account_id, energy_wh, amount_minor
    FROM intervals WHERE tariff_version IS NOT NULL
    UNION ALL
    SELECT interval_start_ms, meter_id, tariff_version, id, account_id, energy_wh, amount_minor
    FROM charges_v1;`;

export const CYCLE_RECORDS_MIGRATION = `
  CREATE TABLE cycle_records (
    seq INTEGER PRIMARY KEY, max_start_ms INTEGER NOT NULL, last_capture_ms INTEGER NOT NULL,
    body TEXT NOT NULL) STRICT;
  CREATE INDEX cycle_records_last_capture ON cycle_records (last_capture_ms);
  CREATE INDEX cycle_records_max_start ON cycle_records (max_start_ms);
  ALTER TABLE meter_state ADD COLUMN through_seq INTEGER;
  CREATE INDEX temp_readings_marks ON readings (meter_id, register, capture_ms);
  CREATE INDEX temp_intervals_marks ON intervals (meter_id, start_ms);
  UPDATE meter_state SET through_seq = 0, state = json_object(
    'vee', json(state),
    'reads', coalesce((SELECT json_group_object(register, ms) FROM (
      SELECT register, max(capture_ms) AS ms FROM readings r
      WHERE r.meter_id = meter_state.meter_id GROUP BY register)), json('{}')),
    'ivMs', (SELECT max(start_ms) FROM intervals i WHERE i.meter_id = meter_state.meter_id));
  DROP INDEX temp_readings_marks;
  DROP INDEX temp_intervals_marks;
  DROP VIEW charges;
  ALTER TABLE readings RENAME TO readings_v1;
  ALTER TABLE intervals RENAME TO intervals_v1;
  ${READINGS_VIEW}
  ${INTERVALS_VIEW}
  ${CHARGES_VIEW}`;

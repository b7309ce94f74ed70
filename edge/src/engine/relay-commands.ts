import type { Engine } from './engine.js';

export interface RelayCommandRow {
  id: string;
  meterId: string;
  action: 'open' | 'close';
  reason: string;
  status: 'pending' | 'sending' | 'verifying' | 'backoff' | 'done' | 'failed';
  attempts: number;
  createdWallMs: number;
  lastError: string | null;
}

/**
 * Persists a relay command (status `pending`) in the caller's transaction; the journal runner
 * sends it after the commit. A relay order passes its order id as the command id, so the
 * outcome event carries `commandId = orderId`.
 *
 * @example
 * createRelayCommand(engine, 'm1', 'open', 'credit') // → 'cmd-…' (row in relay_commands)
 * createRelayCommand(engine, 'm1', 'open', 'order: line work', 'ord-7') // → 'ord-7'
 */
export function createRelayCommand(
  engine: Engine,
  meterId: string,
  action: 'open' | 'close',
  reason: string,
  commandId?: string,
): string {
  const id = commandId ?? `cmd-${engine.deps.newId()}`;
  const wallMs = engine.deps.clock.wallMs();
  engine.stmts.insertCommand.run(id, meterId, action, reason, wallMs, wallMs);
  engine.deps.logger.info({ meterId, action, reason, commandId: id }, 'relay command persisted');
  engine.commandsCreated += 1;
  return id;
}

/** Commands not yet done or failed, oldest first. */
export function openCommands(engine: Engine): RelayCommandRow[] {
  const rows = engine.deps.db
    .prepare(
      "SELECT * FROM relay_commands WHERE status NOT IN ('done', 'failed') " +
        'ORDER BY created_wall_ms, id',
    )
    .all() as Record<string, unknown>[];
  return rows.map(toCommand);
}

export function commandById(engine: Engine, id: string): RelayCommandRow | undefined {
  const row = engine.deps.db.prepare('SELECT * FROM relay_commands WHERE id = ?').get(id);
  return row ? toCommand(row as Record<string, unknown>) : undefined;
}

function toCommand(r: Record<string, unknown>): RelayCommandRow {
  return {
    id: r.id as string,
    meterId: r.meter_id as string,
    action: r.action as 'open' | 'close',
    reason: r.reason as string,
    status: r.status as RelayCommandRow['status'],
    attempts: r.attempts as number,
    createdWallMs: r.created_wall_ms as number,
    lastError: (r.last_error as string | null) ?? null,
  };
}

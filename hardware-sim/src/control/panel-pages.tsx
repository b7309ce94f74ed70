/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { MeterView } from '../sim/meter-view.js';
import type { ProfileCapture } from '../meter/virtual-meter.js';
import { Layout } from './panel-layout.js';
import { PowerChart } from './power-chart.js';

const FAULT_KINDS = [
  'no-answer',
  'slow-answer',
  'corrupt-frames',
  'modbus-exception',
  'dlms-access-denied',
  'clock-jump',
  'clock-drift',
  'register-reset',
  'register-rollover',
  'meter-swap',
  'stuck-relay',
  'reverse-flow',
  'consumption-spike',
  'power-outage',
  'tamper',
];

function address(m: MeterView): string {
  const a = m.address;
  const where = a.device ?? `tcp ${a.port}`;
  return m.protocol === 'modbus'
    ? `${where} unit ${a.unitId}`
    : `${where} server ${a.serverAddress}`;
}

function RelayCell(props: { m: MeterView }) {
  return <span class={props.m.relay.outputState ? 'closed' : 'open'}>{props.m.relay.state}</span>;
}

function ClockForm(props: { speed: number }) {
  return (
    <fieldset>
      <legend>Clock</legend>
      <form method="post" action="/clock">
        speed <input name="speed" size={6} value={String(props.speed)} />{' '}
        <button type="submit">Set</button>
      </form>{' '}
      <form method="post" action="/clock">
        <input type="hidden" name="speed" value="0" />
        <button type="submit">Freeze</button>
      </form>{' '}
      <form method="post" action="/clock">
        <input type="hidden" name="jumpS" value="3600" />
        <button type="submit">Jump +1 h</button>
      </form>
    </fieldset>
  );
}

export function FleetPage(props: { meters: MeterView[]; simTime: string; speed: number }) {
  return (
    <Layout title="Gridbill simulator: fleet" refreshS={2}>
      <p>
        Simulated time {props.simTime} · speed ×{props.speed} · {props.meters.length} meters
      </p>
      <ClockForm speed={props.speed} />
      <table>
        <thead>
          <tr>
            <th>meter</th>
            <th>serial</th>
            <th>protocol / address</th>
            <th>power W</th>
            <th>import Wh</th>
            <th>export Wh</th>
            <th>relay</th>
            <th>faults</th>
          </tr>
        </thead>
        <tbody>
          {props.meters.map((m) => (
            <tr>
              <td>
                <a href={`/meters/${encodeURIComponent(m.id)}`}>{m.id}</a>
              </td>
              <td>{m.serial}</td>
              <td>
                {m.protocol} {address(m)}
              </td>
              <td>{m.powerW}</td>
              <td>{m.registers.importWh}</td>
              <td>{m.registers.exportWh}</td>
              <td>
                <RelayCell m={m} />
              </td>
              <td>
                {m.faults.map((f) => (
                  <span class="fault">{f.kind} </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}

export function MeterPage(props: { m: MeterView; rows: ProfileCapture[] }) {
  const { m } = props;
  const base = `/meters/${encodeURIComponent(m.id)}`;
  return (
    <Layout title={`Meter ${m.id}`} refreshS={5}>
      <p>
        <a href="/">← fleet</a> · serial {m.serial} · {m.protocol} {address(m)}
      </p>
      <table>
        <tbody>
          <tr>
            <td>power</td>
            <td>{m.powerW} W</td>
          </tr>
          <tr>
            <td>voltage</td>
            <td>{m.instantaneous.voltageV.join(' / ')} V</td>
          </tr>
          <tr>
            <td>current</td>
            <td>{m.instantaneous.currentA.join(' / ')} A</td>
          </tr>
          <tr>
            <td>import / export</td>
            <td>
              {m.registers.importWh} / {m.registers.exportWh} Wh
            </td>
          </tr>
          <tr>
            <td>TOU rates 1-4</td>
            <td>{m.registers.importRateWh.join(' / ')} Wh</td>
          </tr>
          <tr>
            <td>demand / max</td>
            <td>
              {m.demandW} / {m.maxDemandW} W
            </td>
          </tr>
          <tr>
            <td>meter clock</td>
            <td>{new Date(m.meterClockMs).toISOString()}</td>
          </tr>
          <tr>
            <td>relay</td>
            <td>
              <RelayCell m={m} /> (mode {m.relay.controlMode})
            </td>
          </tr>
        </tbody>
      </table>
      <PowerChart rows={props.rows} />
      <fieldset>
        <legend>Faults</legend>
        {m.faults.map((f) => (
          <span class="fault">{f.kind} </span>
        ))}
        <form method="post" action={`${base}/faults`}>
          <select name="kind">
            {FAULT_KINDS.map((k) => (
              <option value={k}>{k}</option>
            ))}
          </select>{' '}
          for <input name="durationS" size={6} value="300" /> s{' '}
          <button type="submit">Inject</button>
        </form>{' '}
        <form method="post" action={`${base}/faults/clear`}>
          <button type="submit">Clear all faults</button>
        </form>
      </fieldset>
      <fieldset>
        <legend>Relay</legend>
        {(['connected', 'disconnected'] as const).map((state) => (
          <form method="post" action={`${base}/relay`}>
            <input type="hidden" name="state" value={state} />
            <button type="submit">
              Technician: {state === 'connected' ? 'connect' : 'disconnect'}
            </button>{' '}
          </form>
        ))}
        <form method="post" action={`${base}/relay`}>
          <input type="hidden" name="trigger" value="manual_reconnect" />
          <button type="submit">Customer button (manual reconnect)</button>
        </form>
      </fieldset>
    </Layout>
  );
}

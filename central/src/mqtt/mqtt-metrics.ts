import type { Registry } from 'prom-client';
import { Gauge } from 'prom-client';
import type { MqttService } from './mqtt-service.js';

/**
 * Registers MQTT gauges read at scrape time:
 * gridbill_mqtt_connected_clients, gridbill_mqtt_refused{what}, gridbill_mqtt_link_up.
 */
export function registerMqttMetrics(registry: Registry, service: MqttService): void {
  new Gauge({
    name: 'gridbill_mqtt_connected_clients',
    help: 'Clients connected to the embedded broker',
    registers: [registry],
    collect() {
      this.set(service.broker?.connectedClients() ?? 0);
    },
  });
  new Gauge({
    name: 'gridbill_mqtt_refused',
    help: 'Logins, publishes and subscriptions refused by the embedded broker',
    labelNames: ['what'],
    registers: [registry],
    collect() {
      const stats = service.broker?.stats;
      this.set({ what: 'login' }, stats?.failedLogins ?? 0);
      this.set({ what: 'publish' }, stats?.refusedPublishes ?? 0);
      this.set({ what: 'subscribe' }, stats?.refusedSubscriptions ?? 0);
    },
  });
  new Gauge({
    name: 'gridbill_mqtt_link_up',
    help: '1 when central is connected to its MQTT broker',
    registers: [registry],
    collect() {
      this.set(service.link?.isConnected() ? 1 : 0);
    },
  });
}

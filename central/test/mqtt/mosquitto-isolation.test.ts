import { describeBrokerIsolation, ACCOUNTS } from './broker-isolation-contract.js';
import { startMosquitto } from './mosquitto-process.js';

describeBrokerIsolation('mosquitto (deploy/mosquitto config)', async () => {
  const broker = await startMosquitto(ACCOUNTS);
  return { url: broker.url, close: () => broker.close() };
});

/**
 * The fault-injecting HTTP proxy lives in central's test support
 * (`central/test/support/fault-proxy.ts`); edge tests load it at run time (a workspace's
 * TypeScript project may not include another's files) and use it through this interface.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface FaultProxyHandle {
  readonly url: string;
  readonly stats: {
    received: number;
    forwarded: number;
    droppedRequests: number;
    droppedResponses: number;
    duplicated: number;
    reordered: number;
  };
  addFault(rule: {
    kind: 'drop-request' | 'drop-response' | 'duplicate' | 'reorder';
    times?: number;
  }): void;
  setOnline(online: boolean): void;
  close(): Promise<void>;
}

const MODULE = resolve(import.meta.dirname, '../../../central/test/support/fault-proxy.ts');

export async function startFaultProxy(upstreamUrl: string): Promise<FaultProxyHandle> {
  const mod = (await import(pathToFileURL(MODULE).href)) as {
    startFaultProxy(url: string): Promise<FaultProxyHandle>;
  };
  return mod.startFaultProxy(upstreamUrl);
}

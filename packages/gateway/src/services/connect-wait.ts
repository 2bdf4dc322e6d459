import type { Store } from '../store/store.js';
import { type FlowResult, parseFlowData } from './connect-flow.js';

export type FlowWait = FlowResult | { error: 'state_expired'; error_description: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Wait until a flow ends (the browser came back and the connections are stored, or it failed), polling the
 * database: the gateway that serves the callback may be another process. A flow still waiting for its
 * browser when it expires ends as state_expired.
 */
export async function waitForFlow(store: Store, flowId: string, intervalMs = 1000): Promise<FlowWait> {
  for (;;) {
    const row = await store.connections.getOAuthFlow(flowId);
    const data = row === undefined ? undefined : parseFlowData(row);
    if (data?.result !== undefined) return data.result;
    if (row === undefined || row.expires_at <= new Date().toISOString()) {
      return { error: 'state_expired', error_description: 'Nobody finished the sign-in within 10 minutes.' };
    }
    await sleep(intervalMs);
  }
}

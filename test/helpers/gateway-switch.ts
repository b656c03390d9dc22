/**
 * Turns both payment gateways off or on the way the console does (the `payment_gateways`
 * settings row, `enabled`: "off" over the environment's keys) and makes the running stack read it
 * at once (live-integrations' reload, which the console calls after saving).
 */
import { GATEWAYS_KEY } from '../../billing/settings/integrations.js';
import { readSetting, writeSetting } from '../../lib/settings-store.js';
import type { BillingStack } from './billing-stack.js';

export async function setGatewaysOn(stack: BillingStack, on: boolean): Promise<void> {
  const enabled = on ? 'on' : 'off';
  await stack.c.db.transaction(async (trx) => {
    const { version } = await readSetting(trx, GATEWAYS_KEY);
    const written = await writeSetting(trx, GATEWAYS_KEY, { midtrans: { enabled }, xendit: { enabled } }, version);
    if (!written.ok) throw new Error('payment_gateways changed under the test');
  });
  await stack.engine.integrations?.reload();
}

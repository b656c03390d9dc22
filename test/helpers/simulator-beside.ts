/**
 * The MikroTik simulator (simulator/) beside a test's radius stack: registered as its own NAS
 * with `subscribers` logins (user1/pass1 …, scripts/simulator-registration.ts), logging in at
 * 50 a second, its CoA listener, RouterOS API and SNMP agents on free ports, no redials and no
 * summaries; every line it prints goes to `lines`. Resolves once it is registered and the radius
 * role's replica knows the new subscriptions; `sim.firstLogins` resolves after the logins.
 */
import { registerSimulator } from '../../scripts/simulator-registration.js';
import { startSimulator, type Simulator } from '../../simulator/start-simulator.js';
import type { RadiusStack } from './radius-stack.js';

export function startSimulatorBeside(
  stack: RadiusStack,
  opts: { nasIp: string; secret: string; subscribers: number; devices: number; lines: string[] },
): Promise<Simulator> {
  return startSimulator({
    nasIp: opts.nasIp, secret: opts.secret, authPort: stack.radius.ports.authPort, acctPort: stack.radius.ports.acctPort,
    subscribers: Array.from({ length: opts.subscribers }, (_, i) => ({ username: `user${i + 1}`, password: `pass${i + 1}` })),
    loginRate: 50, coaPort: 0, api: { port: 0 }, snmp: { port: 0 }, devices: opts.devices, redialSeconds: 0, summarySeconds: 0,
    say: (line) => void opts.lines.push(line),
    register: async (e) => {
      await registerSimulator(stack.c.db, stack.c.secrets, e, opts.subscribers);
      await stack.radius.sync.settled();
    },
  });
}

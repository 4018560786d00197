/**
 * Fires a run's fault schedule in real time: bank faults through the banks' admin port, SIGKILLs
 * of nodes followed (after the seeded pause) by a restart on the same data. Kills and restarts of
 * one node run one after another; a kill that finds its node already down is skipped.
 */
import { describeFault, type FaultEvent } from './faults.js';
import type { Node } from './processes.js';

export async function fireSchedule(schedule: readonly FaultEvent[], nodes: readonly Node[], banksAdmin: string, onKill: (line: string) => void): Promise<void> {
  const chains = nodes.map(() => Promise.resolve());
  const fire = async (e: FaultEvent): Promise<void> => {
    if (e.kind === 'bank') {
      await fetch(`${banksAdmin}/fault`, { method: 'POST', body: JSON.stringify(e.request) }).catch(() => undefined);
      return;
    }
    const node = nodes[e.node] as Node;
    const next = (chains[e.node] as Promise<void>).then(async () => {
      if (!node.alive) return;
      await node.kill();
      onKill(describeFault(e));
      await new Promise((r) => setTimeout(r, e.downMs));
      await node.start();
    });
    chains[e.node] = next;
    await next;
  };
  const t0 = Date.now();
  await Promise.all(schedule.map((e) => new Promise((r) => setTimeout(r, Math.max(0, e.at - (Date.now() - t0)))).then(() => fire(e))));
}

/**
 * Fires a run's fault schedule in real time: bank faults through the banks' admin port, SIGKILLs
 * of nodes followed (after the seeded pause) by a restart on the same data. Kills and restarts of
 * one node run one after another; a kill that finds its node already down is skipped.
 */
import { describeFault, KILL_TARGET_WAIT_MS, type FaultEvent, type KillTarget } from './faults.js';
import type { Node } from './processes.js';

/** Whether a bank command of this flow is in flight right now (read from the store). */
export type InFlight = (flow: KillTarget) => Promise<boolean>;

/** Waits until a command of `flow` is in flight, polling fast, or gives up after KILL_TARGET_WAIT_MS. */
async function untilInFlight(inFlight: InFlight, flow: KillTarget): Promise<boolean> {
  const end = Date.now() + KILL_TARGET_WAIT_MS;
  while (Date.now() < end) {
    if (await inFlight(flow).catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 2));
  }
  return false;
}

export async function fireSchedule(schedule: readonly FaultEvent[], nodes: readonly Node[], banksAdmin: string, inFlight: InFlight, onKill: (line: string) => void): Promise<void> {
  const chains = nodes.map(() => Promise.resolve());
  const fire = async (e: FaultEvent): Promise<void> => {
    if (e.kind === 'bank') {
      await fetch(`${banksAdmin}/fault`, { method: 'POST', body: JSON.stringify(e.request) }).catch(() => undefined);
      return;
    }
    const node = nodes[e.node] as Node;
    const next = (chains[e.node] as Promise<void>).then(async () => {
      if (!node.alive) return;
      const caught = e.target ? await untilInFlight(inFlight, e.target) : false;
      if (!node.alive) return;
      await node.kill();
      onKill(`${describeFault(e)}${e.target ? (caught ? ': caught one' : ': none came, killed anyway') : ''}`);
      await new Promise((r) => setTimeout(r, e.downMs));
      await node.start();
    });
    chains[e.node] = next;
    await next;
  };
  const t0 = Date.now();
  await Promise.all(schedule.map((e) => new Promise((r) => setTimeout(r, Math.max(0, e.at - (Date.now() - t0)))).then(() => fire(e))));
}

/**
 * Runs one payment plan against the API, as the gateway and the customer would: create (maybe
 * replayed), read the one-time code from the customer's mailbox (the banks process's SMTP capture),
 * confirm or not, cancel, poll or `Prefer: wait`, refund. What it saw is kept for the invariants.
 */
import type { Api, Answer } from './client.js';
import type { PaymentPlan } from './workload.js';

const FINAL = new Set(['succeeded', 'failed', 'expired', 'canceled', 'reversed', 'requires_review']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Observed {
  plan: PaymentPlan;
  id?: string;
  /** The last status the client saw. */
  status?: string;
  /** Answers that break a promise of the API on their own (kept as violations of (c)). */
  violations: string[];
  refundIds: Map<string, string>;
  /** What the client did and got, with times since the run began: printed for a failing payment. */
  trace: string[];
}

export interface DriveContext {
  api: Api;
  banksAdmin: string;
  /** Stop driving new steps after this instant (the quiet period starts). */
  deadline: number;
  /** How long after completion an "after the takeover window" replay waits. */
  takeoverMs: number;
  t0: number;
}

const show = (a: Answer | undefined): string => (a ? `${a.status}${a.body['status'] ? ` ${String(a.body['status'])}` : ''}${a.body['code'] ? ` ${String(a.body['code'])}` : ''}` : 'no answer');

export async function drive(plan: PaymentPlan, ctx: DriveContext): Promise<Observed> {
  const seen: Observed = { plan, violations: [], refundIds: new Map(), trace: [] };
  await sleep(plan.startAtMs);
  const { api } = ctx;
  const note = (s: string): void => void seen.trace.push(`+${Date.now() - ctx.t0}ms ${s}`);
  const body = {
    amount: plan.amount,
    currency: 'EUR',
    order_id: plan.order,
    connector: plan.value.connector,
    confirmation: plan.confirmation,
    payment_method: plan.value.method,
    customer: { email: plan.email },
  };
  // A gateway that keeps retrying past the in-flight takeover window is the one that can meet a
  // taken-over key: then the retried request must not create a second effect.
  const retryMs = plan.replay === 'after_takeover' ? ctx.takeoverMs + 10_000 : 30_000;
  const create = async (): Promise<Answer | undefined> => {
    note(`create${plan.wait ? ' (Prefer: wait)' : ''}`);
    const a = await api.send('POST', '/v1/payments', body, { key: plan.key, wait: plan.wait, retryMs });
    note(`create -> ${show(a)}`);
    return a;
  };

  const sent: Promise<Answer | undefined>[] = [create()];
  if (plan.replay === 'concurrent') sent.push(create());
  if (plan.replay === 'during') sent.push(sleep(30).then(create));
  // The customer goes on with the first answer that names the payment, as a checkout page would;
  // the replays finish on their own (their answers still count for invariant (c)).
  const ok = await firstCreated(sent);
  const answers = ok ? [ok] : await Promise.all(sent);
  if (!ok) {
    const last = answers.map(show).join(', ');
    seen.violations.push(`the key never answered with its payment (retrying up to ${retryMs / 1000} s): last ${last}`);
    return seen;
  }
  seen.id = String(ok.body['id']);
  seen.status = String(ok.body['status']);

  if (plan.replay === 'before') await create();

  if (plan.otherKey) {
    const other = await api.send('POST', '/v1/payments', body, { key: `${plan.key}-other`, retryMs: 30_000 });
    if (other && (other.status === 200 || other.status === 201) && other.body['id'] !== seen.id) {
      seen.violations.push(`order ${plan.order} under another key created a second payment ${String(other.body['id'])}`);
    }
  }

  if (plan.confirmation === 'otp' && plan.value.verified) await confirmStep(plan, seen, ctx, note);

  seen.status = await pollFinal(seen.id, ctx);
  note(`final poll -> ${seen.status ?? 'none'}`);
  if (plan.replay === 'after' || plan.replay === 'after_takeover') {
    if (plan.replay === 'after_takeover') await sleep(ctx.takeoverMs);
    await create();
  }

  await Promise.all(sent);
  if (seen.status === 'succeeded') {
    for (const r of plan.refunds) {
      if (Date.now() > ctx.deadline) break;
      const send = (): Promise<Answer | undefined> => api.send('POST', `/v1/payments/${seen.id}/refunds`, { amount: r.amount, reason: 'sim' }, { key: r.key, wait: plan.wait, retryMs });
      const rs = r.replay === 'concurrent' ? await Promise.all([send(), send()]) : [await send()];
      if (r.replay === 'after') {
        await sleep(500);
        rs.push(await send());
      }
      note(`refund ${r.key} ${r.amount} -> ${rs.map(show).join(', ')}`);
      const got = rs.find((a) => a && a.status === 201);
      if (got) seen.refundIds.set(r.key, String(got.body['id']));
    }
  }
  return seen;
}

const created = (a: Answer | undefined): a is Answer => a !== undefined && (a.status === 201 || a.status === 200);

/** The first answer that names the payment, or undefined once every request gave up. */
function firstCreated(sent: readonly Promise<Answer | undefined>[]): Promise<Answer | undefined> {
  return new Promise((resolve) => {
    let left = sent.length;
    for (const p of sent) {
      void p.then((a) => {
        left--;
        if (created(a)) resolve(a);
        else if (left === 0) resolve(undefined);
      });
    }
  });
}

async function confirmStep(plan: PaymentPlan, seen: Observed, ctx: DriveContext, note: (s: string) => void): Promise<void> {
  const id = seen.id as string;
  const status = await pollWhile(id, ctx, (s) => s === 'processing', 20_000);
  note(`poll -> ${status ?? 'none'}`);
  if (status !== 'requires_confirmation') return;
  if (plan.otp === 'never') return;
  if (plan.otp === 'cancel') {
    note(`cancel -> ${show(await ctx.api.send('POST', `/v1/payments/${id}/cancel`, undefined, { retryMs: 15_000 }))}`);
    return;
  }
  const code = await readCode(ctx, plan.email);
  note(code ? 'code read from the mailbox' : 'no code in the mailbox');
  const wrong = code ? `${code.slice(0, -1)}${(Number(code.slice(-1)) + 1) % 10}` : '000000';
  const confirm = async (otp: string): Promise<Answer | undefined> => {
    const a = await ctx.api.send('POST', `/v1/payments/${id}/confirm`, { otp }, { wait: plan.wait, retryMs: 15_000 });
    note(`confirm ${otp === code ? 'right' : 'wrong'} code -> ${show(a)}`);
    return a;
  };
  if (plan.otp === 'wrong_x3') {
    for (let i = 0; i < 3; i++) await confirm(wrong);
    return;
  }
  if (plan.otp === 'wrong_then_right') await confirm(wrong);
  if (code) await confirm(code);
}

/** The customer's last code, waiting for the mail a little (it is sent by the outbox). */
async function readCode(ctx: DriveContext, email: string): Promise<string | undefined> {
  const end = Date.now() + 6_000;
  while (Date.now() < end) {
    try {
      const r = (await (await fetch(`${ctx.banksAdmin}/otp?to=${encodeURIComponent(email)}`)).json()) as { code: string | null };
      if (r.code) return r.code;
    } catch {
      // the banks process never goes away; a failure here is transient
    }
    await sleep(200);
  }
  return undefined;
}

async function pollWhile(id: string, ctx: DriveContext, busy: (s: string) => boolean, ms: number): Promise<string | undefined> {
  const end = Math.min(Date.now() + ms, ctx.deadline);
  let status: string | undefined;
  while (Date.now() < end) {
    const a = await ctx.api.send('GET', `/v1/payments/${id}`, undefined, { retryMs: 5_000 });
    if (a?.status === 200) status = String(a.body['status']);
    if (status !== undefined && !busy(status)) return status;
    await sleep(250);
  }
  return status;
}

const pollFinal = (id: string, ctx: DriveContext): Promise<string | undefined> => pollWhile(id, ctx, (s) => !FINAL.has(s), 40_000);

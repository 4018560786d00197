import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Clock } from '../domain/clock.js';
import type { ConnectorSet } from '../connector/registry-types.js';
import type { ConnectorHealth } from '../connector/types.js';
import type { Store } from '../store/types.js';

/**
 * Prometheus metrics, one registry per app (tests build several apps in one process).
 * Payment counts and worker lag are read from the store at scrape time, so every node of a
 * PostgreSQL cluster reports the same truth.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly duration: Histogram<'method' | 'route'>;

  constructor(store: Store, clock: Clock, connectors?: ConnectorSet) {
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'railyard_http_requests_total',
      help: 'HTTP requests by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'railyard_http_request_duration_seconds',
      help: 'HTTP request duration by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    new Gauge({
      name: 'railyard_payments',
      help: 'Payments by API status',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [status, n] of Object.entries(await store.countPaymentsByStatus())) this.set({ status }, n);
      },
    });
    new Gauge({
      name: 'railyard_outbox_lag_seconds',
      help: 'Age of the oldest due outbox command (0 when none is waiting)',
      registers: [this.registry],
      async collect() {
        const due = await store.nextDue();
        this.set(due.command === null ? 0 : Math.max(0, (clock.now() - due.command) / 1000));
      },
    });
    new Gauge({
      name: 'railyard_outbox_depth',
      help: 'Commands waiting to be sent (pending), by kind: bank requests (reversals and repeats for a dead link wait here until a link is up), notifications',
      labelNames: ['kind'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const r of await store.sqlQuery("SELECT kind, COUNT(*) AS n FROM commands WHERE status = 'pending' GROUP BY kind")) this.set({ kind: String(r['kind']) }, Number(r['n']));
      },
    });
    if (connectors) this.linkGauges(connectors, clock);
    new Gauge({
      name: 'railyard_timer_lag_seconds',
      help: 'How late the most overdue timer is (0 when none is overdue)',
      registers: [this.registry],
      async collect() {
        const due = await store.nextDue();
        this.set(due.timer === null ? 0 : Math.max(0, (clock.now() - due.timer) / 1000));
      },
    });
  }

  /**
   * Each connector's health and its links (ISO 8583 endpoints), read from the connectors at scrape
   * time: the same figures as `GET /v1/connectors`, for alerting on a link that is down or silent.
   */
  private linkGauges(connectors: ConnectorSet, clock: Clock): void {
    const healthOf = async (): Promise<{ id: string; h: ConnectorHealth }[]> =>
      Promise.all(connectors.all().map(async (k) => ({ id: k.id, h: k.health ? await k.health().catch(() => ({ ok: false })) : { ok: true } })));
    const registers = [this.registry];
    new Gauge({
      name: 'railyard_connector_up',
      help: 'Whether the connector reports itself healthy (1) or not (0)',
      labelNames: ['connector'],
      registers,
      async collect() {
        this.reset();
        for (const { id, h } of await healthOf()) this.set({ connector: id }, h.ok ? 1 : 0);
      },
    });
    new Gauge({
      name: 'railyard_link_up',
      help: 'Whether a link to the bank is ready (1) or not (0: connecting, signing on, backing off)',
      labelNames: ['connector', 'endpoint'],
      registers,
      async collect() {
        this.reset();
        for (const { id, h } of await healthOf()) for (const l of h.links ?? []) this.set({ connector: id, endpoint: l.endpoint }, l.state === 'ready' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'railyard_link_seconds_since_inbound',
      help: 'Seconds since the bank last sent anything on the link (absent before its first frame)',
      labelNames: ['connector', 'endpoint'],
      registers,
      async collect() {
        this.reset();
        for (const { id, h } of await healthOf())
          for (const l of h.links ?? []) if (l.lastInboundAt !== undefined) this.set({ connector: id, endpoint: l.endpoint }, Math.max(0, (clock.now() - l.lastInboundAt) / 1000));
      },
    });
    new Gauge({
      name: 'railyard_link_seconds_since_echo',
      help: 'Seconds since an echo was last answered on the link (absent before the first)',
      labelNames: ['connector', 'endpoint'],
      registers,
      async collect() {
        this.reset();
        for (const { id, h } of await healthOf())
          for (const l of h.links ?? []) if (l.lastEchoAt !== undefined) this.set({ connector: id, endpoint: l.endpoint }, Math.max(0, (clock.now() - l.lastEchoAt) / 1000));
      },
    });
    new Gauge({
      name: 'railyard_link_in_flight',
      help: 'Requests sent on the link and not yet answered',
      labelNames: ['connector', 'endpoint'],
      registers,
      async collect() {
        this.reset();
        for (const { id, h } of await healthOf()) for (const l of h.links ?? []) this.set({ connector: id, endpoint: l.endpoint }, l.inFlight);
      },
    });
  }
}

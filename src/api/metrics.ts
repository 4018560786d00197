import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Clock } from '../domain/clock.js';
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

  constructor(store: Store, clock: Clock) {
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
      name: 'railyard_timer_lag_seconds',
      help: 'How late the most overdue timer is (0 when none is overdue)',
      registers: [this.registry],
      async collect() {
        const due = await store.nextDue();
        this.set(due.timer === null ? 0 : Math.max(0, (clock.now() - due.timer) / 1000));
      },
    });
  }
}

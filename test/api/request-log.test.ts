import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RequestLog } from '../../src/api/request-log.js';
import { createLogger } from '../../src/log.js';

function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: createLogger({ level, destination }) };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('RequestLog (a request logger made on first use)', () => {
  it("writes the access line with the request's fields, including those bound later", async () => {
    const { lines, log } = capture();
    const r = new RequestLog(log, { request_id: 'req_1' });
    r.bind('merchant', 'mch_a');
    r.access({ method: 'GET', status: 200 }, 'request');
    await settle();
    expect(lines).toEqual([expect.objectContaining({ request_id: 'req_1', merchant: 'mch_a', method: 'GET', status: 200, msg: 'request' })]);
  });

  it("a handler's own lines carry the same fields, before and after a later bind", async () => {
    const { lines, log } = capture();
    const r = new RequestLog(log, { request_id: 'req_2' });
    r.logger.warn({ code: 'x' }, 'first');
    r.bind('merchant', 'mch_b');
    r.logger.warn('second');
    await settle();
    expect(lines[0]).toMatchObject({ request_id: 'req_2', code: 'x', msg: 'first' });
    expect(lines[0]).not.toHaveProperty('merchant');
    expect(lines[1]).toMatchObject({ request_id: 'req_2', merchant: 'mch_b', msg: 'second' });
  });

  it('writes no access line below info', async () => {
    const { lines, log } = capture('warn');
    new RequestLog(log, { request_id: 'req_3' }).access({ status: 200 }, 'request');
    await settle();
    expect(lines).toEqual([]);
  });
});

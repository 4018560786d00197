/** Runs the SMTP capture server alone: `tsx mocks/smtp/main.ts --port 2525`; prints each message's subject. */
import { startSmtpCapture } from './server.js';

const i = process.argv.indexOf('--port');
const capture = await startSmtpCapture({ port: i >= 0 ? Number(process.argv[i + 1]) : 2525 });
process.stdout.write(`smtp capture listening on ${capture.host}:${capture.port}\n`);
let seen = 0;
const timer = setInterval(() => {
  for (const m of capture.messages.slice(seen)) process.stdout.write(`${new Date(m.receivedAt).toISOString()} to=${m.to.join(',')} subject=${m.subject}\n`);
  seen = capture.messages.length;
}, 200);
const stop = (): void => {
  clearInterval(timer);
  void capture.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

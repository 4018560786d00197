/**
 * `npm start` / `railyard start`: the long-running server. Without RAILYARD_CONFIG it runs the
 * sandbox and prints how to use it; with it, the production configuration. Logs go to stdout as
 * JSON (pino); the sandbox banner is plain lines for people. Startup failures are one line on
 * stderr and exit code 1, so supervisors and humans both see the cause.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, type Env, type RailyardConfig } from './config.js';
import { createLogger } from './log.js';
import { startRailyard, type RunningRailyard } from './server.js';

export interface StartIo {
  stdout(s: string): void;
  stderr(s: string): void;
}

const processIo: StartIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
};

/** POSIX single quotes, so the printed command survives any key the operator chose. */
const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function sandboxBanner(url: string, config: RailyardConfig): string {
  const key = config.sandbox?.apiKey ?? '';
  const stamp = Date.now().toString(36);
  const body = JSON.stringify({
    amount: 1250,
    currency: 'EUR',
    order_id: `demo-${stamp}`,
    payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 3 } },
    customer: { email: 'customer@example.com' },
  });
  const auth = shq(`Authorization: Bearer ${key}`);
  return [
    '',
    `Railyard sandbox is running at ${url}`,
    `  API key (merchant mch_sandbox): ${key}`,
    `  Data directory: ${config.dataDir}`,
    '',
    'Create a payment with a test card:',
    `  curl -s ${url}/v1/payments -H ${auth} -H 'Content-Type: application/json' -H 'Idempotency-Key: demo-${stamp}' -d ${shq(body)}`,
    'Read the one-time code the customer would receive, then confirm:',
    `  curl -s ${shq(`${url}/sandbox/notifications?payment_id=PAYMENT_ID`)} -H ${auth}`,
    `  curl -s ${url}/v1/payments/PAYMENT_ID/confirm -H ${auth} -H 'Content-Type: application/json' -d '{"otp":"CODE"}'`,
    `Order signing (optional for mch_sandbox): sign the exact body with ${config.dataDir}/sandbox-merchant-signing.pem and .key`,
    '  (openssl cms -sign -binary -outform DER -md sha256 ... | base64 -w0) and send it as Railyard-Order-Signature.',
    'Test values (declines, timeouts, pending transfers): mocks/README.md. Stop with Ctrl-C.',
    '',
  ].join('\n');
}

/** The first line only: a database driver may add a multi-line context that belongs in the logs. */
const oneLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';

/**
 * Starts, waits for SIGTERM/SIGINT, stops gracefully. Resolves with the exit code. A second
 * signal during the stop exits at once, for the operator whose stop is stuck.
 */
export async function runStart(env: Env = process.env, io: StartIo = processIo): Promise<number> {
  let config: RailyardConfig;
  let running: RunningRailyard;
  try {
    config = loadConfig(env);
    running = await startRailyard(config, { log: createLogger() });
  } catch (err) {
    io.stderr(err instanceof ConfigError ? `railyard: invalid configuration: ${err.message}\n` : `railyard: cannot start: ${oneLine(err)}\n`);
    return 1;
  }
  if (config.mode === 'sandbox') io.stdout(`${sandboxBanner(running.url, config)}\n`);
  else io.stdout(`Railyard listening at ${running.url}\n`);

  return new Promise<number>((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (signalled) {
        io.stderr(`railyard: ${signal} again, exiting without waiting\n`);
        process.exit(1);
      }
      signalled = true;
      running.railyard.log.info({ signal }, 'stopping');
      running.stop().then(
        () => resolve(0),
        (err: unknown) => {
          io.stderr(`railyard: stop failed: ${oneLine(err)}\n`);
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

const isEntryPoint = (): boolean => {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
};

if (isEntryPoint()) {
  const code = await runStart();
  // Exit explicitly: a driver's idle handle must not keep a stopped server's process alive.
  process.exit(code);
}

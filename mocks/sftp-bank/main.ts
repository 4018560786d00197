/**
 * Runs the simulated SFTP bank alone:
 *   tsx mocks/sftp-bank/main.ts --port 2222 --root DIR --authorized-key FILE.pub [--user NAME]
 *     [--host-key FILE] [--journal FILE] [--iban IBAN --currency EUR --bic BIC --name NAME]
 *     [--auto-process-ms N] [--statement-every-ms N]
 * Prints the port and the host key fingerprint to pin.
 */
import { readFileSync } from 'node:fs';
import { startSftpBank } from './server.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const num = (name: string): number | undefined => {
  const v = arg(name);
  return v === undefined ? undefined : Number(v);
};

const keyFile = arg('authorized-key');
if (!keyFile) {
  process.stderr.write('usage: main.ts --authorized-key FILE.pub [--port 2222] [--root DIR] [--user railyard]\n');
  process.exit(2);
}
// An authorized_keys file may hold several keys, one a line; comments and blanks are skipped.
const user = arg('user') ?? 'railyard';
const users = readFileSync(keyFile, 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((publicKey) => ({ username: user, publicKey }));

const hostKeyFile = arg('host-key');
const root = arg('root');
const journalPath = arg('journal');
const autoProcessMs = num('auto-process-ms');
const statementEveryMs = num('statement-every-ms');
const bank = await startSftpBank({
  port: num('port') ?? 2222,
  users,
  ...(root ? { root } : {}),
  ...(hostKeyFile ? { hostKey: readFileSync(hostKeyFile, 'utf8') } : {}),
  ...(journalPath ? { journalPath } : {}),
  ...(autoProcessMs !== undefined ? { autoProcessMs } : {}),
  ...(statementEveryMs !== undefined ? { statementEveryMs } : {}),
  account: {
    iban: arg('iban') ?? 'DE75512108001245126199',
    currency: arg('currency') ?? 'EUR',
    bic: arg('bic') ?? 'SIMBDEFFXXX',
    name: arg('name') ?? 'Railyard Merchant',
  },
});
process.stdout.write(`sftp-bank listening on 127.0.0.1:${bank.port}\nroot ${bank.root}\nhost key ${bank.hostKeySha256}\nuser ${user}\n`);
const stop = (): void => void bank.stop().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

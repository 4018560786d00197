import { z } from 'zod';
import { CalendarConfigError, validateCalendar } from './calendar/index.js';
import { FileNameError, validateNameTemplate } from './outbound/index.js';

/**
 * What one bank's batch channel looks like: its calendar, directories, file naming, protection and
 * reconciliation rules. Read from a connector's settings; every error names the setting.
 */

const party = z.object({ name: z.string().min(1).max(70), iban: z.string().min(15).max(34), bic: z.string().min(8).max(11).optional() });

const calendar = z.union([
  z.object({
    timeZone: z.string().min(1),
    cutoffs: z.array(z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM')).min(1),
    holidays: z.enum(['TARGET2', 'none']).default('TARGET2'),
    extraClosingDays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).optional(),
  }),
  z.object({ timeZone: z.string().min(1).default('UTC'), everyMs: z.number().int().min(100) }),
]);

export const batchProfileSchema = z.object({
  /** Short bank name used in file names. */
  bank: z.string().regex(/^[A-Za-z0-9-]{1,16}$/),
  /** Our account: it receives collected payments and pays refunds; statements are about it. */
  account: party.extend({ currency: z.string().length(3).default('EUR') }),
  initiatingParty: z.object({ name: z.string().min(1).max(70) }).optional(),
  calendar,
  directories: z
    .object({
      /** Where we upload pain.001 files. */
      outbound: z.string().default('in'),
      /** Where the bank leaves pain.002, camt and pacs.004 files. */
      inbound: z.string().default('out'),
      /** After a file is applied: delete it, move it to `processed`, or leave it (then the ledger skips it). */
      afterIngest: z.enum(['delete', 'move', 'keep']).default('delete'),
      processed: z.string().default('processed'),
      /**
       * What the bank does with our files once it has taken them: leaves them in the upload
       * directory (`stay`), moves them to `bankTakes` (`moved`), or removes them (`deleted`). It
       * decides what "nowhere to be seen" proves before a re-upload (see upload.ts).
       */
      takenFiles: z.enum(['stay', 'moved', 'deleted']).default('stay'),
      /** Where the bank moves files it took (`takenFiles: moved`): an archive, a processed folder. */
      bankTakes: z.array(z.string().min(1)).default([]),
    })
    .prefault({})
    .refine((d) => d.takenFiles !== 'moved' || d.bankTakes.length > 0, { message: 'takenFiles "moved" needs the bankTakes directories', path: ['bankTakes'] }),
  /**
   * Whether the bank refuses a second file with a message id it already has (DU01): then even at
   * a bank that deletes what it took, a file that may have reached it and is nowhere to be seen is
   * sent again (the bank's refusal of the copy is the proof it had it). Without it such a file waits
   * for the bank's word (a status report naming its transactions), never sent blindly twice.
   */
  refusesDuplicateMessageIds: z.boolean().default(false),
  /** `{bank}`, `{date}`, `{time}`, `{seq}`/`{seq:N}`, `{msgid}`; must contain `{seq}` or `{msgid}`. */
  fileNameTemplate: z.string().default('{bank}_pain001_{date}_{time}_{seq:6}.xml'),
  /** An empty trigger file written after each data file (`.done` beside `name.xml`), when the bank wants one. */
  doneFileSuffix: z.string().regex(/^\.[A-Za-z0-9]{1,8}$/).optional(),
  /** Inbound files count only once a trigger file with this suffix is beside them. */
  inboundDoneSuffix: z.string().regex(/^\.[A-Za-z0-9]{1,8}$/).optional(),
  maxTransactionsPerFile: z.number().int().min(1).max(100_000).default(5_000),
  rules: z.enum(['sepa', 'generic']).default('sepa'),
  batchBooking: z.boolean().default(false),
  /** How often the worker looks for due cut-offs, files to upload and bank files to fetch. */
  tickMs: z.number().int().min(50).default(15_000),
  pollIntervalMs: z.number().int().min(50).default(60_000),
  /** A bank file counts as complete once its size and mtime held still this long. */
  stableMs: z.number().int().min(0).default(5_000),
  /** A malformed inbound file is fetched again this many times (it may still be being written) before it is quarantined. */
  malformedRetries: z.number().int().min(0).default(3),
  /** A file no attempt could deliver is given up after this long; its payments fail as never sent. */
  giveUpAfterMs: z.number().int().min(1_000).default(24 * 3_600_000),
  /**
   * With detached CMS signatures: how long a bank file may wait for its `.p7s` before the rail's
   * health says so. It is never read unsigned, and not downloaded while it waits.
   */
  signatureWaitMs: z.number().int().min(1_000).default(3_600_000),
  maxInboundBytes: z.number().int().min(1024).default(200 * 1024 * 1024),
  /** How long one node holds a file's upload before another may take it over (longer than an upload lasts). */
  uploadLeaseMs: z.number().int().min(1_000).default(10 * 60_000),
  /** MISSING_IN_BANK (and settled-but-absent) after this many business days past execution. */
  missingAfterBusinessDays: z.number().int().min(0).default(2),
  /**
   * The bank's camt.052 account reports include its final end-of-day one, complete like a camt.053:
   * then a camt.052 may raise MISSING_IN_BANK. Off by default (intraday reports show some bookings only).
   */
  camt052EndOfDay: z.boolean().default(false),
  /** Reference matching: the booking date may be this many days from the execution date. */
  dateWindowDays: z.number().int().min(0).default(5),
});

export type BatchProfile = z.output<typeof batchProfileSchema>;
export type BatchProfileInput = z.input<typeof batchProfileSchema>;
export type CalendarSettings = BatchProfile['calendar'];

export class BatchProfileError extends Error {
  override readonly name = 'BatchProfileError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`batch profile: ${field}: ${message}`);
  }
}

/**
 * Checks everything a cut-off will need at start, so a bad time zone or name template stops the
 * server instead of failing every payment later.
 */
export function readBatchProfile(input: unknown): BatchProfile {
  const r = batchProfileSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new BatchProfileError(issue ? issue.path.join('.') || '(root)' : '(root)', issue?.message ?? 'invalid');
  }
  try {
    validateCalendar(r.data.calendar);
  } catch (err) {
    if (err instanceof CalendarConfigError) throw new BatchProfileError(`calendar.${err.field}`, err.message);
    throw err;
  }
  try {
    validateNameTemplate(r.data.fileNameTemplate);
  } catch (err) {
    if (err instanceof FileNameError) throw new BatchProfileError('fileNameTemplate', err.message);
    throw err;
  }
  return r.data;
}

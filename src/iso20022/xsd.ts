import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { Iso20022SchemaError, type Finding } from './errors.js';
import { NAMESPACE_PREFIX } from './detect.js';
import { assertNoDoctype } from './xml/parse.js';
import { XSD_WORKER_SOURCE } from './xsd-worker.js';

/**
 * The XSD gate: checks a document against the official schema of its message with libxml2 (wasm),
 * loaded on the first validation only.
 * Outbound, a failure is an exception listing the findings; inbound, findings are returned and the
 * caller decides (banks do send slightly off files that are still worth reading).
 * The schemas are not part of the package: they are read from `RAILYARD_ISO20022_XSD_DIR`, or from
 * `setXsdDirectory()`, or from `../shared/iso20022/xsd` next to the project root.
 * Where none of those holds them, the sandbox turns the gate off (`disableXsdGate`) and says so
 * loudly at start; production refuses to start a connector that needs schemas it cannot find.
 */

let xsdDir: string | undefined;
let gateOffReason: string | undefined;

/**
 * Turns the outbound gate off for this process: `build()` then emits unchecked XML and inbound
 * validation reports every document as unchecked. Only the sandbox does this, and only when the
 * schemas are missing, so that a clone of the repository alone still runs.
 */
export function disableXsdGate(reason: string): void {
  gateOffReason = reason;
}

/** Turns the gate back on (tests). */
export function enableXsdGate(): void {
  gateOffReason = undefined;
}

/** Why the gate is off, or undefined while it is on. */
export function xsdGateOffReason(): string | undefined {
  return gateOffReason;
}

/** Whether the schema directory exists and holds every one of `types` (or any schema when none is named). */
export function xsdDirectoryUsable(types: readonly string[] = []): boolean {
  const dir = xsdDirectory();
  if (!existsSync(dir)) return false;
  return types.every((t) => existsSync(join(dir, `${t}.xsd`)));
}

export function setXsdDirectory(dir: string | undefined): void {
  xsdDir = dir;
}

function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

export function xsdDirectory(): string {
  return xsdDir ?? process.env['RAILYARD_ISO20022_XSD_DIR'] ?? resolve(projectRoot(), '..', 'shared', 'iso20022', 'xsd');
}

export const xsdPath = (messageType: string): string => join(xsdDirectory(), `${messageType}.xsd`);

export function hasXsd(messageType: string): boolean {
  return /^[a-z]{4}\.\d{3}\.\d{3}\.\d{2}$/.test(messageType) && existsSync(xsdPath(messageType));
}

/**
 * The engine runs in a worker thread started on the first validation (see xsd-worker.ts): a
 * program that only builds with `xsd: false` or only streams statements never loads libxml2.
 * Calls stay synchronous: the caller blocks on an Atomics flag until the worker answers.
 */
interface Engine {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
}

let engine: Engine | undefined;

/**
 * A 100k-transaction file takes about 2 s; only an engine that died mid-answer (a blocked caller
 * cannot see the worker exit) ever reaches this, and then the next call starts a fresh one.
 */
const ANSWER_TIMEOUT_MS = 120_000;

function startEngine(): Engine {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const libxml2Url = pathToFileURL(createRequire(import.meta.url).resolve('libxml2-wasm')).href;
  const worker = new Worker(XSD_WORKER_SOURCE, {
    eval: true,
    // no loader flags of the parent (tsx, vitest): the wasm module is loaded as plain JavaScript
    execArgv: [],
    workerData: { port: port2, flag, libxml2Url, namespacePrefix: NAMESPACE_PREFIX },
    transferList: [port2],
  });
  // the engine never keeps a process alive on its own
  worker.unref();
  worker.on('error', () => {
    if (engine?.worker === worker) engine = undefined;
  });
  return { worker, port: port1, flag };
}

interface Reply {
  result?: XsdResult;
  error?: string;
}

function askEngine(bytes: Uint8Array, messageType: string | undefined): XsdResult {
  engine ??= startEngine();
  const e = engine;
  Atomics.store(e.flag, 0, 0);
  // the encoded bytes are moved to the worker, not cloned: no third copy of a large document
  e.port.postMessage({ bytes, messageType, dir: xsdDirectory() }, [bytes.buffer as ArrayBuffer]);
  if (Atomics.wait(e.flag, 0, 0, ANSWER_TIMEOUT_MS) === 'timed-out') {
    disposeXsdCache();
    throw new Error('the XSD engine did not answer');
  }
  const reply = receiveMessageOnPort(e.port)?.message as Reply | undefined;
  if (!reply?.result) {
    disposeXsdCache();
    throw new Error(`the XSD engine failed: ${reply?.error ?? 'no reply'}`);
  }
  return reply.result;
}

/** Whether libxml2 has been loaded in this process (it is, from the first validation on). */
export function xsdEngineStarted(): boolean {
  return engine !== undefined;
}

/** Stops the engine and frees its cached schemas (tests, shutdown); the next validation starts it again. */
export function disposeXsdCache(): void {
  const e = engine;
  engine = undefined;
  if (!e) return;
  e.port.close();
  void e.worker.terminate();
}

export interface XsdResult {
  messageType: string;
  valid: boolean;
  findings: Finding[];
}

/**
 * Validates against the schema of `messageType` (or the one named by the Document namespace).
 * Never throws for an invalid or unreadable document: those are findings.
 */
export function validateXsd(xml: string, messageType?: string): XsdResult {
  try {
    assertNoDoctype(xml);
  } catch (e) {
    return { messageType: messageType ?? '', valid: false, findings: [finding('doctype_forbidden', (e as Error).message)] };
  }
  // The gate is off (a sandbox without schemas): nothing can be checked, and saying "invalid"
  // would make the simulators refuse every message; the finding says it went unchecked.
  if (gateOffReason !== undefined) {
    return { messageType: messageType ?? '', valid: true, findings: [{ severity: 'warning', code: 'no_schema', message: gateOffReason, path: '' }] };
  }
  return askEngine(new TextEncoder().encode(xml), messageType);
}

function finding(code: string, message: string): Finding {
  return { severity: 'error', code, message, path: '' };
}

/**
 * Loads the engine and compiles the schemas of `types` now (a connector's start), so the first
 * payment does not pay for it: compiling a message's schema takes about 0.4 s, inside the first
 * bank call's time budget otherwise. A no-op while the gate is off.
 */
export function warmXsd(types: readonly string[]): void {
  if (gateOffReason !== undefined) return;
  // an empty Document of each type: invalid, but its schema is compiled and cached by the engine
  for (const t of types) validateXsd(`<Document xmlns="${NAMESPACE_PREFIX}${t}"/>`, t);
}

/** Outbound gate: throws `Iso20022SchemaError` listing every finding. A no-op while the gate is off. */
export function assertXsdValid(xml: string, messageType: string): void {
  if (gateOffReason !== undefined) return;
  const r = validateXsd(xml, messageType);
  if (!r.valid) throw new Iso20022SchemaError(messageType, r.findings);
}

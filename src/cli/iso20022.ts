import { build, checkDocument, isBuildableType, parse, buildableTypes, type BuildableModels, type Profile } from '../iso20022/index.js';
import { Iso20022Error, Iso20022RulesError, Iso20022SchemaError, type Finding } from '../iso20022/errors.js';

/**
 * `railyard iso20022 validate FILE [--profile P] | parse FILE | build TYPE [--profile P]`, P: sepa|cbpr|generic
 * parse prints the model as JSON; build reads exactly that JSON on stdin (a `{ type, model }`
 * envelope is accepted too) and prints the XML, so parse -> build -> parse is the identity.
 * Exit codes: 0 ok, 1 invalid input or failed check, 2 usage.
 */
export interface CliIo {
  stdin: string;
  stdout(s: string): void;
  stderr(s: string): void;
  readFile(path: string): Promise<string>;
}

const USAGE = `usage: railyard iso20022 validate FILE [--profile generic|sepa|cbpr]
       railyard iso20022 parse FILE
       railyard iso20022 build TYPE [--profile generic|sepa|cbpr] < model.json
buildable types: ${buildableTypes().join(', ')}
`;

const formatFinding = (f: Finding): string =>
  `${f.severity}${f.line !== undefined ? ` line ${f.line}${f.column !== undefined ? `:${f.column}` : ''}` : ''}${f.path ? ` ${f.path}` : ''}: ${f.message} [${f.code}]`;

function reportError(e: unknown, io: CliIo): number {
  if (e instanceof Iso20022SchemaError || e instanceof Iso20022RulesError) {
    io.stderr(`${e.name}: ${e.code}\n`);
    for (const f of e.findings) io.stderr(`${formatFinding(f)}\n`);
    return 1;
  }
  if (e instanceof Iso20022Error) {
    io.stderr(`${e.name} (${e.code}): ${e.message}\n`);
    return 1;
  }
  if (e instanceof SyntaxError) {
    io.stderr(`invalid JSON: ${e.message}\n`);
    return 1;
  }
  // Anything else is our fault, not the file's: one line, never a stack trace (which could quote the input).
  io.stderr(`internal error while reading the input (${e instanceof Error ? e.name : 'unknown'}); please report it\n`);
  return 1;
}

/** `--profile P` (the only option): the profile, undefined when absent, null (usage printed) when wrong. */
function profileOption(rest: string[], io: CliIo): Profile | undefined | null {
  let profile: Profile | undefined;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--profile' && ['generic', 'sepa', 'cbpr'].includes(rest[i + 1] ?? '')) {
      profile = rest[i + 1] as Profile;
      i++;
    } else {
      io.stderr(`unknown option ${rest[i] ?? ''}\n${USAGE}`);
      return null;
    }
  }
  return profile;
}

async function readInput(path: string, io: CliIo): Promise<string | undefined> {
  try {
    return await io.readFile(path);
  } catch (e) {
    io.stderr(`cannot read ${path}: ${(e as Error).message}\n`);
    return undefined;
  }
}

export async function iso20022Command(args: string[], io: CliIo): Promise<number> {
  const [sub, arg, ...rest] = args;
  if (sub === undefined || arg === undefined || sub === '--help' || sub === 'help') {
    io.stderr(USAGE);
    return 2;
  }
  try {
    switch (sub) {
      case 'validate': {
        const profile = profileOption(rest, io);
        if (profile === null) return 2;
        const xml = await readInput(arg, io);
        if (xml === undefined) return 1;
        // XSD and rules together: the profile asked for, else the file's market practice, else generic
        const r = checkDocument(xml, profile !== undefined ? { profile } : {});
        for (const f of r.findings) io.stdout(`${formatFinding(f)}\n`);
        const what = r.messageType ? ` ${r.messageType}` : '';
        io.stdout(`${arg}: ${r.valid ? 'valid' : 'INVALID'}${what} (profile ${r.profile})\n`);
        return r.valid ? 0 : 1;
      }
      case 'parse': {
        const xml = await readInput(arg, io);
        if (xml === undefined) return 1;
        const r = parse(xml);
        for (const w of r.warnings) io.stderr(`${formatFinding(w)}\n`);
        io.stderr(`${r.type}\n`);
        io.stdout(`${JSON.stringify(r.model, null, 2)}\n`);
        return 0;
      }
      case 'build': {
        if (!isBuildableType(arg)) {
          io.stderr(`cannot build "${arg}"\n${USAGE}`);
          return 2;
        }
        const profile = profileOption(rest, io);
        if (profile === null) return 2;
        const json: unknown = JSON.parse(io.stdin);
        let model: unknown = json;
        if (typeof json === 'object' && json !== null && 'type' in json && 'model' in json) {
          if (json.type !== arg) {
            io.stderr(`the JSON is a ${String(json.type)} model, not ${arg}\n`);
            return 1;
          }
          model = json.model;
        }
        // build's default profile is generic: rules are on whether or not --profile is given
        const xml = build(arg, model as BuildableModels[typeof arg], profile !== undefined ? { profile } : {});
        io.stdout(xml);
        return 0;
      }
      default:
        io.stderr(`unknown command "${sub}"\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    return reportError(e, io);
  }
}

/**
 * push-contracts.config.json, or the "push-contracts" key of package.json: how a team tunes the
 * policy rules, read the way eslint and spectral read theirs. Validated by
 * contracts/meta/config.schema.json; every problem is one line naming the file and the JSON pointer.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import type { RulePolicy } from '../audit/policy';
import type { Severity } from '../audit/types';
import { defaultContractsDir, parseStrictJson, toPointer } from '../contracts/files';
import { PushContractsError } from '../errors';
import { knownRuleIds, ruleIdsOf, type ConfiguredCommand } from './rule-ids';

export const CONFIG_FILE = 'push-contracts.config.json';
export const PACKAGE_KEY = 'push-contracts';

export type RuleSetting = 'error' | 'warn' | 'off';

/** The config as written. */
export interface PushContractsConfig {
  readonly rules?: Readonly<Record<string, RuleSetting>>;
  readonly uncertainFacts?: 'warn' | 'error';
}

export interface LoadedConfig {
  readonly config: PushContractsConfig;
  /** Where it came from: the file path, or package.json#push-contracts; undefined when there is none. */
  readonly source?: string;
}

let validator: ReturnType<Ajv2020['compile']> | undefined;
function validate(data: unknown): readonly ErrorObject[] {
  if (!validator) {
    const schema = JSON.parse(fs.readFileSync(path.join(defaultContractsDir, 'meta', 'config.schema.json'), 'utf8')) as Record<string, unknown>;
    validator = new Ajv2020({ strict: true, allErrors: true }).compile(schema);
  }
  return validator(data) ? [] : (validator.errors ?? []);
}

function fail(shown: string, pointer: string, message: string): never {
  throw new PushContractsError('PC_ERR_CONFIG_INVALID', `${shown} at ${pointer || '/'}: ${message}`, { file: shown, pointer });
}

function parseJson(text: string, shown: string): unknown {
  const parsed = parseStrictJson(text);
  if ('syntax' in parsed) {
    const { offset, error, pointer } = parsed.syntax;
    const lines = text.slice(0, offset).split('\n');
    const where = `${pointer || '/'} (line ${lines.length}, column ${lines[lines.length - 1].length + 1})`;
    throw new PushContractsError('PC_ERR_CONFIG_INVALID', `${shown} at ${where}: invalid JSON, ${error}`, { file: shown });
  }
  return parsed.value;
}

/** Checks a config against its schema and the known rule ids; `at` is the pointer of the config in its file. */
export function checkConfig(data: unknown, shown: string, at = ''): PushContractsConfig {
  const errors = validate(data);
  if (errors.length > 0) {
    // With propertyNames, ajv reports the pattern first without the key; the propertyNames error names it.
    const e = errors.find((x) => x.keyword === 'propertyNames') ?? errors[0];
    const key = e.keyword === 'propertyNames' ? (e.params as { propertyName?: string }).propertyName : undefined;
    const pointer = at + e.instancePath + (key !== undefined ? toPointer([key]) : '');
    const extra = e.keyword === 'additionalProperties' ? ` '${String((e.params as { additionalProperty: string }).additionalProperty)}'`
      : e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ')})` : '';
    fail(shown, pointer, `${key !== undefined ? 'rule id must be dotted lower-case words' : e.message ?? e.keyword}${extra}`);
  }
  const config = data as PushContractsConfig;
  const known = knownRuleIds();
  for (const id of Object.keys(config.rules ?? {})) {
    if (!known.includes(id)) fail(shown, at + toPointer(['rules', id]), `unknown rule id '${id}'; known: ${known.join(', ')}`);
  }
  return config;
}

/**
 * Finds and checks the config of a project: `explicit` (a --config path) if given, else
 * push-contracts.config.json in cwd, else the "push-contracts" key of cwd's package.json. Having both
 * is a usage error rather than a silent choice.
 */
export function loadConfig(options: { readonly cwd: string; readonly explicit?: string }): LoadedConfig {
  const { cwd } = options;
  if (options.explicit) {
    const file = path.resolve(cwd, options.explicit);
    if (!fs.existsSync(file)) fail(options.explicit, '', 'config file is missing');
    return { config: checkConfig(parseJson(fs.readFileSync(file, 'utf8'), options.explicit), options.explicit), source: options.explicit };
  }
  const file = path.join(cwd, CONFIG_FILE);
  const pkgFile = path.join(cwd, 'package.json');
  const hasFile = fs.existsSync(file);
  let pkg: Record<string, unknown> | undefined;
  if (fs.existsSync(pkgFile)) {
    const parsed = parseJson(fs.readFileSync(pkgFile, 'utf8'), 'package.json');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) pkg = parsed as Record<string, unknown>;
  }
  const inPkg = pkg !== undefined && PACKAGE_KEY in pkg;
  if (hasFile && inPkg) fail('package.json', toPointer([PACKAGE_KEY]), `push-contracts is configured twice, here and in ${CONFIG_FILE}; keep one`);
  if (hasFile) return { config: checkConfig(parseJson(fs.readFileSync(file, 'utf8'), CONFIG_FILE), CONFIG_FILE), source: CONFIG_FILE };
  if (inPkg) return { config: checkConfig(pkg![PACKAGE_KEY], 'package.json', toPointer([PACKAGE_KEY])), source: `package.json#${PACKAGE_KEY}` };
  return { config: {} };
}

const SEVERITY: Readonly<Record<'error' | 'warn', Severity>> = { error: 'error', warn: 'warning' };

/**
 * The one function verify, probe, publish and lint call: the project's config merged with the
 * command's --rule / --skip-rule flags. A rule the config turns off is skipped unless --rule names
 * it; ids the command does not run (a probe check, for verify; the pre-publish gate's mandatory rules,
 * for publish) are left alone.
 */
export function loadRulePolicy(options: {
  readonly cwd: string;
  readonly command: ConfiguredCommand;
  /** A --config path; otherwise the config is looked up in cwd. */
  readonly configPath?: string;
  readonly only?: readonly string[];
  readonly skip?: readonly string[];
}): RulePolicy & { readonly source?: string } {
  const { config, source } = loadConfig({ cwd: options.cwd, explicit: options.configPath });
  const applies = new Set(ruleIdsOf(options.command));
  const only = options.only && options.only.length > 0 ? options.only : undefined;
  const settings = Object.entries(config.rules ?? {});
  const off = settings.filter(([id, s]) => s === 'off' && applies.has(id) && !only?.includes(id)).map(([id]) => id);
  const severity = Object.fromEntries(settings.filter(([id, s]) => s !== 'off' && applies.has(id)).map(([id, s]) => [id, SEVERITY[s as 'error' | 'warn']]));
  return {
    only,
    skip: [...new Set([...off, ...(options.skip ?? [])])],
    severity,
    uncertainFacts: config.uncertainFacts === 'error' ? 'error' : 'warning',
    source,
  };
}

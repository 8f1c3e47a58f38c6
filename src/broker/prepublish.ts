import * as fs from 'node:fs';
import * as path from 'node:path';
import { audit, type AuditOptions } from '../audit/audit';
import type { Exchange, Finding, HeaderMap, InteractionRef } from '../audit/types';
import { basicAuth, ENV_APP_KEY, ENV_GROUP_KEY, ENV_GROUP_MASTER_SECRET, ENV_MASTER_SECRET, groupBasicAuth } from '../credentials';
import { PushContractsError } from '../errors';
import { BROKER_ENV, type Env } from './config';

/** One interaction the policy check refuses, with every reason. */
export interface PublishOffence {
  readonly file: string;
  readonly description: string;
  readonly reasons: readonly string[];
  /** The audit's error findings, when the reason is the policy. */
  readonly findings: readonly Finding[];
}

export interface PactFileSummary {
  readonly file: string;
  readonly consumer: string;
  readonly provider: string;
  readonly interactions: number;
}

export interface PrepublishReport {
  readonly files: readonly PactFileSummary[];
  readonly offences: readonly PublishOffence[];
}

/** A secret to look for, with the name shown instead of its value. */
export interface NamedSecret {
  readonly name: string;
  readonly value: string;
}

/**
 * Shorter values would match ordinary text by chance; real app secrets and broker tokens are far
 * longer than this.
 */
const MIN_SECRET_LENGTH = 6;

/**
 * Every secret the environment holds, in every form it could take in a pact: PUSH_MASTER_SECRET, the
 * raw and base64 appKey:masterSecret pair, and the broker token or password (also as a Basic pair).
 */
export function secretsFromEnv(env: Env): NamedSecret[] {
  const out: NamedSecret[] = [];
  const appKey = env[ENV_APP_KEY];
  const secret = env[ENV_MASTER_SECRET];
  if (secret) {
    out.push({ name: ENV_MASTER_SECRET, value: secret });
    if (appKey) {
      out.push({ name: `${ENV_APP_KEY}:${ENV_MASTER_SECRET}`, value: `${appKey}:${secret}` });
      out.push({ name: `base64 of ${ENV_APP_KEY}:${ENV_MASTER_SECRET}`, value: basicAuth({ appKey, masterSecret: secret }).slice('Basic '.length) });
    }
  }
  // The group's pair (group push) as it is sent: `group-<GroupKey>:secret`.
  const groupKey = env[ENV_GROUP_KEY];
  const groupSecret = env[ENV_GROUP_MASTER_SECRET];
  if (groupSecret) {
    out.push({ name: ENV_GROUP_MASTER_SECRET, value: groupSecret });
    if (groupKey) {
      const pair = groupBasicAuth({ groupKey, groupMasterSecret: groupSecret }).slice('Basic '.length);
      out.push({ name: `group-${ENV_GROUP_KEY}:${ENV_GROUP_MASTER_SECRET}`, value: Buffer.from(pair, 'base64').toString('utf8') });
      out.push({ name: `base64 of group-${ENV_GROUP_KEY}:${ENV_GROUP_MASTER_SECRET}`, value: pair });
    }
  }
  const token = env[BROKER_ENV.token];
  if (token) out.push({ name: BROKER_ENV.token, value: token });
  const password = env[BROKER_ENV.password];
  if (password) {
    out.push({ name: BROKER_ENV.password, value: password });
    const user = env[BROKER_ENV.username];
    if (user) out.push({ name: `base64 of ${BROKER_ENV.username}:${BROKER_ENV.password}`, value: Buffer.from(`${user}:${password}`).toString('base64') });
  }
  return out.filter((s) => s.value.length >= MIN_SECRET_LENGTH);
}

/** The pact files a publish would send: the file itself, or the *.json files directly in a directory. */
export function listPactFiles(dirOrFile: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dirOrFile);
  } catch {
    throw new PushContractsError('PC_ERR_USAGE', `pact directory ${dirOrFile} does not exist`, { file: dirOrFile });
  }
  if (stat.isFile()) return [dirOrFile];
  const files = fs
    .readdirSync(dirOrFile)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dirOrFile, f));
  if (files.length === 0) throw new PushContractsError('PC_ERR_USAGE', `no pact files (*.json) in ${dirOrFile}`, { file: dirOrFile });
  return files;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every string in a value, keys included, and the decoded text of base64 bodies. */
function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (isObject(value)) {
    if ((value.encoded === 'base64' || value.encoded === true) && typeof value.content === 'string') {
      out.push(Buffer.from(value.content, 'base64').toString('utf8'));
    }
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      stringsIn(v, out);
    }
  }
  return out;
}

function leakedSecrets(value: unknown, secrets: readonly NamedSecret[]): string[] {
  if (secrets.length === 0) return [];
  const texts = stringsIn(value);
  return secrets.filter((s) => texts.some((t) => t.includes(s.value))).map((s) => `contains the value of ${s.name}`);
}

function headerMap(raw: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!isObject(raw)) return out;
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.map(String);
  }
  return out;
}

function queryString(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw || undefined;
  if (!isObject(raw)) return undefined;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(raw)) for (const item of Array.isArray(v) ? v : [v]) params.append(k, String(item));
  const s = params.toString();
  return s || undefined;
}

/**
 * The response body as the provider would have to send it. Pact V4 wraps bodies as {content,
 * contentType, encoded} and pact-js writes the matchers' example values into `content`; older
 * specifications store the body itself.
 */
function bodyText(body: unknown, v4: boolean): { text: string; contentType?: string } {
  if (body === undefined || body === null) return { text: '' };
  if (v4 && isObject(body) && 'content' in body) {
    const contentType = typeof body.contentType === 'string' ? body.contentType : undefined;
    const { content } = body;
    if (typeof content === 'string') {
      const encoded = body.encoded === 'base64' || body.encoded === true;
      return { text: encoded ? Buffer.from(content, 'base64').toString('utf8') : content, contentType };
    }
    return { text: JSON.stringify(content), contentType };
  }
  return { text: typeof body === 'string' ? body : JSON.stringify(body) };
}

/** Builds the exchange a pact interaction declares, so the audit judges what the consumer expects. */
export function exchangeOf(pact: Json, interaction: Json): Exchange | undefined {
  if (typeof interaction.type === 'string' && interaction.type !== 'Synchronous/HTTP') return undefined;
  const request = isObject(interaction.request) ? interaction.request : undefined;
  const response = isObject(interaction.response) ? interaction.response : undefined;
  if (!request || !response) return undefined;
  const spec = isObject(pact.metadata) && isObject(pact.metadata.pactSpecification) ? String(pact.metadata.pactSpecification.version ?? '') : '';
  const v4 = spec.startsWith('4') || typeof interaction.type === 'string';
  const body = bodyText(response.body, v4);
  const headers: Record<string, string | string[]> = headerMap(response.headers);
  if (body.contentType && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = body.contentType;
  const states = Array.isArray(interaction.providerStates)
    ? interaction.providerStates.map((s) => (isObject(s) ? String(s.name) : String(s)))
    : typeof interaction.providerState === 'string' ? [interaction.providerState] : [];
  const ref: InteractionRef = {
    description: String(interaction.description ?? ''),
    consumer: isObject(pact.consumer) ? String(pact.consumer.name) : undefined,
    provider: isObject(pact.provider) ? String(pact.provider.name) : undefined,
    providerStates: states,
    id: typeof interaction._id === 'string' ? interaction._id : typeof interaction.key === 'string' ? interaction.key : undefined,
  };
  const rawPath = String(request.path ?? '/');
  return {
    interaction: ref,
    request: {
      method: String(request.method ?? 'GET').toUpperCase(),
      path: rawPath.split('?')[0],
      query: queryString(request.query),
      headers: headerMap(request.headers) as HeaderMap,
    },
    response: { status: typeof response.status === 'number' ? response.status : 200, headers, body: body.text },
  };
}

function readPact(file: string): Json {
  let pact: unknown;
  try {
    pact = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new PushContractsError('PC_ERR_PACT_MALFORMED', `${file} is not JSON: ${(err as Error).message}`, { file });
  }
  if (!isObject(pact) || !isObject(pact.consumer) || !isObject(pact.provider) || !Array.isArray(pact.interactions)) {
    throw new PushContractsError('PC_ERR_PACT_MALFORMED', `${file} is not a pact (consumer, provider and interactions are required)`, { file });
  }
  return pact;
}

/** The gate's core: whatever else is skipped, these always run before a publish. */
export const MANDATORY_RULES: readonly string[] = ['response.status.unknown', 'response.envelope.invalid'];

export interface PrepublishOptions {
  readonly secrets?: readonly NamedSecret[];
  readonly audit?: Omit<AuditOptions, 'declarativeOnly'>;
}

/**
 * The policy gate in front of the broker: each interaction's declared response must pass the
 * declarative audit rules (a status among the twelve, a valid error envelope, ...) and no part of a
 * pact may contain a secret. Reads the files only; never changes them.
 */
export function checkPactsForPublish(files: readonly string[], options: PrepublishOptions = {}): PrepublishReport {
  const secrets = options.secrets ?? [];
  const skipped = (options.audit?.skip ?? []).filter((id) => MANDATORY_RULES.includes(id));
  if (skipped.length > 0 || (options.audit?.only && MANDATORY_RULES.some((id) => !options.audit?.only?.includes(id)))) {
    throw new PushContractsError('PC_ERR_USAGE', `the pre-publish check always applies ${MANDATORY_RULES.join(' and ')}; they cannot be skipped`);
  }
  const summaries: PactFileSummary[] = [];
  const offences: PublishOffence[] = [];
  for (const file of files) {
    const pact = readPact(file);
    const interactions = (pact.interactions as unknown[]).filter(isObject);
    summaries.push({ file, consumer: String((pact.consumer as Json).name), provider: String((pact.provider as Json).name), interactions: interactions.length });
    for (const interaction of interactions) {
      const reasons = leakedSecrets(interaction, secrets);
      const ex = exchangeOf(pact, interaction);
      const findings = ex ? audit(ex, { ...options.audit, declarativeOnly: true }).filter((f) => f.severity === 'error') : [];
      reasons.push(...findings.map((f) => `${f.ruleId}: ${f.message}`));
      if (reasons.length > 0) offences.push({ file, description: String(interaction.description ?? '(no description)'), reasons, findings });
    }
    const { interactions: _all, ...rest } = pact;
    const outside = leakedSecrets(rest, secrets);
    if (outside.length > 0) offences.push({ file, description: '(outside the interactions)', reasons: outside, findings: [] });
  }
  return { files: summaries, offences };
}

export function renderOffence(o: PublishOffence): string {
  return `${o.file}: '${o.description}': ${o.reasons.join('; ')}`;
}


import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../cli/main';
import type { CliIO } from '../cli/io';
import { PushContractsError } from '../errors';
import { loadRulePolicy } from './load';
import { tempDir } from '../../test-support/temp-dir';

function project(files: Record<string, unknown>): string {
  const dir = tempDir('pc-config-');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

function errorOf(fn: () => unknown): PushContractsError {
  try {
    fn();
  } catch (err) {
    return err as PushContractsError;
  }
  throw new Error('expected an error');
}

describe('loadRulePolicy', () => {
  it('without a config runs every rule at its own severity and lets uncertain facts warn', () => {
    expect(loadRulePolicy({ cwd: project({ 'package.json': { name: 'x' } }), command: 'verify' })).toEqual({
      only: undefined, skip: [], severity: {}, uncertainFacts: 'warning', source: undefined,
    });
  });

  it('reads push-contracts.config.json: off skips, warn and error set severities, uncertainFacts', () => {
    const cwd = project({
      'push-contracts.config.json': {
        rules: { 'response.business-code.unknown': 'off', 'response.header.rate-limit-missing': 'warn', 'response.status.not-listed': 'error' },
        uncertainFacts: 'error',
      },
    });
    expect(loadRulePolicy({ cwd, command: 'verify', skip: ['response.header.allow-missing'] })).toEqual({
      only: undefined,
      skip: ['response.business-code.unknown', 'response.header.allow-missing'],
      severity: { 'response.header.rate-limit-missing': 'warning', 'response.status.not-listed': 'error' },
      uncertainFacts: 'error',
      source: 'push-contracts.config.json',
    });
  });

  it('reads the "push-contracts" key of package.json', () => {
    const cwd = project({ 'package.json': { name: 'x', 'push-contracts': { rules: { 'response.status.not-listed': 'off' } } } });
    expect(loadRulePolicy({ cwd, command: 'publish' })).toMatchObject({ skip: ['response.status.not-listed'], source: 'package.json#push-contracts' });
  });

  it('a probe check turned off is skipped by probe and left alone by verify, which does not know it', () => {
    const cwd = project({ 'push-contracts.config.json': { rules: { 'probe.business-code.unexpected': 'off' } } });
    expect(loadRulePolicy({ cwd, command: 'probe' }).skip).toEqual(['probe.business-code.unexpected']);
    expect(loadRulePolicy({ cwd, command: 'verify' }).skip).toEqual([]);
  });

  it('cannot turn off or down the pre-publish gate\'s mandatory rules, which verify still lets the team tune', () => {
    const cwd = project({ 'push-contracts.config.json': { rules: { 'response.status.unknown': 'off', 'response.envelope.invalid': 'warn', 'response.status.not-listed': 'error' } } });
    expect(loadRulePolicy({ cwd, command: 'publish' })).toMatchObject({ skip: [], severity: { 'response.status.not-listed': 'error' } });
    expect(loadRulePolicy({ cwd, command: 'verify' })).toMatchObject({ skip: ['response.status.unknown'], severity: { 'response.envelope.invalid': 'warning', 'response.status.not-listed': 'error' } });
  });

  it('--rule naming a rule the config turns off runs it', () => {
    const cwd = project({ 'push-contracts.config.json': { rules: { 'response.status.not-listed': 'off' } } });
    expect(loadRulePolicy({ cwd, command: 'verify', only: ['response.status.not-listed'] })).toMatchObject({ only: ['response.status.not-listed'], skip: [] });
  });

  it('names the file and the JSON pointer of every problem, in one line', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ 'push-contracts.config.json': { rules: { 'response.status.nope': 'off' } } }, /^push-contracts\.config\.json at \/rules\/response\.status\.nope: unknown rule id 'response\.status\.nope'; known: response\.status\.unknown, /],
      [{ 'push-contracts.config.json': { rules: { 'response.status.unknown': 'warning' } } }, /^push-contracts\.config\.json at \/rules\/response\.status\.unknown: must be equal to one of the allowed values \(error, warn, off\)$/],
      [{ 'push-contracts.config.json': { rules: { NotDotted: 'off' } } }, /^push-contracts\.config\.json at \/rules\/NotDotted: rule id must be dotted lower-case words$/],
      [{ 'push-contracts.config.json': { severity: {} } }, /^push-contracts\.config\.json at \/: must NOT have additional properties 'severity'$/],
      [{ 'push-contracts.config.json': '{ "rules": { "response.status.unknown": "off", } }' }, /^push-contracts\.config\.json at \/rules\/ \(line 1, column 48\): invalid JSON, PropertyNameExpected$/],
      [{ 'package.json': { name: 'x', 'push-contracts': { uncertainFacts: 'sometimes' } } }, /^package\.json at \/push-contracts\/uncertainFacts: must be equal to one of the allowed values \(warn, error\)$/],
      [{ 'package.json': { name: 'x', 'push-contracts': {} }, 'push-contracts.config.json': {} }, /^package\.json at \/push-contracts: push-contracts is configured twice, here and in push-contracts\.config\.json; keep one$/],
    ];
    for (const [files, message] of cases) {
      const err = errorOf(() => loadRulePolicy({ cwd: project(files), command: 'verify' }));
      expect(err).toBeInstanceOf(PushContractsError);
      expect(err.code).toBe('PC_ERR_CONFIG_INVALID');
      expect(err.message).toMatch(message);
      expect(err.message).not.toContain('\n');
    }
  });

  it('an explicit --config path that does not exist is named', () => {
    expect(errorOf(() => loadRulePolicy({ cwd: project({}), command: 'probe', configPath: 'ci/pc.json' })).message).toBe('ci/pc.json at /: config file is missing');
  });
});

function capture(cwd: string, env: Record<string, string> = {}): CliIO & { err: () => string } {
  let err = '';
  return { stdout: () => undefined, stderr: (t) => { err += t; }, env, cwd, err: () => err };
}

describe('publish reads the config for its pre-publish check', () => {
  // The first command run loads the whole CLI (pact's native core included): slow on a loaded machine.
  jest.setTimeout(60_000);

  // A 404 from GET /v3/tags: a status the policy knows but the endpoint does not list, a warning by default.
  const pact = {
    consumer: { name: 'app' }, provider: { name: 'jpush-v3' },
    interactions: [{
      description: 'tags answer 404', request: { method: 'GET', path: '/v3/tags' },
      response: { status: 404, headers: { 'Content-Type': 'application/json' }, body: { error: { code: 1011, message: 'not found' } } },
    }],
  };
  const args = ['publish', '--pact-dir', 'pacts', '--consumer-app-version', '1.0.0', '--branch', 'main'];

  it('refuses (exit 1) a pact the config makes an error, naming the rule', async () => {
    const io = capture(project({ 'pacts/app-jpush-v3.json': pact, 'push-contracts.config.json': { rules: { 'response.status.not-listed': 'error' } } }), { PACT_BROKER_BASE_URL: 'http://127.0.0.1:9' });
    expect(await main(args, io)).toBe(1);
    expect(io.err()).toContain('response.status.not-listed');
    expect(io.err()).toContain('PC_ERR_PUBLISH_REFUSED');
  });

  it('stops with exit 2 and one line on a broken config, before anything is read or sent', async () => {
    const io = capture(project({ 'pacts/app-jpush-v3.json': pact, 'push-contracts.config.json': { rules: { 'response.status.not-listed': 'fatal' } } }), { PACT_BROKER_BASE_URL: 'http://127.0.0.1:9' });
    expect(await main(args, io)).toBe(2);
    expect(io.err().trim().split('\n')).toEqual([
      "push-contracts: PC_ERR_CONFIG_INVALID: push-contracts.config.json at /rules/response.status.not-listed: must be equal to one of the allowed values (error, warn, off)",
    ]);
  });
});

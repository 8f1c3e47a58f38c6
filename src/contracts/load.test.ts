import * as fs from 'node:fs';
import * as path from 'node:path';
import { Contracts, getContracts } from './load';
import { defaultContractsDir } from './files';
import { PushContractsError } from '../errors';
import { tempDir } from '../../test-support/temp-dir';

/** A scratch copy of contracts/ that a test may break. */
function copyContracts(): string {
  const dir = tempDir('pc-contracts-');
  fs.cpSync(defaultContractsDir, path.join(dir, 'contracts'), { recursive: true });
  return path.join(dir, 'contracts');
}

function loadError(dir: string): PushContractsError {
  try {
    new Contracts(dir);
  } catch (err) {
    return err as PushContractsError;
  }
  throw new Error('expected loading to fail');
}

describe('Contracts', () => {
  const c = getContracts();

  describe('loading', () => {
    it('catalogues exactly the twelve statuses of the policy', () => {
      expect(c.statuses.map((s) => s.code)).toEqual([200, 400, 401, 403, 404, 405, 410, 429, 500, 502, 503, 504]);
    });

    it('loads once per process', () => {
      expect(getContracts()).toBe(c);
    });

    it('names the file and the JSON pointer, in one line, when a file is not JSON', () => {
      const dir = copyContracts();
      const file = path.join(dir, 'endpoints', 'jpush-v3.json');
      const text = fs.readFileSync(file, 'utf8');
      // Break the value of the third endpoint's method: the pointer must lead there.
      const at = text.indexOf('"method": "GET"');
      fs.writeFileSync(file, text.slice(0, at) + '"method": GET' + text.slice(at + '"method": "GET"'.length));
      const err = loadError(dir);
      expect(err.code).toBe('PC_ERR_CONTRACTS_INVALID');
      expect(err.message).toMatch(/^contracts\/endpoints\/jpush-v3\.json at \/endpoints\/2\/method \(line \d+, column \d+\): invalid JSON/);
      expect(err.message).not.toContain('\n');
    });

    it('names a missing file', () => {
      const dir = copyContracts();
      fs.rmSync(path.join(dir, 'causes.json'));
      expect(loadError(dir).message).toBe('contracts/causes.json: file is missing');
    });

    it('names the file and pointer of a value that breaks the meta-schema', () => {
      const dir = copyContracts();
      const file = path.join(dir, 'business-codes', 'mtpush-v4.json');
      const data = JSON.parse(fs.readFileSync(file, 'utf8'));
      data.tables[0].codes[3].certainty = 'probably';
      fs.writeFileSync(file, JSON.stringify(data));
      const err = loadError(dir);
      expect(err.message).toMatch(/^contracts\/business-codes\/mtpush-v4\.json at \/tables\/0\/codes\/3\/certainty: must be equal to one of the allowed values/);
      expect(err.context.pointer).toBe('/tables/0/codes/3/certainty');
    });

    it('refuses a schema whose $id does not match its path', () => {
      const dir = copyContracts();
      const file = path.join(dir, 'schemas', 'jpush-v3', 'tags.response.json');
      const data = JSON.parse(fs.readFileSync(file, 'utf8'));
      data.$id = 'https://push-contracts.dev/schemas/jpush-v3/other.json';
      fs.writeFileSync(file, JSON.stringify(data));
      expect(loadError(dir).message).toBe('contracts/schemas/jpush-v3/tags.response.json at /$id: must be "https://push-contracts.dev/schemas/jpush-v3/tags.response.json"');
    });

    it('refuses at load a schema whose $ref leads nowhere; compiled on first use, it is refused at that use, naming its file', () => {
      const dir = copyContracts();
      const file = path.join(dir, 'schemas', 'jpush-v3', 'tags.response.json');
      const data = JSON.parse(fs.readFileSync(file, 'utf8'));
      data.properties.tags = { $ref: 'no-such-schema.json' };
      fs.writeFileSync(file, JSON.stringify(data));
      expect(loadError(dir)).toMatchObject({ code: 'PC_ERR_CONTRACTS_INVALID', message: expect.stringMatching(/^contracts\/schemas\/jpush-v3\/tags\.response\.json: /) });
      const lazy = new Contracts(dir, { compile: 'on-first-use' });
      expect(lazy.validate('https://push-contracts.dev/schemas/jpush-v3/cid.response.json', {}).valid).toBe(false);
      expect(() => lazy.validate('https://push-contracts.dev/schemas/jpush-v3/tags.response.json', { tags: [] })).toThrow(
        expect.objectContaining({ code: 'PC_ERR_CONTRACTS_INVALID', message: expect.stringMatching(/^contracts\/schemas\/jpush-v3\/tags\.response\.json: /) }),
      );
    });

    it('compiles the shared contracts on first use, to the same validators as a full load', () => {
      const full = new Contracts();
      for (const id of c.schemas.keys()) {
        expect(c.validate(id, {})).toEqual(full.validate(id, {}));
      }
    });

    it('compiles an edited copy afresh: the validators of an earlier load are reused only for the same schema texts', () => {
      const id = 'https://push-contracts.dev/schemas/jpush-v3/push.response.json';
      const body = { sendno: '1', msg_id: '1828256757' };
      const lazy = { compile: 'on-first-use' } as const;
      expect(new Contracts(undefined, lazy).validate(id, body).valid).toBe(true);
      const dir = copyContracts();
      const file = path.join(dir, 'schemas', 'jpush-v3', 'push.response.json');
      const data = JSON.parse(fs.readFileSync(file, 'utf8'));
      data.$defs.msgIdString.pattern = '^[a-z]+$';
      fs.writeFileSync(file, JSON.stringify(data));
      expect(new Contracts(dir, lazy).validate(id, body).valid).toBe(false);
      expect(new Contracts(undefined, lazy).validate(id, body).valid).toBe(true);
    });

    it('refuses a schema that does not compile, naming its file', () => {
      const dir = copyContracts();
      const file = path.join(dir, 'schemas', 'jpush-v3', 'tags.response.json');
      const data = JSON.parse(fs.readFileSync(file, 'utf8'));
      data.properties.tags.type = 'strang';
      fs.writeFileSync(file, JSON.stringify(data));
      expect(loadError(dir).message).toMatch(/^contracts\/schemas\/jpush-v3\/tags\.response\.json at \/properties\/tags\/type: must be equal to one of the allowed values/);
    });
  });

  describe('#resolve', () => {
    it('finds an endpoint and decodes its path parameters', () => {
      const m = c.resolve('PUT', '/v3/schedules/abc%20def');
      expect(m.kind === 'endpoint' && [m.endpoint.id, m.params]).toEqual(['schedules.update', { schedule_id: 'abc def' }]);
    });

    it('prefers a static path over a template, as the router does', () => {
      const m = c.resolve('PUT', '/v3/push/validate');
      expect(m).toMatchObject({ kind: 'method-not-allowed', path: '/v3/push/validate', allowed: ['POST'] });
    });

    it('routes per method: a static path without the method leaves the request to a template with it', () => {
      const del = c.resolve('DELETE', '/v3/push/validate');
      expect(del.kind === 'endpoint' && [del.endpoint.id, del.params]).toEqual(['push.withdraw', { msg_id: 'validate' }]);
      const post = c.resolve('POST', '/v4/tags/quota-info');
      expect(post.kind === 'endpoint' && [post.endpoint.id, post.params]).toEqual(['tags.update', { tag: 'quota-info' }]);
    });

    it('lists every method of the path when the method is not allowed', () => {
      const m = c.resolve('POST', '/v3/schedules/x');
      expect(m.kind === 'method-not-allowed' && [...m.allowed].sort()).toEqual(['DELETE', 'GET', 'PUT']);
    });

    it('recognises retired APIs and unknown paths of a known API', () => {
      expect(c.resolve('POST', '/v2/push').kind).toBe('retired');
      expect(c.resolve('GET', '/v4/nothing-here')).toEqual({ kind: 'unknown', api: 'mtpush-v4' });
      expect(c.resolve('GET', '/elsewhere')).toEqual({ kind: 'unknown', api: undefined });
    });

    it('ignores the query string and a trailing slash', () => {
      expect(c.resolve('GET', '/v3/tags/?platform=ios')).toMatchObject({ kind: 'endpoint', endpoint: { id: 'tags.list' } });
    });
  });

  describe('business codes', () => {
    it('looks a code up in the family table before the shared ones', () => {
      expect(c.businessCode('jpush-v3', 'report', 2003)?.table).toBe('report');
      expect(c.businessCode('jpush-v3', 'device', 2003)?.table).toBe('push');
    });

    it('answers each family\'s authentication failure with its own code', () => {
      expect(c.codeFor('jpush-v3', 'push', 'auth.failed')?.code).toBe(1004);
      expect(c.codeFor('jpush-v3', 'report', 'auth.failed')?.code).toBe(3001);
      expect(c.codeFor('jpush-v3', 'device', 'auth.missing')?.code).toBe(7001);
      expect(c.codeFor('jpush-v3', 'device', 'auth.failed')?.code).toBe(7004);
      expect(c.codeFor('jpush-v3', 'schedule', 'auth.failed')?.code).toBe(8101);
      expect(c.codeFor('mtpush-v4', 'device', 'auth.failed')?.code).toBe(21004);
    });

    it('keeps a documented status the policy contradicts, instead of hiding it', () => {
      expect(c.businessCode('mtpush-v4', 'push', 23008)).toMatchObject({ status: 429, documentedStatus: 400, certainty: 'conflict' });
    });
  });

  describe('#validate', () => {
    it('returns structured errors with JSON pointers, copied per call', () => {
      const bad = c.validate('common/error-envelope.v3.json', { error: { code: '1003' } });
      const good = c.validate('common/error-envelope.v3.json', { error: { code: 1003, message: 'x' } });
      expect(good).toEqual({ valid: true, errors: [] });
      expect(bad.valid).toBe(false);
      expect(bad.errors).toEqual(expect.arrayContaining([
        expect.objectContaining({ pointer: '/error', keyword: 'required' }),
        expect.objectContaining({ pointer: '/error/code', keyword: 'type' }),
      ]));
    });

    it('accepts both v4 envelope forms and rejects a v3 body without error', () => {
      expect(c.validate('common/error-envelope.v4.json', { code: 21003, message: 'x' }).valid).toBe(true);
      expect(c.validate('common/error-envelope.v4.json', { error: { code: 21003, message: 'x' } }).valid).toBe(true);
      expect(c.validate('common/error-envelope.v3.json', { code: 1003, message: 'x' }).valid).toBe(false);
    });

    it('checks the rate-limit headers as non-negative integers, Quota as an alias of Limit', () => {
      const id = 'common/rate-limit-headers.json';
      expect(c.validate(id, { 'x-rate-limit-quota': '600', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '3' }).valid).toBe(true);
      expect(c.validate(id, { 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '-1', 'x-rate-limit-reset': '3' }).valid).toBe(false);
      expect(c.validate(id, { 'x-rate-limit-remaining': '1', 'x-rate-limit-reset': '3' }).valid).toBe(false);
    });

    it('refuses an unknown schema id', () => {
      expect(() => c.validate('jpush-v3/nothing.json', {})).toThrow(/no schema with \$id https:\/\/push-contracts\.dev\/schemas\/jpush-v3\/nothing\.json/);
    });
  });
});

import { envelopeBody } from '../contracts/envelopes';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import YAML from 'yaml';
import { runCliInProcess as run } from '../../test-support/cli-in-process';
import { Contracts, getContracts } from '../contracts/load';
import type { ApiId } from '../contracts/types';
import { buildOpenApi } from './export';
import { COMMITTED_OPENAPI_DIR, driftOf, exportOpenApi, renderOpenApi } from './files';
import { codesFor } from './policy';
import { tempDir } from '../../test-support/temp-dir';

const contracts = getContracts();
const apis = Object.keys(contracts.apis) as ApiId[];
type Doc = Record<string, any>;

/** A response as the document gives it, with a components.responses $ref followed. */
function responseOf(doc: Doc, p: string, method: string, status: number): Doc {
  const r = doc.paths[p][method.toLowerCase()].responses[String(status)];
  return r?.$ref ? doc.components.responses[r.$ref.split('/').pop()] : r;
}

/** A deep-frozen copy: the documents below are shared by every test of the file, so none can edit them for the next. */
function frozen<T>(value: T): T {
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return;
    Object.freeze(v);
    for (const x of Object.values(v)) walk(x);
  };
  const copy = structuredClone(value);
  walk(copy);
  return copy;
}

/**
 * Each API's document, built once for the file: building it and compiling its schemas was most of this
 * file's CPU when every test did it again. Frozen, so a test that needs to edit one copies it first.
 */
const docs = new Map<ApiId, Doc>();
function docOf(api: ApiId): Doc {
  if (!docs.has(api)) docs.set(api, frozen(buildOpenApi(api, contracts)));
  return docs.get(api) as Doc;
}

/**
 * A validator of any schema inside the document, resolving its in-document $refs like an OpenAPI tool.
 * One ajv per document, and one compiled function per distinct schema: the responses of many operations
 * are the same component, and compiling it again would only repeat the same work.
 */
const validators = new WeakMap<Doc, (schema: unknown) => (data: unknown) => boolean>();
function schemaValidator(doc: Doc): (schema: unknown) => (data: unknown) => boolean {
  const known = validators.get(doc);
  if (known) return known;
  const ajv = new Ajv2020({ strict: false, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'https://openapi.test/doc.json', components: doc.components });
  const compiled = new Map<string, (data: unknown) => boolean>();
  const compile = (schema: unknown): ((data: unknown) => boolean) => {
    const key = JSON.stringify(schema);
    let valid = compiled.get(key);
    if (!valid) {
      const fn = ajv.compile({ $id: `https://openapi.test/s${compiled.size + 1}.json`, ...(schema as object), $defs: {} });
      valid = (data) => fn(data) as boolean;
      compiled.set(key, valid);
    }
    return valid;
  };
  validators.set(doc, compile);
  return compile;
}

function withDocRefs(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"https://openapi.test/doc.json#/components/'));
}

/** Equal lists of strings or numbers. (util.isDeepStrictEqual also compares prototypes, and structuredClone in
 * frozen() makes the documents' arrays in another realm than jest's test context.) */
function sameList(a: unknown, b: readonly unknown[]): boolean {
  return Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * The validator of a schema object of a document. The error responses of a family are one component, so
 * the loops below meet the same frozen schema object for many operations: copied and compiled once.
 */
const bySchema = new WeakMap<object, (data: unknown) => boolean>();
function validatorOf(doc: Doc, schema: Doc): (data: unknown) => boolean {
  let valid = bySchema.get(schema);
  if (!valid) {
    valid = schemaValidator(doc)(withDocRefs(schema));
    bySchema.set(schema, valid);
  }
  return valid;
}

describe('push-contracts openapi', () => {
  it.each(apis)('exports %s as a document a real OpenAPI 3.1 validator accepts', async (api) => {
    const doc = docOf(api);
    expect(doc.openapi).toBe('3.1.0');
    // swagger-parser dereferences in place, so it gets a copy.
    await expect(SwaggerParser.validate(JSON.parse(JSON.stringify(doc)))).resolves.toBeDefined();
  });

  it('the validator used above rejects a document with a dangling $ref, so its verdict means something', async () => {
    const doc = JSON.parse(JSON.stringify(docOf('jpush-v3'))) as Doc;
    doc.paths['/v3/push'].post.requestBody.content['application/json'].schema = { $ref: '#/components/schemas/no-such-schema' };
    await expect(SwaggerParser.validate(doc as never)).rejects.toThrow(/no-such-schema/);
  });

  it('the committed copies in openapi/ are what contracts/ exports today', () => {
    const drift = driftOf(exportOpenApi(contracts, apis, COMMITTED_OPENAPI_DIR, 'json'));
    expect(drift.map((d) => `${path.relative(process.cwd(), d.file)}: ${d.reason}; run \`npm run openapi\` and commit openapi/`)).toEqual([]);
  });

  it.each(apis)('%s: every catalogued endpoint answers each status it lists; the other methods of its path answer 405 with Allow', (api) => {
    const doc = docOf(api);
    const cat = contracts.apis[api];
    // Checked in plain code and asserted once, on what failed: an expect() per check was thousands of
    // them (jest builds its matcher object on every call, docs/development.md).
    const failures: string[] = [];
    for (const e of cat.endpoints) {
      const op = doc.paths[e.path][e.method.toLowerCase()];
      if (op.operationId !== e.id) failures.push(`${e.method} ${e.path}: operationId ${op.operationId}, not ${e.id}`);
      const documented = Object.keys(op.responses).map(Number);
      const listed = e.statuses.filter((s) => s !== 405);
      if (!sameList(documented, listed)) failures.push(`${e.id}: documents ${documented.join(',')}, the catalogue lists ${listed.join(',')}`);
      const allowed = cat.endpoints.filter((x) => x.path === e.path).map((x) => x.method);
      for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((x) => !allowed.includes(x as never))) {
        const refusal = doc.paths[e.path][m.toLowerCase()];
        if (!sameList(refusal['x-allow'], allowed)) failures.push(`${m} ${e.path}: x-allow ${JSON.stringify(refusal['x-allow'])}, not ${JSON.stringify(allowed)}`);
        if (responseOf(doc, e.path, m, 405).headers.Allow.required !== true) failures.push(`${m} ${e.path}: its 405 does not require Allow`);
      }
    }
    for (const r of cat.retired) {
      const op = doc.paths[r.path][r.method.toLowerCase()];
      if (op.deprecated !== true) failures.push(`${r.method} ${r.path}: retired but not deprecated`);
      if (!sameList(Object.keys(op.responses), ['410'])) failures.push(`${r.method} ${r.path}: answers ${Object.keys(op.responses).join(',')}, not only 410`);
    }
    expect(failures).toEqual([]);
  });

  it.each(apis)('%s: each error response allows exactly the codes the family answers the status with, and its examples validate', (api) => {
    const doc = docOf(api);
    const failures: string[] = [];
    let checked = 0;
    for (const e of contracts.apis[api].endpoints) {
      for (const status of e.statuses.filter((s) => s !== 200 && s !== 405)) {
        const where = `${e.id} ${status}`;
        const res = responseOf(doc, e.path, e.method, status);
        const media = res.content['application/json'];
        const valid = validatorOf(doc, media.schema);
        const codes = codesFor(contracts, api, e.family, status).map((c) => c.code);
        const listed = res['x-business-codes'].map((c: { code: number }) => c.code);
        if (!sameList(listed, codes)) failures.push(`${where}: x-business-codes ${listed.join(',')}, the family answers ${codes.join(',')}`);
        // In the envelope that applies: the endpoint's own (template push: flat), else the API's (nested).
        const body = (code: number, message: string): unknown => envelopeBody(contracts, e.errorEnvelope, code, message);
        for (const code of codes) if (valid(body(code, 'm')) !== true) failures.push(`${where}: rejects code ${code}`);
        if (valid(body(1, 'a code no table gives this status')) !== false) failures.push(`${where}: accepts code 1, which no table gives this status`);
        if (valid({ sendno: '1', msg_id: '2' }) !== false) failures.push(`${where}: accepts a success body`);
        for (const [name, ex] of Object.entries(media.examples ?? {}) as Array<[string, { value: unknown }]>) if (valid(ex.value) !== true) failures.push(`${where}: example ${name} breaks the schema`);
        checked += 1;
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });

  it('mtpush-v4 error responses also allow the flat envelope, jpush-v3 ones only the nested', () => {
    const v4 = docOf('mtpush-v4');
    const v3 = docOf('jpush-v3');
    const flat4 = responseOf(v4, '/v4/push', 'POST', 401);
    const flat3 = responseOf(v3, '/v3/push', 'POST', 401);
    const [code4] = flat4['x-business-codes'].map((c: { code: number }) => c.code);
    const [code3] = flat3['x-business-codes'].map((c: { code: number }) => c.code);
    expect(schemaValidator(v4)(withDocRefs(flat4.content['application/json'].schema))({ code: code4, message: 'm' })).toBe(true);
    expect(schemaValidator(v3)(withDocRefs(flat3.content['application/json'].schema))({ code: code3, message: 'm' })).toBe(false);
  });

  it.each(apis)('%s: success responses carry the success schema and its example; rate-limit headers are on every answer but 401', (api) => {
    const doc = docOf(api);
    const firm = contracts.isFirm(contracts.apis[api].rateLimitHeaders.certainty);
    const failures: string[] = [];
    for (const e of contracts.apis[api].endpoints) {
      const ok = responseOf(doc, e.path, e.method, 200);
      if (e.success === 'empty') {
        if (ok.content !== undefined) failures.push(`${e.id}: an empty success with content`);
      } else {
        const media = ok.content['application/json'];
        if (validatorOf(doc, media.schema)(media.example) !== true) failures.push(`${e.id}: the success example breaks its schema`);
      }
      const headers = Object.keys(ok.headers);
      for (const h of ['x-rate-limit-remaining', 'x-rate-limit-reset']) if (!headers.includes(h)) failures.push(`${e.id} 200: no ${h}`);
      if (responseOf(doc, e.path, e.method, 401).headers !== undefined) failures.push(`${e.id} 401: carries headers`);
    }
    expect(failures).toEqual([]);
    expect(doc.components.headers['x-rate-limit-remaining'].required).toBe(firm);
    expect(doc.components.securitySchemes.basicAuth).toEqual(expect.objectContaining({ type: 'http', scheme: 'basic' }));
  });

  it('a response whose cause has its own rate-limit certainty gets headers of that certainty (v3 403: not known for a blacklisted app)', () => {
    const doc = docOf('jpush-v3');
    const fact = contracts.apis['jpush-v3'].rateLimitHeaders;
    const causes: string[] = responseOf(doc, '/v3/push', 'POST', 403)['x-causes'];
    const own = causes.map((c) => fact.byCause?.[c]?.certainty).find((c) => c !== undefined);
    expect(own).toBeDefined();
    const ref: string = responseOf(doc, '/v3/push', 'POST', 403).headers['x-rate-limit-remaining'].$ref;
    const header = doc.components.headers[ref.split('/').pop() as string];
    expect(header['x-certainty']).toBe(own);
    expect(header.required).toBe(contracts.isFirm(own as never));
  });

  it('a path parameter whose invalid value the catalogue answers with 400 keeps the operation reachable and its precise schema in x-valid-schema', () => {
    const doc = docOf('jpush-v3');
    const param = doc.paths['/v3/devices/{registration_id}'].get.parameters.find((p: Doc) => p.name === 'registration_id');
    expect(param.schema).toEqual({ type: 'string' });
    expect(param['x-valid-schema'].pattern).toBeDefined();
  });

  it('YAML output parses back to the same document', () => {
    const doc = docOf('mtpush-v4');
    expect(YAML.parse(renderOpenApi(doc, 'yaml'))).toEqual(doc);
  });

  it('an endpoint added to the catalogue appears in the export without any code change', () => {
    const dir = tempDir('openapi-contracts-');
    cpSync(contracts.dir, dir, { recursive: true });
    const file = path.join(dir, 'endpoints', 'jpush-v3.json');
    const cat = JSON.parse(readFileSync(file, 'utf8'));
    const tags = cat.endpoints.find((e: Doc) => e.id === 'tags.list');
    cat.endpoints.push({ ...tags, id: 'tags.list-copy', path: '/v3/tags-copy', summary: 'A copy of tags.list.' });
    writeFileSync(file, JSON.stringify(cat));
    const doc = buildOpenApi('jpush-v3', new Contracts(dir, { compile: 'on-first-use' })) as Doc;
    expect(doc.paths['/v3/tags-copy'].get.operationId).toBe('tags.list-copy');
    expect(Object.keys(doc.paths['/v3/tags-copy'].get.responses).map(Number)).toEqual(tags.statuses.filter((s: number) => s !== 405));
  });

  describe('command', () => {

    it('writes one document per API, and --check passes on them and fails naming a changed one', async () => {
      const cwd = tempDir('openapi-cli-');
      expect((await run(['openapi', '--out', 'out'], cwd)).code).toBe(0);
      expect(readFileSync(path.join(cwd, 'out', 'jpush-v3.json'), 'utf8')).toBe(renderOpenApi(docOf('jpush-v3'), 'json'));
      expect((await run(['openapi', '--out', 'out', '--check'], cwd)).code).toBe(0);
      writeFileSync(path.join(cwd, 'out', 'mtpush-v4.json'), '{}\n');
      const drift = await run(['openapi', '--out', 'out', '--check'], cwd);
      expect(drift.code).toBe(1);
      expect(drift.stderr).toContain(`${path.join('out', 'mtpush-v4.json')}: differs from a fresh export`);
      expect(drift.stderr).not.toContain('jpush-v3.json');
    });

    it('--api and --format yaml write only that API, as YAML', async () => {
      const cwd = tempDir('openapi-cli-');
      const r = await run(['openapi', '--api', 'mtpush-v4', '--format', 'yaml', '--out', '.'], cwd);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('wrote mtpush-v4.yaml\n');
      expect(YAML.parse(readFileSync(path.join(cwd, 'mtpush-v4.yaml'), 'utf8')).info.title).toBe(contracts.apis['mtpush-v4'].title);
    });

    it('an unknown --api is a usage error (exit 2)', async () => {
      const r = await run(['openapi', '--api', 'jpush-v2', '--out', '.'], os.tmpdir());
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('jpush-v2');
    });
  });
});

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
    for (const e of cat.endpoints) {
      const op = doc.paths[e.path][e.method.toLowerCase()];
      expect(op.operationId).toBe(e.id);
      const documented = Object.keys(op.responses).map(Number);
      expect(documented).toEqual(e.statuses.filter((s) => s !== 405));
      const allowed = cat.endpoints.filter((x) => x.path === e.path).map((x) => x.method);
      for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((x) => !allowed.includes(x as never))) {
        const refusal = doc.paths[e.path][m.toLowerCase()];
        expect(refusal['x-allow']).toEqual(allowed);
        expect(responseOf(doc, e.path, m, 405).headers.Allow.required).toBe(true);
      }
    }
    for (const r of cat.retired) {
      const op = doc.paths[r.path][r.method.toLowerCase()];
      expect(op.deprecated).toBe(true);
      expect(Object.keys(op.responses)).toEqual(['410']);
    }
  });

  it.each(apis)('%s: each error response allows exactly the codes the family answers the status with, and its examples validate', (api) => {
    const doc = docOf(api);
    const compile = schemaValidator(doc);
    let checked = 0;
    for (const e of contracts.apis[api].endpoints) {
      for (const status of e.statuses.filter((s) => s !== 200 && s !== 405)) {
        const res = responseOf(doc, e.path, e.method, status);
        const media = res.content['application/json'];
        const valid = compile(withDocRefs(media.schema));
        const codes = codesFor(contracts, api, e.family, status).map((c) => c.code);
        expect(res['x-business-codes'].map((c: { code: number }) => c.code)).toEqual(codes);
        // In the envelope that applies: the endpoint's own (template push: flat), else the API's (nested).
        const body = (code: number, message: string): unknown => envelopeBody(contracts, e.errorEnvelope, code, message);
        for (const code of codes) expect(valid(body(code, 'm'))).toBe(true);
        expect(valid(body(1, 'a code no table gives this status'))).toBe(false);
        expect(valid({ sendno: '1', msg_id: '2' })).toBe(false);
        for (const ex of Object.values(media.examples ?? {}) as Array<{ value: unknown }>) expect(valid(ex.value)).toBe(true);
        checked += 1;
      }
    }
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
    const compile = schemaValidator(doc);
    const firm = contracts.isFirm(contracts.apis[api].rateLimitHeaders.certainty);
    for (const e of contracts.apis[api].endpoints) {
      const ok = responseOf(doc, e.path, e.method, 200);
      if (e.success === 'empty') expect(ok.content).toBeUndefined();
      else {
        const media = ok.content['application/json'];
        expect(compile(withDocRefs(media.schema))(media.example)).toBe(true);
      }
      expect(Object.keys(ok.headers)).toEqual(expect.arrayContaining(['x-rate-limit-remaining', 'x-rate-limit-reset']));
      expect(responseOf(doc, e.path, e.method, 401).headers).toBeUndefined();
    }
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

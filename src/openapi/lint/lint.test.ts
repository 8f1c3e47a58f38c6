import { readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCliInProcess as run } from '../../../test-support/cli-in-process';
import { getContracts } from '../../contracts/load';
import type { ApiId } from '../../contracts/types';
import { buildOpenApi } from '../export';
import { COMMITTED_OPENAPI_DIR } from '../files';
import { lintOpenApi, listLintRules, readOpenApiFile } from './lint';
import { tempDir } from '../../../test-support/temp-dir';

const contracts = getContracts();
type Doc = Record<string, any>;

const exported = (api: ApiId): Doc => JSON.parse(JSON.stringify(buildOpenApi(api, contracts)));
const findingsOf = (doc: Doc, options = {}) => lintOpenApi(doc, options).operations.flatMap((o) => o.findings);
const ofOp = (doc: Doc, description: string, options = {}) => findingsOf(doc, options).filter((f) => f.interaction.description === description);
const summary = (fs: ReturnType<typeof findingsOf>) => fs.map((f) => ({ ruleId: f.ruleId, severity: f.severity, location: f.location }));

const PUSH = '/paths/~1v3~1push/post';

// A provider's own document, written by hand the way teams write them: OpenAPI 3.0, YAML, the version
// prefix in the server URL, one shared error schema that is not the envelope, no 429 or 5xx.
const PROVIDER_YAML = `openapi: 3.0.3
info: { title: Acme push gateway, version: '1' }
servers: [{ url: 'https://push.acme.example/v3' }]
paths:
  /push:
    post:
      operationId: send
      requestBody:
        content: { application/json: { schema: { type: object } } }
      responses:
        '200':
          description: sent
          content:
            application/json:
              schema: { type: object, properties: { msg_id: { type: string } } }
        '400':
          description: bad
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Problem' }
              example: { error: { code: 1004, message: Authen failed } }
        '401':
          description: no credentials
        '405':
          description: wrong method
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Envelope' }
        '418': { description: teapot }
components:
  schemas:
    Problem: { type: object, properties: { title: { type: string } } }
    Envelope:
      type: object
      required: [error]
      properties:
        error: { type: object, required: [code, message], properties: { code: { type: integer }, message: { type: string } } }
`;

describe('lint-openapi', () => {
  it.each(['jpush-v3', 'mtpush-v4'] as const)('passes the exported %s document: no error, no warning', (api) => {
    const result = lintOpenApi(readOpenApiFile(path.join(COMMITTED_OPENAPI_DIR, `${api}.json`)));
    expect(result.api).toBe(api);
    expect(result.operations.length).toBe(Object.values(buildOpenApi(api, contracts).paths as Doc).reduce((n: number, item: Doc) => n + Object.keys(item).filter((k) => k !== 'servers').length, 0));
    expect(result.operations.flatMap((o) => o.findings)).toEqual([]);
  });

  it('a status outside the twelve is an error; default is a warning that it hides which', () => {
    const doc = exported('jpush-v3');
    doc.paths['/v3/push'].post.responses['418'] = { description: 'teapot' };
    doc.paths['/v3/push'].post.responses.default = { description: 'anything' };
    expect(summary(ofOp(doc, 'POST /v3/push'))).toEqual([
      { ruleId: 'openapi.status.unknown', severity: 'error', location: `${PUSH}/responses/418` },
      { ruleId: 'openapi.status.unknown', severity: 'warning', location: `${PUSH}/responses/default` },
    ]);
  });

  it('an operation missing 429 or 503 is an error per status; security: [] excuses 401, deprecated excuses all', () => {
    const doc = exported('jpush-v3');
    delete doc.paths['/v3/push'].post.responses['429'];
    delete doc.paths['/v3/push'].post.responses['503'];
    const found = ofOp(doc, 'POST /v3/push');
    expect(found.map((f) => [f.ruleId, f.expected, f.location])).toEqual([
      ['openapi.operation.status-missing', 429, `${PUSH}/responses`],
      ['openapi.operation.status-missing', 503, `${PUSH}/responses`],
    ]);
    expect(found[0].message).toContain('rate.exceeded');
    delete doc.paths['/v3/push'].post.responses['401'];
    doc.paths['/v3/push'].post.security = [];
    expect(ofOp(doc, 'POST /v3/push').map((f) => f.expected)).toEqual([429, 503]);
    doc.paths['/v3/push'].post.deprecated = true;
    expect(ofOp(doc, 'POST /v3/push')).toEqual([]);
  });

  it('a 200 whose schema admits an error key is an error; one closed to it is not', () => {
    const doc = exported('jpush-v3');
    const media = doc.paths['/v3/push'].post.responses['200'].content['application/json'];
    media.schema = { $ref: '#/components/schemas/jpush-v3.push.response' };
    expect(summary(ofOp(doc, 'POST /v3/push'))).toEqual([{ ruleId: 'openapi.success.error-key', severity: 'error', location: `${PUSH}/responses/200/content/application~1json/schema` }]);
    media.schema = { type: 'object', additionalProperties: false, properties: { msg_id: { type: 'string' } } };
    expect(ofOp(doc, 'POST /v3/push')).toEqual([]);
  });

  it('an error response without a JSON body schema is an error', () => {
    const doc = exported('jpush-v3');
    doc.paths['/v3/devices/{registration_id}'].get.responses['404'] = { description: 'no such device' };
    expect(summary(ofOp(doc, 'GET /v3/devices/{registration_id}'))).toEqual([
      { ruleId: 'openapi.error.body-missing', severity: 'error', location: '/paths/~1v3~1devices~1{registration_id}/get/responses/404' },
    ]);
  });

  it('an error schema that admits a non-envelope, or accepts no envelope of the status, is an error located in the shared response', () => {
    const doc = exported('jpush-v3');
    doc.paths['/v3/push'].post.responses['400'] = { description: 'bad', content: { 'application/json': { schema: { type: 'object' } } } };
    doc.components.responses['push.429'].content['application/json'].schema = { $ref: '#/components/schemas/jpush-v3.push.response' };
    const found = ofOp(doc, 'POST /v3/push');
    expect(summary(found)).toEqual([
      { ruleId: 'openapi.error.not-envelope', severity: 'error', location: `${PUSH}/responses/400/content/application~1json/schema` },
      { ruleId: 'openapi.error.not-envelope', severity: 'error', location: '/components/responses/push.429/content/application~1json/schema' },
    ]);
    expect(found[0].message).toContain('admits {}');
    expect(found[1].message).toContain('accepts no jpush-v3 error envelope');
  });

  it('a component changed behind an unchanged $ref is judged afresh, though the schemas of a document linted before are reused', () => {
    expect(ofOp(exported('jpush-v3'), 'POST /v3/push')).toEqual([]);
    const doc = exported('jpush-v3');
    // Every error response of the export is allOf [$ref to this envelope, its codes]: their text is unchanged.
    doc.components.schemas['common.error-envelope.v3'] = { type: 'object' };
    const found = ofOp(doc, 'POST /v3/push').filter((f) => f.ruleId === 'openapi.error.not-envelope');
    expect(found.length).toBeGreaterThan(0);
    expect(found[0].message).toContain('admits {}');
  });

  it('an example whose code belongs to another status is an error, a 200 example with an error code too; a documented conflict is a warning', () => {
    const v3 = exported('jpush-v3');
    v3.components.responses['push.400'].content['application/json'].examples.wrong = { value: { error: { code: 1004, message: 'Authen failed' } } };
    v3.paths['/v3/push'].post.responses['200'].content['application/json'].example = { error: { code: 1003, message: 'x' } };
    const found = ofOp(v3, 'POST /v3/push');
    expect(summary(found)).toEqual([
      { ruleId: 'openapi.example.code-status-mismatch', severity: 'error', location: `${PUSH}/responses/200/content/application~1json/example` },
      { ruleId: 'openapi.example.code-status-mismatch', severity: 'error', location: '/components/responses/push.400/content/application~1json/examples/wrong/value' },
    ]);
    expect(found[1]).toEqual(expect.objectContaining({ expected: 401, actual: 400 }));
    const conflict = contracts.apis['mtpush-v4'].codeTables.flatMap((t) => t.codes).find((c) => c.documentedStatus === 400);
    expect(conflict).toBeDefined();
    const v4 = exported('mtpush-v4');
    v4.components.responses['push.400'].content['application/json'].example = { error: { code: conflict?.code, message: 'm' } };
    expect(summary(ofOp(v4, 'POST /v4/push'))).toEqual([
      { ruleId: 'openapi.example.code-status-mismatch', severity: 'warning', location: '/components/responses/push.400/content/application~1json/example' },
    ]);
  });

  it('a 405 without Allow is an error', () => {
    const doc = exported('jpush-v3');
    delete doc.components.responses['push.405'].headers.Allow;
    expect(summary(ofOp(doc, 'GET /v3/push'))).toEqual([{ ruleId: 'openapi.header.allow-missing', severity: 'error', location: '/paths/~1v3~1push/get/responses/405/headers' }]);
  });

  it('rules can be selected, skipped and re-graded like verify\'s', () => {
    const doc = exported('jpush-v3');
    doc.paths['/v3/push'].post.responses['418'] = { description: 'teapot' };
    delete doc.paths['/v3/push'].post.responses['429'];
    expect(ofOp(doc, 'POST /v3/push', { only: ['openapi.status.unknown'] }).map((f) => f.ruleId)).toEqual(['openapi.status.unknown']);
    expect(ofOp(doc, 'POST /v3/push', { skip: ['openapi.status.unknown'] }).map((f) => f.ruleId)).toEqual(['openapi.operation.status-missing']);
    expect(ofOp(doc, 'POST /v3/push', { severity: { 'openapi.operation.status-missing': 'warning' } }).map((f) => f.severity)).toEqual(['error', 'warning']);
    expect(() => lintOpenApi(doc, { only: ['openapi.no-such-rule'] })).toThrow(/unknown lint rule id openapi.no-such-rule/);
  });

  it('reads a hand-written OpenAPI 3.0 YAML document whose server URL carries the version prefix', () => {
    const dir = tempDir('lint-openapi-');
    const file = path.join(dir, 'acme.yaml');
    writeFileSync(file, PROVIDER_YAML);
    const result = lintOpenApi(readOpenApiFile(file));
    expect(result.api).toBe('jpush-v3');
    const [op] = result.operations;
    expect(op.operation.endpoint?.id).toBe('push');
    const rules = op.findings.map((f) => `${f.ruleId} ${f.location}`);
    expect(rules).toEqual(expect.arrayContaining([
      'openapi.status.unknown /paths/~1push/post/responses/418',
      'openapi.operation.status-missing /paths/~1push/post/responses',
      'openapi.success.error-key /paths/~1push/post/responses/200/content/application~1json/schema',
      'openapi.error.body-missing /paths/~1push/post/responses/401',
      'openapi.error.not-envelope /paths/~1push/post/responses/400/content/application~1json/schema',
      'openapi.example.code-status-mismatch /paths/~1push/post/responses/400/content/application~1json/example',
      'openapi.header.allow-missing /paths/~1push/post/responses/405/headers',
    ]));
    // 405's schema is the nested envelope: accepted, so not reported.
    expect(rules.filter((r) => r.includes('/405/content'))).toEqual([]);
  });

  it('a document that is not OpenAPI 3.x, not YAML, or names no API path is refused with one line', () => {
    const dir = tempDir('lint-openapi-');
    const write = (name: string, text: string): string => {
      writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    expect(() => readOpenApiFile(write('swagger.json', '{"swagger": "2.0", "paths": {}}'))).toThrow(/at \/openapi: must be an OpenAPI 3.0 or 3.1 document, found swagger 2.0/);
    expect(() => readOpenApiFile(write('bad.yaml', 'openapi: [3.1\npaths: {'))).toThrow(/bad.yaml: neither JSON nor YAML/);
    expect(() => readOpenApiFile(path.join(dir, 'missing.yaml'))).toThrow(/missing.yaml: cannot be read \(ENOENT\)/);
    const other = readOpenApiFile(write('other.yaml', 'openapi: 3.1.0\ninfo: {title: x, version: "1"}\npaths:\n  /pets:\n    get:\n      responses: {"200": {description: ok}}\n'));
    expect(() => lintOpenApi(other)).toThrow(/cannot tell which API the document describes.*pass --api/);
    expect(lintOpenApi(other, { api: 'mtpush-v4' }).api).toBe('mtpush-v4');
  });

  it('docs/openapi.md lists every rule with its severity', () => {
    const doc = readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'openapi.md'), 'utf8');
    for (const r of listLintRules()) expect(doc).toContain(`| \`${r.id}\` | ${r.severity} |`);
  });

  describe('command', () => {

    it('exits 0 on the exported document', async () => {
      const file = path.join(COMMITTED_OPENAPI_DIR, 'mtpush-v4.json');
      // One case per operation (method of a path) of the exported document, which grows with the catalogue.
      const doc = JSON.parse(readFileSync(file, 'utf8')) as { paths: Record<string, Record<string, unknown>> };
      const operations = Object.values(doc.paths).flatMap((item) => Object.keys(item).filter((k) => ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(k))).length;
      const r = await run(['lint-openapi', file], os.tmpdir());
      expect(r.stdout).toMatch(new RegExp(`^\\nPASS: ${operations} operation\\(s\\) of mtpush-v4.json, 0 failed, 0 error\\(s\\), 0 warning\\(s\\)`));
      expect(r.code).toBe(0);
    });

    it('exits 1 on violations and writes the JUnit and JSON reports verify writes, each finding with its rule id and pointer', async () => {
      const cwd = tempDir('lint-openapi-cli-');
      writeFileSync(path.join(cwd, 'acme.yaml'), PROVIDER_YAML);
      const r = await run(['lint-openapi', 'acme.yaml', '--junit', 'reports/junit', '--json', 'reports/lint.json', '--html', 'reports/lint.html'], cwd);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('ERROR openapi.header.allow-missing');
      expect(r.stdout).toMatch(/FAIL: 1 operation\(s\) of acme.yaml, 1 failed/);
      const json = JSON.parse(readFileSync(path.join(cwd, 'reports', 'lint.json'), 'utf8'));
      expect(JSON.stringify(json)).toContain('/paths/~1push/post/responses/405/headers');
      const junit = readFileSync(path.join(cwd, 'reports', 'junit', 'lint.xml'), 'utf8');
      expect(junit).toContain('openapi.error.not-envelope');
      expect(readFileSync(path.join(cwd, 'reports', 'lint.html'), 'utf8')).toContain('POST /push');
    });

    it('a config turning a rule off is obeyed; an unknown rule or a Swagger 2.0 file exits 2 with one line', async () => {
      const cwd = tempDir('lint-openapi-cli-');
      writeFileSync(path.join(cwd, 'acme.yaml'), PROVIDER_YAML);
      writeFileSync(path.join(cwd, 'push-contracts.config.json'), JSON.stringify({ rules: { 'openapi.header.allow-missing': 'off' } }));
      const off = await run(['lint-openapi', 'acme.yaml'], cwd);
      expect(off.code).toBe(1);
      expect(off.stdout).not.toContain('openapi.header.allow-missing');
      const unknown = await run(['lint-openapi', 'acme.yaml', '--rule', 'openapi.nope'], cwd);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
      writeFileSync(path.join(cwd, 'swagger.json'), '{"swagger": "2.0", "paths": {}}');
      const swagger = await run(['lint-openapi', 'swagger.json'], cwd);
      expect(swagger.code).toBe(2);
      expect(swagger.stderr).toBe(`push-contracts: PC_ERR_OPENAPI_INVALID: ${path.join(cwd, 'swagger.json')} at /openapi: must be an OpenAPI 3.0 or 3.1 document, found swagger 2.0\n`);
    });
  });
});

import type { Contracts } from './load';
import { MEMBER_APP_CAUSES } from './group';
import { readContractsJson } from './files';
import type { ApiId, Certainty } from './types';
import { conditionState, OFFLINE_CAUSE } from './requests';

/** One way the contracts/ files contradict each other; rendered as `file at pointer: message`. */
export interface ConsistencyProblem {
  readonly file: string;
  readonly pointer: string;
  readonly message: string;
}

/** Causes every family of every API must be able to answer, whatever its endpoints. */
const GATEWAY_CAUSES = [
  'auth.failed', 'auth.missing', 'method.not-allowed', 'rate.exceeded', 'app.blacklisted', 'app.ip-not-whitelisted',
  'upstream.failed', 'upstream.unreachable', 'upstream.overloaded', 'upstream.timeout', 'path.not-found',
] as const;

function collectRefs(node: unknown, baseId: string, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, baseId, out);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.add(new URL(value, baseId).href.split('#')[0]);
      else if (key !== 'examples') collectRefs(value, baseId, out);
    }
  }
}

/**
 * Cross-file checks of contracts/ (`npm run contracts:check`): every business code maps to one of
 * the statuses; every endpoint status has a response schema and a way to elicit it; every example
 * validates; every referenced state, cause and table exists; no schema is orphaned.
 */
export function checkConsistency(c: Contracts): ConsistencyProblem[] {
  const problems: ConsistencyProblem[] = [];
  const add = (file: string, pointer: string, message: string): void => {
    problems.push({ file, pointer, message });
  };

  const codes = c.statuses.map((s) => s.code);
  if (new Set(codes).size !== codes.length) add('statuses.json', '/statuses', 'status codes must be unique');
  if (!c.isCatalogued(200)) add('statuses.json', '/statuses', 'status 200 must be catalogued');
  const causeIds = new Set(c.causes.map((x) => x.id));

  c.providerStates.forEach((s, i) => {
    if (s.cause && !causeIds.has(s.cause)) add('provider-states.json', `/states/${i}/cause`, `unknown cause '${s.cause}'`);
  });
  const names = c.providerStates.map((s) => s.name);
  if (new Set(names).size !== names.length) add('provider-states.json', '/states', 'state names must be unique');

  const referenced = new Set<string>(['https://push-contracts.dev/schemas/common/rate-limit-headers.json']);

  // Every level the meta-schema allows has a line in certainty.json, so none falls back to "not firm" unseen.
  const levels = c.certainty.map((l) => l.id);
  if (new Set(levels).size !== levels.length) add('certainty.json', '/levels', 'certainty levels must be unique');
  const allowed = (readContractsJson(c.dir, 'meta/certainty.schema.json') as { $defs: { level: { enum: string[] } } }).$defs.level.enum;
  for (const level of allowed) {
    if (!levels.includes(level as Certainty)) add('certainty.json', '/levels', `level '${level}' is missing`);
  }

  for (const api of Object.values(c.apis)) {
    const codesFile = `business-codes/${api.id}.json`;
    const endpointsFile = `endpoints/${api.id}.json`;
    for (const cause of Object.keys(api.rateLimitHeaders.byCause ?? {})) {
      if (!causeIds.has(cause)) add(endpointsFile, `/rateLimitHeaders/byCause/${cause.replace(/~/g, '~0').replace(/\//g, '~1')}`, `unknown cause '${cause}'`);
    }
    api.codeTables.forEach((table, ti) => {
      table.codes.forEach((code, ci) => {
        const at = `/tables/${ti}/codes/${ci}`;
        const entry = c.status(code.status);
        if (!entry) add(codesFile, `${at}/status`, `code ${code.code}: status ${code.status} is not one of the catalogued statuses`);
        else if (entry.class === 'success') add(codesFile, `${at}/status`, `code ${code.code}: an error code cannot be answered with ${code.status}`);
        if (code.documentedStatus !== undefined && code.documentedStatus === code.status) {
          add(codesFile, `${at}/documentedStatus`, `code ${code.code}: documentedStatus equals status; drop it or the conflict`);
        }
        code.causes.forEach((cause, k) => {
          if (!causeIds.has(cause)) add(codesFile, `${at}/causes/${k}`, `code ${code.code}: unknown cause '${cause}'`);
        });
      });
      const seen = table.codes.map((x) => x.code);
      if (new Set(seen).size !== seen.length) add(codesFile, `/tables/${ti}/codes`, `table ${table.id}: codes must be unique`);
    });

    referenced.add(api.errorEnvelope);
    if (!c.schemas.has(api.errorEnvelope)) add(endpointsFile, '/errorEnvelope', `no schema ${api.errorEnvelope}`);

    for (const [fid, family] of Object.entries(api.families)) {
      const fp = `/families/${fid}`;
      if (!api.codeTables.some((t) => t.id === family.codeTable)) add(endpointsFile, `${fp}/codeTable`, `unknown code table '${family.codeTable}'`);
      family.authFailureCodes.forEach((code, k) => {
        const hit = c.businessCode(api.id, fid, code);
        if (!hit || hit.status !== 401) add(endpointsFile, `${fp}/authFailureCodes/${k}`, `auth failure code ${code} must be a 401 code of the family's tables`);
      });
      for (const cause of GATEWAY_CAUSES) {
        if (!c.codeFor(api.id, fid, cause)) add(endpointsFile, fp, `family ${fid} has no code for cause '${cause}'`);
      }
    }

    api.retired.forEach((r, i) => {
      if (!api.families[r.family]) add(endpointsFile, `/retired/${i}/family`, `unknown family '${r.family}'`);
      else if (c.codeFor(api.id, r.family, 'api.retired')?.status !== 410) add(endpointsFile, `/retired/${i}`, `family ${r.family} has no 410 code for 'api.retired'`);
    });

    api.endpoints.forEach((e, i) => {
      const at = `/endpoints/${i}`;
      const family = api.families[e.family];
      if (!family) {
        add(endpointsFile, `${at}/family`, `${e.id}: unknown family '${e.family}'`);
        return;
      }
      if (!e.statuses.includes(200)) add(endpointsFile, `${at}/statuses`, `${e.id}: every endpoint answers 200 on success`);
      e.statuses.forEach((status, k) => {
        if (!c.isCatalogued(status)) add(endpointsFile, `${at}/statuses/${k}`, `${e.id}: status ${status} is not catalogued`);
      });
      for (const ref of [e.request.body, e.request.query, e.request.params, e.success === 'empty' ? undefined : e.success, e.errorEnvelope]) {
        if (!ref) continue;
        referenced.add(ref);
        if (!c.schemas.has(ref)) add(endpointsFile, at, `${e.id}: no schema ${ref}`);
      }
      const paramsSchema = e.request.params ? (c.schema(e.request.params).properties as Record<string, unknown>) : {};
      const declared = Object.keys(paramsSchema).sort().join(',');
      if (declared !== [...e.request.paramNames].sort().join(',')) {
        add(endpointsFile, `${at}/request/params`, `${e.id}: params must declare exactly the path's {placeholders} (${e.request.paramNames.join(', ') || 'none'})`);
      }

      // Every listed status needs a cause the endpoint can elicit, and every elicitation a listed status.
      const wants = (status: number, has: boolean, elicitation: string): void => {
        if (has !== e.statuses.includes(status as never)) {
          add(endpointsFile, `${at}/statuses`, has ? `${e.id}: it has ${elicitation}, so ${status} must be listed` : `${e.id}: ${status} is listed but it has no ${elicitation}`);
        }
      };
      wants(400, e.elicit.badRequests.length > 0, 'badRequests');
      wants(404, e.elicit.notFound !== undefined, 'notFound');
      const offlineCode = c.codeFor(api.id, e.family, OFFLINE_CAUSE);
      if (!offlineCode) {
        if (e.elicit.offline) add(endpointsFile, `${at}/elicit/offline`, `${e.id}: family ${e.family} has no code for '${OFFLINE_CAUSE}'`);
      } else {
        wants(offlineCode.status, e.elicit.offline !== undefined, 'offline elicitation');
      }
      if (e.elicit.offline) {
        const ref = conditionState(c, e, OFFLINE_CAUSE);
        const def = ref ? c.providerState(ref.name) : undefined;
        if (!ref || !def) add(endpointsFile, `${at}/elicit/offline`, `${e.id}: no provider state sets up '${OFFLINE_CAUSE}'`);
        else if (def.params) {
          const r = c.validate(def.params, ref.params ?? {});
          if (!r.valid) add(endpointsFile, `${at}/elicit/offline`, `${e.id}: params of '${def.name}' ${r.errors[0].pointer} ${r.errors[0].message}`);
        }
      }
      e.elicit.badRequests.forEach((b, k) => {
        const code = c.codeFor(api.id, e.family, b.cause);
        if (!causeIds.has(b.cause)) add(endpointsFile, `${at}/elicit/badRequests/${k}/cause`, `${e.id}: unknown cause '${b.cause}'`);
        else if (!code || code.status !== 400) add(endpointsFile, `${at}/elicit/badRequests/${k}/cause`, `${e.id}: cause '${b.cause}' must map to a 400 code in family ${e.family}`);
        const target = b.in === 'body' ? e.request.body : b.in === 'query' ? e.request.query : e.request.params;
        if (!target && !b.raw) add(endpointsFile, `${at}/elicit/badRequests/${k}/in`, `${e.id}: the request has no ${b.in}`);
      });
      if (e.elicit.notFound) {
        const code = c.codeFor(api.id, e.family, 'resource.not-found');
        if (!code || code.status !== 404) add(endpointsFile, `${at}/elicit/notFound`, `${e.id}: family ${e.family} has no 404 code for 'resource.not-found'`);
        for (const name of Object.keys(e.elicit.notFound)) {
          if (!e.request.paramNames.includes(name)) add(endpointsFile, `${at}/elicit/notFound/${name}`, `${e.id}: '${name}' is not a path parameter`);
        }
      }
      if (e.itemResults) {
        e.itemResults.statuses.forEach((status, k) => {
          if (!c.isCatalogued(status) || status === 200) add(endpointsFile, `${at}/itemResults/statuses/${k}`, `${e.id}: an item fails with a catalogued error status, not ${status}`);
        });
      }
      if (e.auth === 'group' && e.sends === true && !e.itemResults) add(endpointsFile, `${at}/auth`, `${e.id}: a group push reports each app in its own item, so it needs itemResults`);
      if (e.vipOnly && c.codeFor(api.id, e.family, 'app.not-vip')?.status !== 403) {
        add(endpointsFile, `${at}/vipOnly`, `${e.id}: family ${e.family} has no 403 code for 'app.not-vip'`);
      }
      for (const cause of GATEWAY_CAUSES) {
        const status = c.codeFor(api.id, e.family, cause)?.status;
        // A group push judges its apps' permissions per app: those causes fail an item, not the request.
        // A group report judges none of its apps: it answers for the group, so those causes never arise.
        const perItem = e.auth === 'group' && (MEMBER_APP_CAUSES as readonly string[]).includes(cause);
        if (perItem) {
          if (e.itemResults && status !== undefined && !e.itemResults.statuses.includes(status)) {
            add(endpointsFile, `${at}/itemResults/statuses`, `${e.id}: a group push answers '${cause}' in an app's item with ${status}, which is not listed`);
          }
          continue;
        }
        if (status !== undefined && cause !== 'path.not-found' && !e.statuses.includes(status as never)) {
          add(endpointsFile, `${at}/statuses`, `${e.id}: the gateway answers '${cause}' with ${status}, which is not listed`);
        }
      }
      const state = e.elicit.success?.state;
      if (state) {
        const def = c.providerState(state.name);
        if (!def) add(endpointsFile, `${at}/elicit/success/state/name`, `${e.id}: unknown provider state '${state.name}'`);
        else if (def.params) {
          const r = c.validate(def.params, state.params ?? {});
          if (!r.valid) add(endpointsFile, `${at}/elicit/success/state/params`, `${e.id}: params of '${state.name}' ${r.errors[0].pointer} ${r.errors[0].message}`);
        }
      }
    });
  }

  // Every example validates against its own schema, and every schema is reachable from a catalogue.
  const reachable = new Set<string>();
  const queue = [...referenced];
  while (queue.length > 0) {
    const id = queue.pop() as string;
    if (reachable.has(id) || !c.schemas.has(id)) continue;
    reachable.add(id);
    const refs = new Set<string>();
    collectRefs(c.schemas.get(id), id, refs);
    queue.push(...refs);
  }
  for (const [id, schema] of c.schemas) {
    const file = c.schemaFiles.get(id) ?? id;
    const examples = schema.examples as unknown[] | undefined;
    if (file.startsWith('schemas/') && (!Array.isArray(examples) || examples.length === 0)) add(file, '/examples', 'a schema needs at least one example');
    (examples ?? []).forEach((example, k) => {
      const r = c.validate(id, example);
      if (!r.valid) add(file, `/examples/${k}${r.errors[0].pointer}`, `example does not validate: ${r.errors[0].message}`);
    });
    if (file.startsWith('schemas/') && !reachable.has(id)) add(file, '', 'orphan schema: no endpoint or other schema refers to it');
  }
  return problems;
}

export function renderProblem(p: ConsistencyProblem): string {
  return `contracts/${p.file} at ${p.pointer || '/'}: ${p.message}`;
}

export type { ApiId };

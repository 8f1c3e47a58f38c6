import type { Contracts } from '../contracts/load';
import type { AuditContext, Exchange, HeaderMap, ParsedEnvelope } from './types';

export function headerOf(headers: HeaderMap, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value[0] : (value as string);
  }
  return undefined;
}

function parseJson(body: string): { ok: boolean; value: unknown } {
  if (body.trim() === '') return { ok: false, value: undefined };
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false, value: undefined };
  }
}

function readEnvelope(json: unknown): ParsedEnvelope | undefined {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const o = json as Record<string, unknown>;
  const nested = o.error;
  if (nested && typeof nested === 'object' && Number.isInteger((nested as Record<string, unknown>).code)) {
    return { code: (nested as Record<string, number>).code, message: (nested as Record<string, unknown>).message, form: 'nested' };
  }
  if (Number.isInteger(o.code) && 'message' in o) return { code: o.code as number, message: o.message, form: 'flat' };
  return undefined;
}

function successDeclaresCode(contracts: Contracts, success: string): boolean {
  if (success === 'empty') return false;
  const props = contracts.schema(success).properties;
  return props !== null && typeof props === 'object' && 'code' in props;
}

/** Everything the rules need about one exchange, computed once. */
export function buildContext(ex: Exchange, contracts: Contracts): AuditContext {
  const route = contracts.resolve(ex.request.method, ex.request.path);
  const apiId = route.api;
  const api = apiId ? contracts.apis[apiId] : undefined;
  const endpoint = route.kind === 'endpoint' ? route.endpoint : undefined;
  const family = route.kind === 'endpoint' ? route.endpoint.family : route.kind === 'method-not-allowed' ? route.family : route.kind === 'retired' ? route.retired.family : undefined;
  const parsed = parseJson(ex.response.body);
  let envelope = readEnvelope(parsed.value);
  // A flat code and message are the success body itself where the endpoint's success schema declares a code
  // (template push, vendor quota: code 0); a 200 whose body that schema refuses keeps them as an error envelope.
  if (envelope?.form === 'flat' && ex.response.status === 200 && endpoint && successDeclaresCode(contracts, endpoint.success)
    && contracts.validate(endpoint.success, parsed.value).valid) {
    envelope = undefined;
  }
  const businessCode = envelope && apiId ? contracts.businessCode(apiId, family, envelope.code) : undefined;
  const reachedCataloguedPath = route.kind === 'endpoint' || route.kind === 'method-not-allowed';
  return {
    contracts,
    route,
    api,
    endpoint,
    family,
    header: (name) => headerOf(ex.response.headers, name),
    json: parsed.value,
    bodyIsJson: parsed.ok,
    envelope,
    errorEnvelope: endpoint?.errorEnvelope ?? api?.errorEnvelope,
    businessCode,
    authenticated: reachedCataloguedPath && ex.response.status !== 401,
  };
}

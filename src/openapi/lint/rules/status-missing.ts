import { causesOfStatus, credentialStatuses, unavoidableStatuses } from '../../policy';
import { defineLintRule } from '../types';
import { MEMBER_APP_CAUSES } from '../../../contracts/group';

/**
 * Any operation can meet wrong credentials, a used-up rate limit, a refused app and a failing upstream
 * (the statuses whose causes are all credentials or service state: 401, 403, 429, 5xx), so each must be
 * documented. A range (4XX, 5XX) covers its statuses; `default` does not name them. An operation with
 * `security: []` asks for no credentials, and a deprecated one is kept only to be refused.
 */
export const statusMissing = defineLintRule({
  id: 'openapi.operation.status-missing',
  severity: 'error',
  title: 'Operation omits a status the policy says it can answer',
  check: (op, ctx) => {
    if (op.operation.deprecated === true) return [];
    const security = op.operation.security ?? ctx.doc.security;
    const noCredentials = Array.isArray(security) && security.length === 0 && op.operation.security !== undefined;
    const keys = new Set(op.responses.map((r) => r.key.toUpperCase()));
    const covered = (s: number): boolean => keys.has(String(s)) || keys.has(`${String(s)[0]}XX`);
    // A group endpoint (the catalogue's auth: group) never refuses the whole request for one app: group
    // push refuses it in that app's item, a group report judges no app. So the statuses whose causes are
    // all per-app (403 blacklisted, not whitelisted) are not its to document.
    const route = ctx.contracts.resolve(op.method, op.path);
    const groupEndpoint = route.kind === 'endpoint' && route.endpoint.auth === 'group';
    const perApp = (s: number): boolean => causesOfStatus(ctx.contracts, op.api, s).every((c) => (MEMBER_APP_CAUSES as readonly string[]).includes(c) || c === 'app.not-vip');
    return unavoidableStatuses(ctx.contracts, op.api)
      .filter((s) => !(noCredentials && credentialStatuses(ctx.contracts, op.api).includes(s)))
      .filter((s) => !(groupEndpoint && perApp(s)))
      .filter((s) => !covered(s))
      .map((s) => ({
        message: `${op.method} ${op.path} does not document ${s}, which the policy says any operation can answer (${causesOfStatus(ctx.contracts, op.api, s).join(', ')})`,
        location: `${op.pointer}/responses`,
        expected: s,
      }));
  },
});

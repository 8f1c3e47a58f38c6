import { methodStatuses } from '../../policy';
import { defineLintRule } from '../types';

/** A 405 tells the client which methods the path supports (RFC 9110 section 15.5.6): its response must declare Allow. */
export const allowHeaderMissing = defineLintRule({
  id: 'openapi.header.allow-missing',
  severity: 'error',
  title: '405 without Allow',
  check: (op, ctx) =>
    op.responses.flatMap((r) => {
      if (r.status === undefined || !methodStatuses(ctx.contracts, op.api).includes(r.status)) return [];
      const headers = (ctx.resolve(r.response.headers).node ?? {}) as Record<string, unknown>;
      if (Object.keys(headers).some((h) => h.toLowerCase() === 'allow')) return [];
      return [{ message: `${r.status} of ${op.method} ${op.path} declares no Allow header${r.via ? ` (response ${r.via})` : ''}`, location: `${r.pointer}/headers`, expected: 'Allow' }];
    }),
});

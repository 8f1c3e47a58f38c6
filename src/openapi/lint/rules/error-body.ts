import { defineLintRule } from '../types';

/** Rule 4: every error is answered with the JSON error envelope, so an error response must declare a JSON body schema. */
export const errorBodyMissing = defineLintRule({
  id: 'openapi.error.body-missing',
  severity: 'error',
  title: 'Error response without a body schema',
  check: (op, ctx) =>
    op.responses.flatMap((r) => {
      if (r.status === undefined || ctx.contracts.status(r.status)?.envelopeRequired !== true) return [];
      if (r.json?.media.schema !== undefined) return [];
      const what = r.json ? `its ${r.json.mediaType} body has no schema` : 'it declares no JSON body';
      return [{
        message: `${r.status} of ${op.method} ${op.path}: ${what}; the policy answers every error with the ${op.api} error envelope${r.via ? ` (response ${r.via})` : ''}`,
        location: r.json ? r.json.pointer : r.pointer,
        expected: op.endpoint?.errorEnvelope ?? ctx.contracts.apis[op.api].errorEnvelope,
      }];
    }),
});

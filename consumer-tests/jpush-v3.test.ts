// Before any import reads the environment: the suite sends these as the "real" credentials and scans the pacts for them.
import { planInteraction } from '../src/consumer';
import { SCAN_ENV, describeCatalogue, playAndAssert } from './catalogue-suite';

process.env.PACT_DO_NOT_TRACK = 'true';
Object.assign(process.env, SCAN_ENV);

describeCatalogue('jpush-v3', (pact) => {
  // The catalogue's push example has no cid, so the cell above proves a push is not retried; this one
  // proves the same 5xx is retried once the push carries a cid, which makes resending it harmless.
  for (const status of [502, 503, 504] as const) {
    const base = planInteraction('jpush-v3', 'push', status);
    const body = { ...(base.example.body as Record<string, unknown>), cid: 'pactPlaceholderAppKey000-128eeb45-471c-49f3-b442-a05c20c9ed56' };
    const plan = planInteraction('jpush-v3', 'push', status, { request: { body }, description: `${base.description} (push with cid)` });
    it(`${plan.description}: the reference client retries with capped, jittered backoff`, () => playAndAssert(pact, plan));
  }
});

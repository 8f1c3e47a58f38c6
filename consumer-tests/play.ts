/**
 * How the reference client plays a planned interaction: the named client method for the endpoint
 * (src/matrix referenceCalls), with the plan's example request; the low-level `send` for a wrong
 * method (405) or a retired path (410).
 */
import type { PushClient } from '../src/client';
import type { InteractionPlan } from '../src/consumer';
import type { ApiId } from '../src/contracts';
import { referenceCalls } from '../src/matrix';

export function play(client: PushClient<ApiId>, plan: InteractionPlan, declaredMethod: string | undefined): Promise<unknown> {
  const { example } = plan;
  if (plan.retired || example.method !== declaredMethod) {
    return client.send(example.method, example.path, { query: example.query, body: example.body });
  }
  const call = referenceCalls[plan.endpoint];
  if (!call) throw new Error(`no reference-client call for ${plan.api} ${plan.endpoint}`);
  return call(client, example);
}

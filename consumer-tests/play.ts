/**
 * How the reference client plays a planned interaction: the named client method for the endpoint, with
 * the plan's example request; the low-level `send` for a wrong method (405) or a retired path (410).
 */
import type { PushClient } from '../src/client';
import type { InteractionPlan } from '../src/consumer';
import type { ApiId } from '../src/contracts';

type Call = (client: PushClient<ApiId>, plan: InteractionPlan) => Promise<unknown>;

const p = (plan: InteractionPlan, name: string): string => plan.example.params[name];
const body = (plan: InteractionPlan): Record<string, unknown> => plan.example.body as Record<string, unknown>;
const query = <T>(plan: InteractionPlan): T => plan.example.query as T;

/** One entry per endpoint id of either API; the named methods are the client's public surface. */
export const calls: Readonly<Record<string, Call>> = {
  push: (c, plan) => c.push(body(plan)),
  'push.validate': (c, plan) => c.validate(body(plan)),
  'push.cid': (c, plan) => c.cid(query(plan) ?? {}),
  'push.withdraw': (c, plan) => c.withdraw(p(plan, 'msg_id')),
  'report.received': (c, plan) => c.reportReceived(query(plan)),
  'report.messages': (c, plan) => c.reportMessages(query(plan)),
  'report.status-message': (c, plan) => c.reportStatusMessage(body(plan)),
  'device.get': (c, plan) => c.getDevice(p(plan, 'registration_id')),
  'device.update': (c, plan) => c.updateDevice(p(plan, 'registration_id'), body(plan)),
  'device.delete': (c, plan) => c.deleteDevice(p(plan, 'registration_id')),
  'tags.list': (c) => c.listTags(),
  'tags.update': (c, plan) => c.updateTag(p(plan, 'tag'), body(plan)),
  'aliases.get': (c, plan) => c.getAlias(p(plan, 'alias'), query(plan)),
  'aliases.delete': (c, plan) => c.deleteAlias(p(plan, 'alias'), query(plan)),
  'schedules.create': (c, plan) => c.createSchedule(body(plan)),
  'schedules.list': (c, plan) => c.listSchedules(query(plan)),
  'schedules.get': (c, plan) => c.getSchedule(p(plan, 'schedule_id')),
  'schedules.update': (c, plan) => c.updateSchedule(p(plan, 'schedule_id'), body(plan)),
  'schedules.delete': (c, plan) => c.deleteSchedule(p(plan, 'schedule_id')),
};

export function play(client: PushClient<ApiId>, plan: InteractionPlan, declaredMethod: string | undefined): Promise<unknown> {
  const { example } = plan;
  if (plan.retired || example.method !== declaredMethod) {
    return client.send(example.method, example.path, { query: example.query, body: example.body });
  }
  const call = calls[plan.endpoint];
  if (!call) throw new Error(`no reference-client call for ${plan.api} ${plan.endpoint}`);
  return call(client, plan);
}

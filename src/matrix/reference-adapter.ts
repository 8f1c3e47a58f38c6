/**
 * The matrix adapter of the reference client (src/client), and the table mapping each endpoint id to the
 * client's named method, shared with the consumer suites.
 */
import { PushApiError, PushClient, type PushClientOptions } from '../client';
import type { RequestExample } from '../consumer/plan';
import { getContracts, type ApiId, type EndpointId } from '../contracts';
import type { AdapterContext, MatrixAdapter } from './matrix';
import { PLACEHOLDER_GROUP_CREDENTIALS } from '../credentials';
import { patientTimeout } from './call';

/** Performs an endpoint's operation with a client's named method, from a catalogue request example. */
export type ReferenceCall = (client: PushClient<ApiId>, example: RequestExample) => Promise<unknown>;

const param = (ex: RequestExample, name: string): string => ex.params[name];
const body = (ex: RequestExample): Record<string, unknown> => ex.body as Record<string, unknown>;
const query = <T>(ex: RequestExample): T => ex.query as T;

/** One entry per endpoint id of either API. */
export const referenceCalls: Readonly<Record<string, ReferenceCall>> = {
  push: (c, ex) => c.push(body(ex)),
  'push.validate': (c, ex) => c.validate(body(ex)),
  'push.cid': (c, ex) => c.cid(query(ex) ?? {}),
  'push.withdraw': (c, ex) => c.withdraw(param(ex, 'msg_id')),
  'push.quota': (c) => c.getQuota(),
  'push.template': (c, ex) => c.templatePush(body(ex) as { id: string; params: Array<Record<string, unknown>> }),
  'push.file': (c, ex) => c.pushToFile(body(ex)),
  'push.template-schedule': (c, ex) => c.templateSchedule(body(ex) as Parameters<PushClient<ApiId>['templateSchedule']>[0]),
  'images.add-by-url': (c, ex) => c.addImageByUrl(body(ex)),
  'images.update-by-url': (c, ex) => c.updateImageByUrl(param(ex, 'media_id'), body(ex)),
  'push.batch-regid': (c, ex) => c.batchPushByRegid(body(ex)),
  'push.batch-alias': (c, ex) => c.batchPushByAlias(body(ex)),
  'push.group': (c, ex) => c.groupPush(body(ex)),
  'report.received': (c, ex) => c.reportReceived(query(ex)),
  'report.messages': (c, ex) => c.reportMessages(query(ex)),
  'device.get': (c, ex) => c.getDevice(param(ex, 'registration_id')),
  'device.update': (c, ex) => c.updateDevice(param(ex, 'registration_id'), body(ex)),
  'device.delete': (c, ex) => c.deleteDevice(param(ex, 'registration_id')),
  'tags.list': (c) => c.listTags(),
  'tags.update': (c, ex) => c.updateTag(param(ex, 'tag'), body(ex)),
  'aliases.get': (c, ex) => c.getAlias(param(ex, 'alias'), query(ex)),
  'aliases.delete': (c, ex) => c.deleteAlias(param(ex, 'alias'), query(ex)),
  'schedules.create': (c, ex) => c.createSchedule(body(ex)),
  'schedules.list': (c, ex) => c.listSchedules(query(ex)),
  'schedules.get': (c, ex) => c.getSchedule(param(ex, 'schedule_id')),
  'schedules.update': (c, ex) => c.updateSchedule(param(ex, 'schedule_id'), body(ex)),
  'schedules.delete': (c, ex) => c.deleteSchedule(param(ex, 'schedule_id')),
  'report.received-detail': (c, ex) => c.reportReceivedDetail(query(ex)),
  'report.messages-detail': (c, ex) => c.reportMessagesDetail(query(ex)),
  'report.users': (c, ex) => c.reportUsers(query(ex)),
  'report.group-messages-detail': (c, ex) => c.reportGroupMessagesDetail(query(ex)),
  'report.group-users': (c, ex) => c.reportGroupUsers(query(ex)),
  'report.status-detail': (c, ex) => c.reportStatusDetail(query(ex)),
  // One id, two shapes: POST with a body on v3, GET with a query on v4.
  'report.status-message': (c, ex) => (ex.method === 'GET' ? c.reportMessageLifecycle(query(ex)) : c.reportStatusMessage(body(ex))),
  'device.status': (c, ex) => c.getDeviceStatus(body(ex) as { registration_ids: string[] }),
  'tags.has-device': (c, ex) => c.isDeviceInTag(param(ex, 'tag'), param(ex, 'registration_id')),
  'tags.delete': (c, ex) => c.deleteTag(param(ex, 'tag'), query(ex)),
  'tags.count': (c, ex) => c.countTags(query(ex)),
  'tags.quota': (c, ex) => c.getTagQuota(query(ex) ?? {}),
  'aliases.remove-devices': (c, ex) => c.removeAliasDevices(param(ex, 'alias'), body(ex)),
  'schedules.msg-ids': (c, ex) => c.getScheduleMsgIds(param(ex, 'schedule_id')),
  'plans.upsert': (c, ex) => c.upsertPushPlan(body(ex) as { plan_id: string; plan_description: string }),
  'plans.list': (c, ex) => c.listPushPlans(query(ex)),
  'plans.delete': (c, ex) => c.deletePushPlan(param(ex, 'plan_id')),
  'plans.messages': (c, ex) => c.getPushPlanMessages(query(ex)),
};

/**
 * The reference client as a matrix adapter. Backoff steps are tens of milliseconds, so a matrix run
 * measures behaviour rather than production waits; the request timeout stays below the matrix's hang
 * timeout.
 *
 * @example
 * const result = await runMatrix(referenceAdapter('jpush-v3'));
 * @see docs/resilience-matrix.md
 */
export function referenceAdapter(api: ApiId, overrides: Partial<Omit<PushClientOptions, 'api' | 'baseUrl'>> = {}): MatrixAdapter {
  const calls: Record<string, (ctx: AdapterContext) => Promise<unknown>> = {};
  const clientFor = (ctx: AdapterContext): PushClient<ApiId> =>
    new PushClient<ApiId>({
      api,
      baseUrl: ctx.baseUrl,
      credentials: ctx.credentials,
      // The matrix plays against pact's mock server, whose pacts accept any Basic credentials.
      groupCredentials: PLACEHOLDER_GROUP_CREDENTIALS,
      // Half the hang timeout: room for one retry after a timeout, and below the slow-headers delay (3/5).
      timeoutMs: Math.max(50, Math.floor(ctx.hangTimeoutMs / 2)),
      // Backoff steps above the matrix's minimum backoff; the matrix's 429s ask for a 1 s reset, waited for real.
      retry: { maxRetries: 2, baseDelayMs: 50, maxDelayMs: 200 },
      // The request timeout counts time this thread could run, as the hang timeout does: the cell's servers run in
      // this thread too, so after a stall the answer may be waiting unread when a plain timer fires, and the
      // timed-out request is retried (a 403 "recovered"). A silent server still times out.
      timer: patientTimeout,
      ...overrides,
    });
  // Every endpoint of the catalogue: its named method where there is one, else the client's generic call, so an
  // endpoint added to contracts/endpoints is in the matrix without a line here.
  for (const { id } of getContracts().endpoints(api)) {
    const named = referenceCalls[id];
    calls[id] = named
      ? (ctx) => named(clientFor(ctx), ctx.example)
      : (ctx) => clientFor(ctx).call(id as EndpointId<ApiId>, { params: ctx.example.params, query: ctx.example.query, body: ctx.example.body });
  }
  return {
    name: 'push-contracts reference client',
    api,
    calls,
    isTypedError: (err) => err instanceof PushApiError,
    statusOf: (err) => (err instanceof PushApiError ? err.status : undefined),
    codeOf: (err) => (err instanceof PushApiError ? err.code : undefined),
    retryAdvisedOf: (err) => (err instanceof PushApiError ? err.retryAdvised : undefined),
    retryAfterMsOf: (err) => (err instanceof PushApiError ? err.retryAfterMs : undefined),
  };
}

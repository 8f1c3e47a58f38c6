import type { ApiId, Contracts, HttpMethod, ProviderStateName } from '../contracts';
import type { DispatcherControl } from './dispatcher/server';
import type { AppRegistry } from './gateway/apps';
import { MAX_DEADLINE_CREDIT } from './gateway/dispatcher-client';
import type { OfflineRoutes } from './gateway/offline-routes';
import type { RateLimiter } from './gateway/rate-limiter';
import type { RateLimit } from '../contracts';

/** What a state handler may touch: the service's real parts, never its answers. */
export interface StateTarget {
  readonly contracts: Contracts;
  readonly appKey: string;
  readonly apps: AppRegistry;
  readonly limiter: RateLimiter;
  rateFor(api: ApiId, family: string): RateLimit;
  /** The gateway's offline switch. */
  readonly offline: OfflineRoutes;
  readonly dispatcher: DispatcherControl;
  /** The gateway's deadline for a dispatcher answer. */
  readonly deadlineMs: number;
  now(): number;
}

type Params = Readonly<Record<string, string>>;
type Handler = (t: StateTarget, params: Params) => void | Promise<void>;

/** A documentation address no caller ever has (RFC 5737 TEST-NET-1). */
const FOREIGN_IP = '192.0.2.1';
/** How long the slow dispatcher holds a job, in deadlines (see the state's handler). */
const SLOW_DISPATCHER_DEADLINES = MAX_DEADLINE_CREDIT + 6;

function scheduleTime(now: number): string {
  // A day ahead, so the schedule is still pending whenever the pact is replayed.
  return new Date(now + 24 * 3600 * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The data a resource state creates is the first example of the success schema that shows it, so what
 * the service answers has the shape (and types) consumers built their pacts from.
 */
function successExample(t: StateTarget, api: ApiId, endpointId: string): Record<string, any> {
  const schema = t.contracts.schema(t.contracts.endpoint(api, endpointId).success) as { examples: Array<Record<string, any>> };
  return structuredClone(schema.examples[0]);
}

/**
 * One handler per state of contracts/provider-states.json (the Record type makes a missing one a compile
 * error; a test checks there is none extra). Resource states create data; condition states set up the
 * cause the catalogue names, in the part of the service where it lives.
 */
export const stateHandlers: Readonly<Record<ProviderStateName, Handler>> = {
  'a device exists': (t, p) => {
    const d = successExample(t, 'jpush-v3', 'device.get');
    t.dispatcher.store.upsertDevice(p.registration_id, { tags: d.tags, alias: d.alias, mobile: d.mobile }, t.now());
  },
  'an alias exists': (t, p) => {
    t.dispatcher.store.upsertDevice(p.registration_id, { alias: p.alias }, t.now());
  },
  'a schedule exists': (t, p) => {
    for (const api of Object.keys(t.contracts.apis) as ApiId[]) {
      const s = successExample(t, api, 'schedules.get');
      const trigger = s.trigger.single ? { single: { ...s.trigger.single, time: scheduleTime(t.now()) } } : s.trigger;
      t.dispatcher.store.addSchedule({ scheduleId: p.schedule_id, api, name: s.name, enabled: s.enabled, trigger, push: s.push });
    }
  },
  'a message was sent': (t, p) => {
    const store = t.dispatcher.store;
    store.addMessage({ msgId: p.msg_id, api: 'jpush-v3', appKey: t.appKey, targets: store.allDevices().map((d) => d.registrationId), sentAt: t.now(), withdrawn: false });
  },
  'a file was uploaded': (t, p) => {
    const d = successExample(t, 'jpush-v3', 'device.get');
    t.dispatcher.store.upsertDevice(p.registration_id, { tags: d.tags, alias: d.alias, mobile: d.mobile }, t.now());
    t.dispatcher.store.putFile(p.file_id, [p.registration_id]);
  },
  'an image was added': (t, p) => {
    const image = successExample(t, 'jpush-v3', 'images.update-by-url');
    t.dispatcher.store.putImage({ mediaId: p.media_id, urls: new Map([['jiguang', image.jiguang_image_url]]) });
  },
  'a group push was sent': (t, p) => {
    const store = t.dispatcher.store;
    const targets = store.allDevices().map((d) => d.registrationId);
    for (const group of t.apps.allGroups()) {
      const sent = group.members.map((appKey) => {
        const msgId = store.allocateMsgId();
        store.addMessage({ msgId, api: 'jpush-v3', appKey, targets, sentAt: t.now(), withdrawn: false });
        return msgId;
      });
      store.addGroupMessage(p.group_msgid, group.principal, sent);
    }
  },
  'a push plan exists': (t, p) => {
    t.dispatcher.store.upsertPlan(p.plan_id, successExample(t, 'mtpush-v4', 'plans.list').push_plan_info[0].plan_description, t.now());
  },
  'the app is blacklisted': (t) => {
    for (const app of t.apps.all()) app.blacklisted = true;
  },
  "the caller's IP is not whitelisted": (t) => {
    for (const app of t.apps.all()) app.ipWhitelist = [FOREIGN_IP];
  },
  'the app is not VIP': (t) => {
    for (const app of t.apps.all()) app.vip = false;
  },
  'the app has used up its rate limit': (t) => {
    // Groups too: a group push is counted under the group's own window.
    for (const key of t.apps.rateKeys()) {
      for (const api of Object.values(t.contracts.apis)) {
        for (const family of Object.keys(api.families)) {
          const rate = t.rateFor(api.id, family);
          t.limiter.exhaust(key, `${api.id} ${rate.bucket}`, rate);
        }
      }
    }
  },
  'the dispatcher fails unexpectedly': (t) => {
    t.dispatcher.store.setCorrupt(true);
  },
  'the dispatcher is down': (t) => t.dispatcher.stop(),
  "the dispatcher's queue is full": (t) => {
    t.dispatcher.fillQueue();
  },
  'the endpoint is taken offline by the operator': (t, p) => {
    // The state's params are checked against its schema before a handler runs: method is a catalogue method.
    t.offline.takeOffline(p.method as HttpMethod, p.path, p.announcement);
  },
  'the dispatcher is slow': (t) => {
    // Far beyond the deadline and the stall and wait time the gateway gives back to a job (MAX_DEADLINE_CREDIT deadlines):
    // late whatever the machine's load. The gateway's cancel frame drops the job at its 504.
    t.dispatcher.setDelay(t.deadlineMs * SLOW_DISPATCHER_DEADLINES);
  },
};

export type StateAction = 'setup' | 'teardown';

export interface StateChange {
  readonly state: string;
  readonly params: Params;
  readonly action: StateAction;
}

export type StateChangeResult =
  | { readonly ok: true; readonly change: StateChange }
  | { readonly ok: false; readonly code: 'PC_ERR_UNKNOWN_STATE' | 'PC_ERR_STATE_SETUP_FAILED'; readonly message: string };

/** A state change that names no state: nothing to set up or tear down. */
export function isStatelessChange(body: unknown): boolean {
  return body !== null && typeof body === 'object' && !Array.isArray(body) && (body as Record<string, unknown>).state === '';
}

/** Reads the Pact state-change body {state, params, action}; action defaults to setup. */
export function parseStateChange(contracts: Contracts, body: unknown): StateChangeResult {
  const failed = (message: string): StateChangeResult => ({ ok: false, code: 'PC_ERR_STATE_SETUP_FAILED', message });
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return failed('the body must be a JSON object {state, params, action}');
  const b = body as Record<string, unknown>;
  if (typeof b.state !== 'string') return failed("'state' must be a string");
  const action = b.action ?? 'setup';
  if (action !== 'setup' && action !== 'teardown') return failed(`unknown action '${String(action)}'; use setup or teardown`);
  const state = contracts.providerState(b.state);
  if (!state) {
    return { ok: false, code: 'PC_ERR_UNKNOWN_STATE', message: `unknown provider state '${b.state}'; known: ${contracts.providerStates.map((s) => `'${s.name}'`).join(', ')}` };
  }
  const raw = b.params ?? {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return failed(`params of '${b.state}' must be an object`);
  if (state.params && action === 'setup') {
    const r = contracts.validate(state.params, raw);
    if (!r.valid) {
      const e = r.errors[0];
      const what = e.keyword === 'required' ? `missing param '${String(e.params.missingProperty)}'`
        : e.keyword === 'additionalProperties' ? `unknown param '${String(e.params.additionalProperty)}'` : `param ${e.pointer} ${e.message}`;
      return failed(`provider state '${b.state}': ${what}`);
    }
  }
  return { ok: true, change: { state: b.state, params: raw as Params, action } };
}

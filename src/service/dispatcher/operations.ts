import { randomUUID } from 'node:crypto';
import type { ApiId, CauseId } from '../../contracts';
import { MESSAGE_RETENTION_MS, type Audience, type Device, type DispatcherStore, type Image, type PushPlan, type Schedule } from './store';

/** An app of a group as the gateway found it: `cause` is why it refuses the app (a group push fails that app's item). */
export interface MemberState {
  readonly appKey: string;
  readonly cause?: CauseId;
}

/** A failed item (batch target, group app) as the dispatcher reports it; the gateway writes the family's envelope for the cause. */
export interface ItemFailure {
  readonly cause: CauseId;
  readonly detail?: string;
}

/** One job as the gateway hands it over: the endpoint it was routed to and the validated request parts. */
export interface OperationRequest {
  readonly api: ApiId;
  readonly endpoint: string;
  /** The app's key, or the group's username on a group push. */
  readonly appKey: string;
  /** The group's apps, on a group push. */
  readonly members?: readonly MemberState[];
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, unknown>>;
  readonly body: unknown;
}

/** What an operation answers: a body for the success schema, or nothing for an empty 200. */
export interface OperationResult {
  readonly body?: unknown;
}

/** A business refusal: the gateway turns its cause into the family's code. */
export class OperationError extends Error {
  readonly causeId: CauseId;
  readonly msgId?: string;

  constructor(causeId: CauseId, message: string, msgId?: string) {
    super(message);
    this.name = 'OperationError';
    this.causeId = causeId;
    this.msgId = msgId;
  }
}

type Operation = (store: DispatcherStore, req: OperationRequest, now: number) => OperationResult;
type Json = Record<string, any>;

/** The schedule list pages by 50 (DOCS schedule). */
const SCHEDULE_PAGE_SIZE = 50;
/** An alias lookup answers at most 10 registration ids (DOCS device). */
const ALIAS_LOOKUP_MAX = 10;

function audienceOf(value: unknown): Audience {
  return value === 'all' ? 'all' : (value as Audience);
}

function sendPush(store: DispatcherStore, req: OperationRequest, now: number, audience: Audience, sends: boolean, render: (msgId: string) => Json): OperationResult {
  const body = req.body as Json;
  const cid = typeof body.cid === 'string' ? body.cid : undefined;
  if (sends && cid !== undefined) {
    const earlier = store.cidResult(cid);
    // A reused cid answers the first result without pushing again (DOCS push "cid").
    if (earlier !== undefined) return { body: earlier };
  }
  const targets = store.resolveAudience(audience);
  const msgId = store.allocateMsgId();
  if (targets.length === 0) throw new OperationError('request.no-target', 'cannot find user by this audience', msgId);
  const result = render(msgId);
  if (sends) {
    store.addMessage({ msgId, api: req.api, appKey: req.appKey, targets, sentAt: now, withdrawn: false });
    if (cid !== undefined) store.rememberCid(cid, result);
  }
  return { body: result };
}

function v3Push(sends: boolean): Operation {
  return (store, req, now) => {
    const body = req.body as Json;
    const sendno = String(body.options?.sendno ?? 0);
    return sendPush(store, req, now, audienceOf(body.audience), sends, (msgId) => ({ sendno, msg_id: msgId }));
  };
}

function v4Push(sends: boolean): Operation {
  return (store, req, now) => {
    const body = req.body as Json;
    const requestId = typeof body.request_id === 'string' ? body.request_id : '';
    return sendPush(store, req, now, audienceOf(body.to), sends, (msgId) => ({ request_id: requestId, msg_id: msgId }));
  };
}

/** POST /v3/push/file: a push whose audience is the registration ids of an uploaded file. */
function v3FilePush(): Operation {
  return (store, req, now) => {
    const body = req.body as Json;
    const fileId = String(body.audience.file.file_id);
    const rids = store.file(fileId);
    if (rids === undefined) throw new OperationError('request.invalid-value', `file_id ${fileId} not exist`);
    const sendno = String(body.options?.sendno ?? 0);
    return sendPush(store, req, now, { registration_id: rids }, true, (msgId) => ({ sendno, msg_id: msgId }));
  };
}

/**
 * POST /v3/push/template: one push per entry of params, each to its own audience, answered in the template
 * endpoints' flat shape: code 0 and one result per entry with its message_id and trace_id. An entry that
 * finds no device refuses the whole request like a push without target (the per-entry failures a real
 * server may report inside the 200 are not modelled).
 */
const templatePush: Operation = (store, req, now) => {
  const entries = (req.body as Json).params as Json[];
  const resolved = entries.map((entry) => ({ entry, targets: store.resolveAudience(audienceOf(entry.audience)) }));
  if (resolved.some((r) => r.targets.length === 0)) throw new OperationError('request.no-target', 'cannot find user by this audience');
  const pushList = resolved.map(({ entry, targets }) => {
    const msgId = store.allocateMsgId();
    store.addMessage({ msgId, api: req.api, appKey: req.appKey, targets, sentAt: now, withdrawn: false });
    return { code: 0, message_id: msgId, ...(typeof entry.trace_id === 'string' ? { trace_id: entry.trace_id } : {}) };
  });
  return { body: { code: 0, message: 'success', data: { push_list: pushList } } };
};

/**
 * POST /v3/push/template/schedule: one schedule per entry of params, each holding the template and its
 * entry until its trigger, answered like a template push with schedule_list in place of push_list. As
 * with POST /v3/schedules, the audience is resolved when the schedule fires, not now.
 */
const templateSchedule: Operation = (store, req) => {
  const body = req.body as Json;
  const scheduleList = (body.params as Json[]).map((entry) => {
    const s = store.addTemplateSchedule({ name: body.schedule_name, trigger: body.trigger, templateId: body.id, entry });
    return { code: 0, schedule_id: s.scheduleId, ...(typeof entry.trace_id === 'string' ? { trace_id: entry.trace_id } : {}) };
  });
  return { body: { code: 0, message: 'success', data: { schedule_list: scheduleList } } };
};

/** The per-channel URL fields of an image, in the order the result bean lists them (JSDK5 ImageUrlAddResult). */
const IMAGE_CHANNELS = ['jiguang', 'xiaomi', 'huawei', 'honor', 'oppo', 'fcm', 'hmos'] as const;

function renderImage(image: Image): Json {
  const out: Json = { media_id: image.mediaId };
  for (const channel of IMAGE_CHANNELS) {
    const url = image.urls.get(channel);
    if (url !== undefined) out[`${channel}_image_url`] = url;
  }
  return out;
}

function channelUrls(body: Json, into: Map<string, string>): Map<string, string> {
  for (const channel of IMAGE_CHANNELS) {
    const url = body[`${channel}_image_url`];
    if (typeof url === 'string') into.set(channel, url);
  }
  return into;
}

/**
 * POST /v3/images/byurls: registers the image under a new media_id of the form the SDK's examples show
 * (jgmedia-<image_type>-<uuid>). The result lists the channels' URLs; a bare image_url is accepted but not
 * echoed, as the result bean has no such field.
 */
const imageAddByUrl: Operation = (store, req) => {
  const body = req.body as Json;
  const image = store.putImage({ mediaId: `jgmedia-${body.image_type}-${randomUUID()}`, urls: channelUrls(body, new Map()) });
  return { body: renderImage(image) };
};

/** PUT /v3/images/byurls/{media_id}: the channels given get their new URL; the others keep theirs. */
const imageUpdateByUrl: Operation = (store, req) => {
  const image = store.image(req.params.media_id);
  if (!image) throw new OperationError('request.invalid-value', `media_id ${req.params.media_id} not exist`);
  channelUrls(req.body as Json, image.urls);
  return { body: renderImage(image) };
};

/**
 * GET /v3/push/quota: the vendor channels' message quotas. Vendor channels are not modelled apart: every
 * message of the app the store holds counts against each channel's system quota. The totals are this
 * sandbox's, not a vendor's.
 */
const SANDBOX_VENDOR_QUOTA = { system: 10_000, operation: 5_000 } as const;
const vendorQuota: Operation = (store, req) => {
  const sent = store.messagesOf(req.appKey);
  const channel = { system: { total: SANDBOX_VENDOR_QUOTA.system, used: sent }, operation: { total: SANDBOX_VENDOR_QUOTA.operation, used: 0 } };
  return { body: { code: 0, message: 'success', data: { xiaomi_quota: channel, oppo_quota: channel, vivo_quota: channel } } };
};

function withdraw(render: (msgId: string) => Json | undefined): Operation {
  return (store, req, now) => {
    const msgId = req.params.msg_id;
    const m = store.message(msgId);
    if (!m || m.appKey !== req.appKey) throw new OperationError('request.invalid-value', 'msg_id not exist');
    if (m.withdrawn) throw new OperationError('request.invalid-value', 'msg_id already withdrawn');
    if (now - m.sentAt > MESSAGE_RETENTION_MS) throw new OperationError('request.invalid-value', 'msg_id older than one day');
    m.withdrawn = true;
    const body = render(msgId);
    return body === undefined ? {} : { body };
  };
}

function itemFailure(cause: CauseId, detail?: string): { error: ItemFailure } {
  return { error: detail ? { cause, detail } : { cause } };
}

/** Sends one message to the devices an audience resolves to; undefined when it resolves to none. */
function deliver(store: DispatcherStore, req: OperationRequest, now: number, appKey: string, audience: Audience): string | undefined {
  const targets = store.resolveAudience(audience);
  if (targets.length === 0) return undefined;
  const msgId = store.allocateMsgId();
  store.addMessage({ msgId, api: req.api, appKey, targets, sentAt: now, withdrawn: false });
  return msgId;
}

type BatchKind = 'regid' | 'alias';

function batchAudience(kind: BatchKind, target: string): Audience {
  return kind === 'regid' ? { registration_id: [target] } : { alias: [target] };
}

function noDevice(kind: BatchKind, target: string): string {
  return `no device has ${kind === 'regid' ? 'registration id' : 'alias'} ${target}`;
}

/**
 * Batch single push (v3): one push per cid, each to one target. A target no device has fails that cid
 * alone (1011 in its own envelope); the other cids are pushed. A failing store fails the whole request.
 */
function v3Batch(kind: BatchKind): Operation {
  return (store, req, now) => {
    const out: Json = {};
    for (const [cid, item] of Object.entries((req.body as Json).pushlist as Record<string, Json>)) {
      const msgId = deliver(store, req, now, req.appKey, batchAudience(kind, item.target));
      out[cid] = msgId !== undefined ? { msg_id: msgId } : itemFailure('request.no-target', noDevice(kind, item.target));
    }
    return { body: out };
  };
}

/** Batch push (v4): results keyed by target; targets must be unique (EL-JAVA), a repeated one refuses the request. */
function v4Batch(kind: BatchKind): Operation {
  return (store, req, now) => {
    const items = (req.body as Json).requests as Json[];
    const seen = new Set<string>();
    for (const item of items) {
      if (seen.has(item.target)) throw new OperationError('request.invalid-value', `target ${item.target} appears twice`);
      seen.add(item.target);
    }
    const results: Json = {};
    for (const item of items) {
      const msgId = deliver(store, req, now, req.appKey, batchAudience(kind, item.target));
      results[item.target] = msgId !== undefined
        ? { target: item.target, success: true, msg_id: msgId }
        : { target: item.target, success: false, ...itemFailure('request.no-target', noDevice(kind, item.target)) };
    }
    return { body: { results } };
  };
}

/**
 * Group push: the same push to every app of the group, each answered under its appKey. An app the
 * gateway refused (blacklisted, caller not whitelisted) or whose audience has no device fails alone.
 */
function groupPush(audienceKey: 'audience' | 'to', render: (body: Json, msgId: string) => Json): Operation {
  return (store, req, now) => {
    const body = req.body as Json;
    const groupMsgId = store.allocateMsgId();
    const out: Json = { group_msgid: groupMsgId };
    const sent: string[] = [];
    for (const member of req.members ?? []) {
      if (member.cause) {
        out[member.appKey] = itemFailure(member.cause);
        continue;
      }
      const msgId = deliver(store, req, now, member.appKey, audienceOf(body[audienceKey]));
      if (msgId !== undefined) sent.push(msgId);
      out[member.appKey] = msgId !== undefined ? render(body, msgId) : itemFailure('request.no-target');
    }
    store.addGroupMessage(groupMsgId, req.appKey, sent);
    return { body: out };
  };
}

function msgIdsOf(req: OperationRequest): string[] {
  return String(req.query.msg_ids).split(',');
}

/** Delivery counts: every target of a held message counts as received on Android (the only channel modelled). */
const received: Operation = (store, req) => ({
  body: msgIdsOf(req).map((id) => {
    const m = store.message(id);
    // Counts the service knows are numbers (Android receipts; nothing sent through APNs); the rest are null, as the report API leaves them.
    if (!m || m.withdrawn) return { msg_id: id, android_received: null, ios_apns_sent: null, ios_apns_received: null, ios_msg_received: null, wp_mpns_sent: null };
    return { msg_id: id, android_received: m.targets.length, ios_apns_sent: 0, ios_apns_received: null, ios_msg_received: 0, wp_mpns_sent: null };
  }),
});

/** The JPush-channel counts of n targets: delivery is immediate (docs/reference-service.md) and no user of the sandbox clicks. */
function jpushCounts(n: number): Json {
  return { target: n, online_push: n, received: n, click: 0, msg_click: 0 };
}

const messagesReport: Operation = (store, req) => ({
  body: msgIdsOf(req).map((id) => ({ msg_id: id, jpush: jpushCounts(store.message(id)?.targets.length ?? 0) })),
});

/**
 * Group message statistics (v3): per group_msgid, the JPush-channel counts summed over the messages the
 * group push sent to its apps, counted as messagesReport counts one message. A group_msgid the store does
 * not hold for this group (another group's, never sent, or older than a day) counts nothing.
 */
const groupMessagesReport: Operation = (store, req) => ({
  body: String(req.query.group_msgids).split(',').map((id) => ({
    group_msgid: id,
    jpush: jpushCounts((store.groupMessage(id, req.appKey) ?? []).reduce((sum, m) => sum + m.targets.length, 0)),
  })),
});

const statusMessage: Operation = (store, req) => {
  const body = req.body as Json;
  const m = store.message(String(body.msg_id));
  if (!m) throw new OperationError('request.invalid-value', 'msg_id not exist');
  const out: Json = {};
  for (const rid of body.registration_ids as string[]) {
    // 0 delivered, 2 not a registration id of the app, 3 not a target of the message (DOCS report).
    out[rid] = { status: !store.device(rid) ? 2 : m.targets.includes(rid) ? 0 : 3 };
  }
  return { body: out };
};

function existingDevice(store: DispatcherStore, req: OperationRequest) {
  const d = store.device(req.params.registration_id);
  if (!d) throw new OperationError('resource.not-found', `device ${req.params.registration_id} does not exist`);
  return d;
}

const deviceGet: Operation = (store, req) => {
  const d = existingDevice(store, req);
  return { body: { tags: [...d.tags].sort(), alias: d.alias, mobile: d.mobile } };
};

const deviceUpdate: Operation = (store, req) => {
  const d = existingDevice(store, req);
  const body = req.body as Json;
  if (body.tags === '') d.tags.clear();
  else if (body.tags) {
    for (const t of (body.tags.add as string[] | undefined) ?? []) d.tags.add(t);
    for (const t of (body.tags.remove as string[] | undefined) ?? []) d.tags.delete(t);
  }
  if (typeof body.alias === 'string') d.alias = body.alias === '' ? null : body.alias;
  if (typeof body.mobile === 'string') d.mobile = body.mobile === '' ? null : body.mobile;
  return {};
};

const deviceDelete: Operation = (store, req) => {
  existingDevice(store, req);
  store.deleteDevice(req.params.registration_id);
  return {};
};

const tagsList: Operation = (store) => ({ body: { tags: store.tags() } });

const tagsUpdate: Operation = (store, req) => {
  const ops = (req.body as Json).registration_ids as { add?: string[]; remove?: string[] };
  // Ids the app does not know are skipped: a tag only exists through the devices that carry it.
  for (const rid of ops.add ?? []) store.device(rid)?.tags.add(req.params.tag);
  for (const rid of ops.remove ?? []) store.device(rid)?.tags.delete(req.params.tag);
  return {};
};

const aliasGet: Operation = (store, req) => ({
  body: { registration_ids: store.allDevices().filter((d) => d.alias === req.params.alias).slice(0, ALIAS_LOOKUP_MAX).map((d) => d.registrationId) },
});

const aliasDelete: Operation = (store, req) => {
  for (const d of store.allDevices()) if (d.alias === req.params.alias) d.alias = null;
  return {};
};

function renderSchedule(s: Schedule): Json {
  return { schedule_id: s.scheduleId, name: s.name, enabled: s.enabled, trigger: s.trigger, push: s.push };
}

function existingSchedule(store: DispatcherStore, req: OperationRequest): Schedule {
  const s = store.schedule(req.api, req.params.schedule_id);
  if (!s) throw new OperationError('resource.not-found', "Request schedule operation doesn't exist");
  return s;
}

const scheduleCreate: Operation = (store, req) => {
  const body = req.body as Json;
  const s = store.addSchedule({ api: req.api, name: body.name, enabled: body.enabled, trigger: body.trigger, push: body.push, cid: body.cid });
  return { body: { schedule_id: s.scheduleId, name: s.name } };
};

const scheduleList: Operation = (store, req) => {
  const all = store.schedulesOf(req.api);
  const page = Math.max(1, Number(req.query.page ?? 1));
  const totalPages = Math.ceil(all.length / SCHEDULE_PAGE_SIZE);
  const schedules = all.slice((page - 1) * SCHEDULE_PAGE_SIZE, page * SCHEDULE_PAGE_SIZE).map(renderSchedule);
  return { body: { total_count: all.length, total_pages: totalPages, page, schedules } };
};

const scheduleGet: Operation = (store, req) => ({ body: renderSchedule(existingSchedule(store, req)) });

const scheduleUpdate: Operation = (store, req) => {
  const s = existingSchedule(store, req);
  const body = req.body as Json;
  // Each section given replaces the stored one whole (DOCS schedule).
  if (body.name !== undefined) s.name = body.name;
  if (body.enabled !== undefined) s.enabled = body.enabled;
  if (body.trigger !== undefined) s.trigger = body.trigger;
  if (body.push !== undefined) s.push = body.push;
  if (body.cid !== undefined) s.cid = body.cid;
  return { body: renderSchedule(s) };
};

const scheduleDelete: Operation = (store, req) => {
  existingSchedule(store, req);
  store.deleteSchedule(req.api, req.params.schedule_id);
  return {};
};

const cidList: Operation = (store, req) => {
  const count = Number(req.query.count ?? 1);
  return { body: { cidlist: Array.from({ length: count }, () => store.issueCid(`${req.appKey}-${randomUUID()}`)) } };
};

/** yyyy-MM-dd HH:mm:ss in UTC, the time format of the device and report APIs (JSDK5 @JsonFormat). */
function dateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Nothing connects to the reference service, so every device is offline, last seen when it registered. */
function deviceStatus(d: Device): { online: boolean; last_online_time: string } {
  return { online: false, last_online_time: dateTime(d.registeredAt) };
}

function knownDevices(store: DispatcherStore, ids: readonly string[]): Device[] {
  return ids.map((id) => store.device(id)).filter((d): d is Device => d !== undefined);
}

const v3DeviceStatus: Operation = (store, req) => ({
  body: Object.fromEntries(knownDevices(store, (req.body as Json).registration_ids as string[]).map((d) => [d.registrationId, deviceStatus(d)])),
});

const v4DeviceStatus: Operation = (store, req) => ({
  body: knownDevices(store, (req.body as Json).registration_ids as string[]).map((d) => ({ regid: d.registrationId, ...deviceStatus(d) })),
});

const aliasRemoveDevices: Operation = (store, req) => {
  for (const rid of ((req.body as Json).registration_ids.remove as string[]) ?? []) {
    const d = store.device(rid);
    if (d && d.alias === req.params.alias) d.alias = null;
  }
  return {};
};

const tagHasDevice: Operation = (store, req) => ({ body: { result: store.device(req.params.registration_id)?.tags.has(req.params.tag) ?? false } });

const tagDelete: Operation = (store, req) => {
  for (const d of store.allDevices()) d.tags.delete(req.params.tag);
  return {};
};

function listOf(value: unknown): string[] {
  return typeof value === 'string' && value !== '' ? value.split(',') : [];
}

function devicesWithTag(store: DispatcherStore, tag: string): number {
  return store.allDevices().filter((d) => d.tags.has(tag)).length;
}

const tagsCount: Operation = (store, req) => ({
  body: { tagsCount: Object.fromEntries(listOf(req.query.tags).map((t) => [t, devicesWithTag(store, t)])) },
});

/** Quotas of the reference service's app plan (a project value: no source gives EngageLab's). */
const TAG_QUOTA = 100_000;

const tagsQuota: Operation = (store, req) => {
  const devices = store.allDevices();
  return {
    body: {
      data: {
        totalTagQuota: TAG_QUOTA,
        useTagQuota: store.tags().length,
        totalAliasQuota: TAG_QUOTA,
        useAliasQuota: new Set(devices.map((d) => d.alias).filter((a) => a !== null)).size,
        tagUidQuotaDetail: listOf(req.query.tags).map((t) => ({ tagName: t, totalUidQuota: TAG_QUOTA, useUidQuota: devicesWithTag(store, t) })),
      },
    },
  };
};

/** Delivery counts of a message the service holds: every target counts as received on Android. */
function deliveredTo(store: DispatcherStore, msgId: string): number | null {
  const m = store.message(msgId);
  return !m || m.withdrawn ? null : m.targets.length;
}

const receivedDetail: Operation = (store, req) => ({
  body: msgIdsOf(req).map((id) => {
    const n = deliveredTo(store, id);
    return { msg_id: id, jpush_received: n, android_pns_sent: n === null ? null : 0, ios_apns_sent: n === null ? null : 0, ios_apns_received: null, ios_msg_received: n === null ? null : 0 };
  }),
});

const statusDetail: Operation = (store, req) => ({
  body: Object.fromEntries(listOf(req.query.message_ids).map((id) => {
    const n = deliveredTo(store, id) ?? 0;
    return [id, { targets: n, sent: n, delivered: n, impressions: 0, clicks: 0 }];
  })),
});

const statusLifecycle: Operation = (store, req) => {
  const m = store.message(String(req.query.message_id));
  if (!m) throw new OperationError('request.invalid-value', 'message_id not exist');
  return {
    body: Object.fromEntries(listOf(req.query.registration_ids).map((rid) => [rid, { status: m.targets.includes(rid) ? 'delivered' : 'not_target' }])),
  };
};

const UNIT_FORMAT = { HOUR: /^\d{4}-\d{2}-\d{2} \d{2}$/, DAY: /^\d{4}-\d{2}-\d{2}$/, MONTH: /^\d{4}-\d{2}$/ } as const;
type TimeUnit = keyof typeof UNIT_FORMAT;

function unitStart(unit: TimeUnit, start: string): Date {
  return new Date(unit === 'HOUR' ? `${start.slice(0, 10)}T${start.slice(11)}:00:00Z` : unit === 'DAY' ? `${start}T00:00:00Z` : `${start}-01T00:00:00Z`);
}

function unitLabel(unit: TimeUnit, d: Date): string {
  const iso = d.toISOString();
  return unit === 'HOUR' ? `${iso.slice(0, 10)} ${iso.slice(11, 13)}` : unit === 'DAY' ? iso.slice(0, 10) : iso.slice(0, 7);
}

function nextUnit(unit: TimeUnit, d: Date): Date {
  const n = new Date(d);
  if (unit === 'HOUR') n.setUTCHours(n.getUTCHours() + 1);
  else if (unit === 'DAY') n.setUTCDate(n.getUTCDate() + 1);
  else n.setUTCMonth(n.getUTCMonth() + 1);
  return n;
}

/** New, online and active users per unit: devices count as new in the unit they registered in; none is ever online. */
function userStatistics(unitKey: string): Operation {
  return (store, req) => {
    const unit = String(req.query.time_unit) as TimeUnit;
    const start = String(req.query.start);
    // time_unit and start must agree (report code 3004).
    if (!UNIT_FORMAT[unit].test(start)) throw new OperationError('request.invalid-value', `start ${start} does not match time_unit ${unit}`);
    const duration = Number(req.query.duration);
    const devices = store.allDevices();
    const items = [];
    let at = unitStart(unit, start);
    for (let i = 0; i < duration; i++) {
      const next = nextUnit(unit, at);
      const fresh = devices.filter((d) => d.registeredAt >= at.getTime() && d.registeredAt < next.getTime()).length;
      items.push({ time: unitLabel(unit, at), android: { new: fresh, online: 0, active: fresh } });
      at = next;
    }
    return { body: { [unitKey]: unit, start, duration, items } };
  };
}

const scheduleMsgIds = (listKey: string): Operation => (store, req) => {
  existingSchedule(store, req);
  // The service never fires a schedule before its trigger (a day ahead in every state), so none has sent yet.
  return { body: { count: 0, [listKey]: [] } };
};

function existingPlan(store: DispatcherStore, req: OperationRequest): PushPlan {
  const p = store.plan(req.params.plan_id);
  if (!p) throw new OperationError('resource.not-found', `push plan ${req.params.plan_id} does not exist`);
  return p;
}

const planUpsert: Operation = (store, req, now) => {
  const body = req.body as Json;
  return { body: { plan_id: store.upsertPlan(body.plan_id, body.plan_description, now).planId } };
};

const planList: Operation = (store, req) => {
  const size = Number(req.query.page_size);
  const index = Number(req.query.page_index);
  const search = typeof req.query.search_description === 'string' ? req.query.search_description : '';
  const all = store.allPlans().filter((p) => p.description.includes(search));
  const page = all.slice((index - 1) * size, index * size);
  return {
    body: {
      total: all.length,
      push_plan_info: page.map((p) => ({ push_id: p.planId, plan_description: p.description, count: p.msgIds.length, create_time: p.createdAt, last_used_time: p.lastUsedAt })),
    },
  };
};

const planDelete: Operation = (store, req) => {
  const p = existingPlan(store, req);
  store.deletePlan(p.planId);
  return { body: { plan_id: p.planId } };
};

const planMessages: Operation = (store, req) => ({
  body: Object.fromEntries(listOf(req.query.plan_ids).flatMap((id) => {
    const p = store.plan(id);
    return p ? [[id, { msg_ids: [...p.msgIds] }]] : [];
  })),
});

/** Devices, tags, aliases and schedules are served by the same operations on both APIs. */
const deviceAndScheduleOperations: Readonly<Record<string, Operation>> = {
  'device.get': deviceGet,
  'device.update': deviceUpdate,
  'tags.list': tagsList,
  'tags.update': tagsUpdate,
  'tags.has-device': tagHasDevice,
  'tags.delete': tagDelete,
  'aliases.get': aliasGet,
  'aliases.delete': aliasDelete,
  'schedules.create': scheduleCreate,
  'schedules.list': scheduleList,
  'schedules.get': scheduleGet,
  'schedules.update': scheduleUpdate,
  'schedules.delete': scheduleDelete,
};

/** Every operation, by API and endpoint id; a test keeps it equal to the endpoint catalogue. */
export const operations: Readonly<Record<ApiId, Readonly<Record<string, Operation>>>> = {
  'jpush-v3': {
    push: v3Push(true),
    'push.validate': v3Push(false),
    'push.cid': cidList,
    'push.withdraw': withdraw(() => undefined),
    'push.quota': vendorQuota,
    'push.template': templatePush,
    'push.template-schedule': templateSchedule,
    'images.add-by-url': imageAddByUrl,
    'images.update-by-url': imageUpdateByUrl,
    'push.file': v3FilePush(),
    'push.batch-regid': v3Batch('regid'),
    'push.batch-alias': v3Batch('alias'),
    'push.group': groupPush('audience', (body, msgId) => ({ msg_id: msgId, sendno: String(body.options?.sendno ?? 0) })),
    'report.received': received,
    'report.messages': messagesReport,
    'report.status-message': statusMessage,
    'report.received-detail': receivedDetail,
    'report.messages-detail': messagesReport,
    'report.users': userStatistics('time_unit'),
    'report.group-messages-detail': groupMessagesReport,
    // The devices belong to no app (docs/reference-service.md), so a group's users are the app's.
    'report.group-users': userStatistics('time_unit'),
    'device.status': v3DeviceStatus,
    'aliases.remove-devices': aliasRemoveDevices,
    'schedules.msg-ids': scheduleMsgIds('msgids'),
    ...deviceAndScheduleOperations,
  },
  'mtpush-v4': {
    push: v4Push(true),
    'push.validate': v4Push(false),
    'push.withdraw': withdraw((msgId) => ({ request_id: '', msg_id: msgId })),
    'push.batch-regid': v4Batch('regid'),
    'push.batch-alias': v4Batch('alias'),
    'push.group': groupPush('to', (body, msgId) => ({ msg_id: msgId, request_id: typeof body.request_id === 'string' ? body.request_id : '' })),
    'device.delete': deviceDelete,
    'device.status': v4DeviceStatus,
    'tags.count': tagsCount,
    'tags.quota': tagsQuota,
    'report.status-detail': statusDetail,
    'report.status-message': statusLifecycle,
    'report.users': userStatistics('time_unit'),
    'schedules.msg-ids': scheduleMsgIds('MsgIds'),
    'plans.upsert': planUpsert,
    'plans.list': planList,
    'plans.delete': planDelete,
    'plans.messages': planMessages,
    ...deviceAndScheduleOperations,
  },
};

export function runOperation(store: DispatcherStore, req: OperationRequest, now: number): OperationResult {
  const op = operations[req.api]?.[req.endpoint];
  if (!op) throw new Error(`no operation for ${req.api} ${req.endpoint}`);
  return op(store, req, now);
}

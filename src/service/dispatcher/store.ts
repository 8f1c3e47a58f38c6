import { randomUUID } from 'node:crypto';
import type { ApiId } from '../../contracts';

export interface Device {
  readonly registrationId: string;
  readonly tags: Set<string>;
  alias: string | null;
  mobile: string | null;
  /** When the device registered; nothing connects to the reference service, so it is also when it was last online. */
  readonly registeredAt: number;
}

/** A push plan (MTPush v4): a label messages are sent under. */
export interface PushPlan {
  readonly planId: string;
  description: string;
  readonly createdAt: number;
  lastUsedAt: number;
  readonly msgIds: string[];
}

export interface Message {
  readonly msgId: string;
  readonly api: ApiId;
  readonly appKey: string;
  readonly targets: readonly string[];
  readonly sentAt: number;
  withdrawn: boolean;
}

export interface Schedule {
  readonly scheduleId: string;
  readonly api: ApiId;
  name: string;
  enabled: boolean;
  trigger: unknown;
  push: unknown;
  cid?: string;
}

/**
 * A schedule created by a scheduled template push (v3). Kept apart from the schedules of POST /v3/schedules:
 * the sources do not say whether GET /v3/schedules lists them, and their push is a template's, not a push body.
 */
export interface TemplateSchedule {
  readonly scheduleId: string;
  readonly name: string;
  readonly trigger: unknown;
  readonly templateId: string;
  readonly entry: unknown;
}

/** A notification image registered for the vendor channels (v3 images by URL): a URL per channel; its type is part of the media_id. */
export interface Image {
  readonly mediaId: string;
  readonly urls: Map<string, string>;
}

/** The audience of a push, in the field names both APIs share (v3 `audience`, v4 `to`). */
export type Audience = 'all' | Readonly<Record<string, readonly string[] | undefined>>;

/** Thrown by every store operation once the store is corrupt; the dispatcher answers it with 500. */
export class StoreCorruptError extends Error {
  constructor() {
    super('message store corrupt: record checksum mismatch');
    this.name = 'StoreCorruptError';
  }
}

/** How long a sent message is held: its withdraw window (facts §7, EL-PAGES message-recall-api). */
export const MESSAGE_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Messages are answered with ids above every id a pact or state uses, so allocated ids never collide with them. */
const FIRST_MSG_ID = 30_000_000_000;

/**
 * What the dispatcher holds: devices (with tags and alias), sent messages, schedules and used cids.
 * Everything goes through a method, so a corrupt store throws on every operation, as a real one would.
 */
export class DispatcherStore {
  private readonly devices = new Map<string, Device>();
  private readonly messages = new Map<string, Message>();
  private readonly schedules = new Map<string, Schedule>();
  private readonly plans = new Map<string, PushPlan>();
  private readonly cids = new Map<string, unknown>();
  /** Uploaded files of registration ids, by file_id (the multipart upload itself is out of scope). */
  private readonly files = new Map<string, readonly string[]>();
  private readonly templateSchedules = new Map<string, TemplateSchedule>();
  private readonly images = new Map<string, Image>();
  /** Each group push by group_msgid: the group that sent it and its messages, one per app it reached. */
  private readonly groupMessages = new Map<string, { readonly group: string; readonly msgIds: readonly string[] }>();
  private readonly issuedCids = new Set<string>();
  private nextMsgId = FIRST_MSG_ID;
  private corrupt = false;

  /** Marks the store corrupt (provider state "the dispatcher fails unexpectedly"). */
  setCorrupt(corrupt: boolean): void {
    this.corrupt = corrupt;
  }

  isCorrupt(): boolean {
    return this.corrupt;
  }

  private guard(): void {
    if (this.corrupt) throw new StoreCorruptError();
  }

  clear(): void {
    this.devices.clear();
    this.messages.clear();
    this.schedules.clear();
    this.plans.clear();
    this.cids.clear();
    this.issuedCids.clear();
    this.files.clear();
    this.templateSchedules.clear();
    this.images.clear();
    this.groupMessages.clear();
    this.corrupt = false;
  }

  allocateMsgId(): string {
    this.guard();
    return String(this.nextMsgId++);
  }

  // ---- uploaded files

  /** Holds a file of registration ids under its file_id (provider state "a file was uploaded"). */
  putFile(fileId: string, registrationIds: readonly string[]): void {
    this.guard();
    this.files.set(fileId, [...registrationIds]);
  }

  file(fileId: string): readonly string[] | undefined {
    this.guard();
    return this.files.get(fileId);
  }

  // ---- group pushes

  addGroupMessage(groupMsgId: string, group: string, msgIds: readonly string[]): void {
    this.guard();
    // Like messages, a group push is let go once none of its messages is held (oldest first).
    for (const [id, sent] of this.groupMessages) {
      if (sent.msgIds.some((m) => this.messages.has(m))) break;
      this.groupMessages.delete(id);
    }
    this.groupMessages.set(groupMsgId, { group, msgIds: [...msgIds] });
  }

  /** The held messages of a group push of this group (its Basic username); undefined for one it did not send. */
  groupMessage(groupMsgId: string, group: string): Message[] | undefined {
    this.guard();
    const sent = this.groupMessages.get(groupMsgId);
    if (sent === undefined || sent.group !== group) return undefined;
    return sent.msgIds.flatMap((id) => this.messages.get(id) ?? []);
  }

  // ---- images (v3 images by URL)

  putImage(image: Image): Image {
    this.guard();
    this.images.set(image.mediaId, image);
    return image;
  }

  image(mediaId: string): Image | undefined {
    this.guard();
    return this.images.get(mediaId);
  }

  // ---- devices

  upsertDevice(registrationId: string, init: { tags?: readonly string[]; alias?: string | null; mobile?: string | null } = {}, now: number = Date.now()): Device {
    this.guard();
    let d = this.devices.get(registrationId);
    if (!d) {
      d = { registrationId, tags: new Set(), alias: null, mobile: null, registeredAt: now };
      this.devices.set(registrationId, d);
    }
    for (const t of init.tags ?? []) d.tags.add(t);
    if (init.alias !== undefined) d.alias = init.alias;
    if (init.mobile !== undefined) d.mobile = init.mobile;
    return d;
  }

  device(registrationId: string): Device | undefined {
    this.guard();
    return this.devices.get(registrationId);
  }

  deleteDevice(registrationId: string): boolean {
    this.guard();
    return this.devices.delete(registrationId);
  }

  allDevices(): Device[] {
    this.guard();
    return [...this.devices.values()];
  }

  tags(): string[] {
    this.guard();
    const all = new Set<string>();
    for (const d of this.devices.values()) for (const t of d.tags) all.add(t);
    return [...all].sort();
  }

  /** Registration ids that match an audience: each given type narrows the set (types combine with AND). */
  resolveAudience(audience: Audience): string[] {
    this.guard();
    const devices = [...this.devices.values()];
    if (audience === 'all') return devices.map((d) => d.registrationId);
    const list = (k: string): readonly string[] | undefined => {
      const v = audience[k];
      return v && v.length > 0 ? v : undefined;
    };
    const given = Object.keys(audience).filter((k) => list(k) !== undefined);
    // Segments and A/B tests are console-side concepts this service does not model: they match no device.
    if (given.length === 0 || list('segment') || list('abtest')) return [];
    return devices
      .filter((d) => {
        const tag = list('tag');
        const tagAnd = list('tag_and');
        const tagNot = list('tag_not');
        const alias = list('alias');
        const rid = list('registration_id');
        if (tag && !tag.some((t) => d.tags.has(t))) return false;
        if (tagAnd && !tagAnd.every((t) => d.tags.has(t))) return false;
        if (tagNot && tagNot.some((t) => d.tags.has(t))) return false;
        if (alias && (d.alias === null || !alias.includes(d.alias))) return false;
        if (rid && !rid.includes(d.registrationId)) return false;
        return true;
      })
      .map((d) => d.registrationId);
  }

  // ---- messages

  addMessage(m: Message): void {
    this.guard();
    this.messages.set(m.msgId, m);
    // Messages leave the store a day after sending, when they can no longer be withdrawn; insertion
    // order is sending order, so the oldest are first. This bounds a long-running sandbox's memory.
    for (const [id, old] of this.messages) {
      if (old.sentAt >= m.sentAt - MESSAGE_RETENTION_MS) break;
      this.messages.delete(id);
    }
  }

  /** How many messages the app has sent that the store still holds (its withdraw window). */
  messagesOf(appKey: string): number {
    this.guard();
    let n = 0;
    for (const m of this.messages.values()) if (m.appKey === appKey) n += 1;
    return n;
  }

  message(msgId: string): Message | undefined {
    this.guard();
    return this.messages.get(msgId);
  }

  messageCount(): number {
    return this.messages.size;
  }

  /** Whether the store holds a message, read without the corruption guard: for tests that audit what was accepted. */
  holds(msgId: string): boolean {
    return this.messages.has(msgId);
  }

  /** Records a cid handed out by GET /v3/push/cid; it stays valid for a day (DOCS push "cid"). */
  issueCid(cid: string): string {
    this.guard();
    this.issuedCids.add(cid);
    return cid;
  }

  cidResult(cid: string): unknown {
    this.guard();
    return this.cids.get(cid);
  }

  rememberCid(cid: string, result: unknown): void {
    this.guard();
    this.cids.set(cid, result);
  }

  // ---- schedules

  private key(api: ApiId, id: string): string {
    return `${api} ${id}`;
  }

  addSchedule(s: Omit<Schedule, 'scheduleId'> & { scheduleId?: string }): Schedule {
    this.guard();
    const schedule: Schedule = { ...s, scheduleId: s.scheduleId ?? randomUUID() };
    this.schedules.set(this.key(s.api, schedule.scheduleId), schedule);
    return schedule;
  }

  schedule(api: ApiId, id: string): Schedule | undefined {
    this.guard();
    return this.schedules.get(this.key(api, id));
  }

  deleteSchedule(api: ApiId, id: string): boolean {
    this.guard();
    return this.schedules.delete(this.key(api, id));
  }

  schedulesOf(api: ApiId): Schedule[] {
    this.guard();
    return [...this.schedules.values()].filter((s) => s.api === api);
  }

  addTemplateSchedule(s: Omit<TemplateSchedule, 'scheduleId'>): TemplateSchedule {
    this.guard();
    const schedule: TemplateSchedule = { ...s, scheduleId: randomUUID() };
    this.templateSchedules.set(schedule.scheduleId, schedule);
    return schedule;
  }

  templateSchedulesCount(): number {
    this.guard();
    return this.templateSchedules.size;
  }

  // ---- push plans (MTPush v4)

  upsertPlan(planId: string, description: string, now: number): PushPlan {
    this.guard();
    const existing = this.plans.get(planId);
    if (existing) {
      existing.description = description;
      existing.lastUsedAt = now;
      return existing;
    }
    const plan: PushPlan = { planId, description, createdAt: now, lastUsedAt: now, msgIds: [] };
    this.plans.set(planId, plan);
    return plan;
  }

  plan(planId: string): PushPlan | undefined {
    this.guard();
    return this.plans.get(planId);
  }

  deletePlan(planId: string): boolean {
    this.guard();
    return this.plans.delete(planId);
  }

  allPlans(): PushPlan[] {
    this.guard();
    return [...this.plans.values()];
  }
}

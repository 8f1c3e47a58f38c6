import { timingSafeEqual } from 'node:crypto';
import type { CauseId } from '../../contracts';
import { BoundedMap } from '../../bounded-map';
import { GROUP_USERNAME_PREFIX, type Credentials, type GroupCredentials } from '../../credentials';

/** What the gateway knows of an app: its secret and the permissions that make it answer 403. */
export interface AppRecord {
  readonly appKey: string;
  readonly masterSecret: string;
  vip: boolean;
  blacklisted: boolean;
  /** Caller addresses allowed; null when the app has no whitelist. */
  ipWhitelist: readonly string[] | null;
}

/** A group of apps that group push reaches at once; it authenticates as `group-<groupKey>`. */
export interface GroupRecord {
  readonly groupKey: string;
  readonly masterSecret: string;
  /** The Basic username, which also names the group's rate-limit window. */
  readonly principal: string;
  /** App keys of the group's apps, in the order a group push answers them. */
  readonly members: readonly string[];
}

/** A group with its apps: the service's group (the demo group when none is configured). */
export interface GroupDefinition extends GroupCredentials {
  readonly members: readonly string[];
}

export type AuthResult =
  | { readonly ok: true; readonly app: AppRecord; readonly group?: undefined }
  | { readonly ok: true; readonly group: GroupRecord; readonly app?: undefined }
  | { readonly ok: false; readonly cause: CauseId };

/** An Authorization header as read: the Basic user and the secret's bytes it gives, or why it cannot be read. */
type ReadHeader = { readonly user: string; readonly given: Buffer } | { readonly cause: CauseId };

function readBasic(header: string): ReadHeader {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return { cause: 'auth.failed' };
  const decoded = Buffer.from(m[1], 'base64');
  const colon = decoded.indexOf(0x3a); // ':'
  if (colon < 0) return { cause: 'auth.failed' };
  return { user: decoded.toString('utf8', 0, colon), given: decoded.subarray(colon + 1) };
}

/** The registered apps; every app starts VIP, off the blacklist and without an IP whitelist. */
export class AppRegistry {
  private readonly apps = new Map<string, AppRecord>();
  private readonly groups = new Map<string, GroupRecord>();
  /** Each app's master secret as bytes, encoded once: authentication compares bytes on every request. */
  private readonly secrets = new Map<string, Buffer>();
  /**
   * The last headers read (a client sends the same one with every request): the regex and the base64
   * decode run once per header, not per request. Only the reading is kept; the secret is compared on every
   * request, against the registry as it is then.
   */
  private readonly headers = new BoundedMap<string, ReadHeader>(256);

  constructor(private readonly credentials: readonly Credentials[], groups: readonly GroupDefinition[] = []) {
    for (const g of groups) {
      const principal = GROUP_USERNAME_PREFIX + g.groupKey;
      this.groups.set(principal, { groupKey: g.groupKey, masterSecret: g.groupMasterSecret, principal, members: [...g.members] });
    }
    this.reset();
  }

  reset(): void {
    this.apps.clear();
    this.secrets.clear();
    for (const c of this.credentials) {
      this.secrets.set(c.appKey, Buffer.from(c.masterSecret, 'utf8'));
      this.apps.set(c.appKey, { appKey: c.appKey, masterSecret: c.masterSecret, vip: true, blacklisted: false, ipWhitelist: null });
    }
    for (const g of this.groups.values()) this.secrets.set(g.principal, Buffer.from(g.masterSecret, 'utf8'));
  }

  get(appKey: string): AppRecord | undefined {
    return this.apps.get(appKey);
  }

  all(): AppRecord[] {
    return [...this.apps.values()];
  }

  allGroups(): GroupRecord[] {
    return [...this.groups.values()];
  }

  /** Every key a rate-limit window is kept under: each app's key and each group's username. */
  rateKeys(): string[] {
    return [...this.apps.keys(), ...this.groups.keys()];
  }

  /** Basic authentication: no header is auth.missing; anything else that does not match an app is auth.failed. */
  authenticate(header: string | undefined): AuthResult {
    if (header === undefined || header.trim() === '') return { ok: false, cause: 'auth.missing' };
    let read = this.headers.get(header);
    if (read === undefined) {
      read = readBasic(header);
      this.headers.set(header, read);
    }
    if ('cause' in read) return { ok: false, cause: read.cause };
    const { user, given } = read;
    const group = this.groups.get(user);
    // Constant time in the secret's bytes, as a comparison of credentials must be.
    const same = (secret: Buffer | undefined): boolean => secret !== undefined && given.length === secret.length && timingSafeEqual(given, secret);
    if (group) return same(this.secrets.get(user)) ? { ok: true, group } : { ok: false, cause: 'auth.failed' };
    const app = this.apps.get(user);
    if (!app || !same(this.secrets.get(user))) return { ok: false, cause: 'auth.failed' };
    return { ok: true, app };
  }
}

/** The caller's address without the IPv4-mapped prefix, as a whitelist lists it. */
export function plainIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
}

import { timingSafeEqual } from 'node:crypto';
import type { CauseId } from '../../contracts';
import type { Credentials } from '../../credentials';

/** What the gateway knows of an app: its secret and the permissions that make it answer 403. */
export interface AppRecord {
  readonly appKey: string;
  readonly masterSecret: string;
  vip: boolean;
  blacklisted: boolean;
  /** Caller addresses allowed; null when the app has no whitelist. */
  ipWhitelist: readonly string[] | null;
}

export type AuthResult = { readonly ok: true; readonly app: AppRecord } | { readonly ok: false; readonly cause: CauseId };

/** The registered apps; every app starts VIP, off the blacklist and without an IP whitelist. */
export class AppRegistry {
  private readonly apps = new Map<string, AppRecord>();
  /** Each app's master secret as bytes, encoded once: authentication compares bytes on every request. */
  private readonly secrets = new Map<string, Buffer>();

  constructor(private readonly credentials: readonly Credentials[]) {
    this.reset();
  }

  reset(): void {
    this.apps.clear();
    this.secrets.clear();
    for (const c of this.credentials) {
      this.secrets.set(c.appKey, Buffer.from(c.masterSecret, 'utf8'));
      this.apps.set(c.appKey, { appKey: c.appKey, masterSecret: c.masterSecret, vip: true, blacklisted: false, ipWhitelist: null });
    }
  }

  get(appKey: string): AppRecord | undefined {
    return this.apps.get(appKey);
  }

  all(): AppRecord[] {
    return [...this.apps.values()];
  }

  /** Basic authentication: no header is auth.missing; anything else that does not match an app is auth.failed. */
  authenticate(header: string | undefined): AuthResult {
    if (header === undefined || header.trim() === '') return { ok: false, cause: 'auth.missing' };
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (!m) return { ok: false, cause: 'auth.failed' };
    const decoded = Buffer.from(m[1], 'base64');
    const colon = decoded.indexOf(0x3a); // ':'
    if (colon < 0) return { ok: false, cause: 'auth.failed' };
    const appKey = decoded.toString('utf8', 0, colon);
    const app = this.apps.get(appKey);
    const secret = this.secrets.get(appKey);
    const given = decoded.subarray(colon + 1);
    // Constant time in the secret's bytes, as a comparison of credentials must be.
    if (!app || !secret || given.length !== secret.length || !timingSafeEqual(given, secret)) return { ok: false, cause: 'auth.failed' };
    return { ok: true, app };
  }
}

/** The caller's address without the IPv4-mapped prefix, as a whitelist lists it. */
export function plainIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
}

/**
 * Credentials: real ones come only from the environment and are injected at request time; pacts carry
 * placeholders. The verifier swaps the placeholder for the real credentials and leaves any other
 * Authorization alone, so an interaction that expects a 401 keeps its deliberately wrong credentials.
 */
import { BoundedMap } from './bounded-map';

export interface Credentials {
  readonly appKey: string;
  readonly masterSecret: string;
}

/** What a pact's valid-credential requests carry: shaped like real keys (24 alphanumerics), obviously fake. */
export const PLACEHOLDER_CREDENTIALS: Credentials = {
  appKey: 'pactPlaceholderAppKey000',
  masterSecret: 'pactPlaceholderSecret000',
};

/** What a pact's 401 interactions carry: well-formed but wrong, so the provider refuses them for real. */
export const WRONG_CREDENTIALS: Credentials = {
  appKey: 'pactWrongAppKey000000000',
  masterSecret: 'pactWrongMasterSecret000',
};

/** Matches any Basic credential, so a pact accepts the consumer's real header at consumer-test time. */
export const BASIC_AUTH_PATTERN = '^Basic [A-Za-z0-9+/]+={0,2}$';

export function basicAuth(c: Credentials): string {
  return 'Basic ' + Buffer.from(`${c.appKey}:${c.masterSecret}`).toString('base64');
}

export const ENV_APP_KEY = 'PUSH_APP_KEY';
export const ENV_MASTER_SECRET = 'PUSH_MASTER_SECRET';

/** Credentials from PUSH_APP_KEY / PUSH_MASTER_SECRET, or undefined when either is unset. */
export function credentialsFromEnv(env: Readonly<Record<string, string | undefined>>): Credentials | undefined {
  const appKey = env[ENV_APP_KEY];
  const masterSecret = env[ENV_MASTER_SECRET];
  return appKey && masterSecret ? { appKey, masterSecret } : undefined;
}

/**
 * A group's credentials (group push, the v3 group reports): the Basic username is `group-` + the group key and the password the
 * group master secret (DOCS push; JAVA GroupPushClient; PY GroupPush; EL-JAVA GroupPushApi).
 */
export interface GroupCredentials {
  readonly groupKey: string;
  readonly groupMasterSecret: string;
}

export const GROUP_USERNAME_PREFIX = 'group-';

/** What a pact's valid-credential group requests carry; the verifier swaps it for PUSH_GROUP_KEY / PUSH_GROUP_MASTER_SECRET. */
export const PLACEHOLDER_GROUP_CREDENTIALS: GroupCredentials = {
  groupKey: 'pactPlaceholderGroupKey0',
  groupMasterSecret: 'pactPlaceholderGroupSec0',
};

/** What a pact's 401 group interactions carry: well-formed but wrong. */
export const WRONG_GROUP_CREDENTIALS: GroupCredentials = {
  groupKey: 'pactWrongGroupKey0000000',
  groupMasterSecret: 'pactWrongGroupSecret0000',
};

/** A group's credentials as the Basic pair they are sent as: username `group-<groupKey>`. */
export function groupAsBasic(g: GroupCredentials): Credentials {
  return { appKey: GROUP_USERNAME_PREFIX + g.groupKey, masterSecret: g.groupMasterSecret };
}

export function groupBasicAuth(g: GroupCredentials): string {
  return basicAuth(groupAsBasic(g));
}

export const ENV_GROUP_KEY = 'PUSH_GROUP_KEY';
export const ENV_GROUP_MASTER_SECRET = 'PUSH_GROUP_MASTER_SECRET';

/** Group credentials from PUSH_GROUP_KEY / PUSH_GROUP_MASTER_SECRET, or undefined when either is unset. */
export function groupCredentialsFromEnv(env: Readonly<Record<string, string | undefined>>): GroupCredentials | undefined {
  const groupKey = env[ENV_GROUP_KEY];
  const groupMasterSecret = env[ENV_GROUP_MASTER_SECRET];
  return groupKey && groupMasterSecret ? { groupKey, groupMasterSecret } : undefined;
}

/** Every form in which a secret could leak into text: itself, and the Basic header built from it. */
export function secretForms(c: Credentials | GroupCredentials): string[] {
  const basic = 'groupKey' in c ? groupAsBasic(c) : c;
  const header = basicAuth(basic);
  return [basic.masterSecret, header.slice('Basic '.length), header];
}

const MASK = '***';

/** A run this long of any secret form is masked wherever it appears, so a cut-off copy leaks nothing usable. */
export const MIN_FRAGMENT = 8;

interface SecretWindows {
  /** Every MIN_FRAGMENT-long window of a long form; a text window equal to one is covered. */
  readonly windows: ReadonlySet<string>;
  /**
   * The first two and the next two characters of every window: a text position whose four do not start
   * one is passed without cutting out its window (most positions of a body; the cut and the lookup were a
   * probe run's largest single cost).
   */
  readonly firsts: ReadonlySet<number>;
  readonly seconds: ReadonlySet<number>;
  /** The forms shorter than MIN_FRAGMENT, masked whole. */
  readonly short: readonly string[];
}

const pair = (t: string, at: number): number => t.charCodeAt(at) * 0x10000 + t.charCodeAt(at + 1);

// The windows of the last few sets of secrets: a run masks every evidence text with the same ones, and
// building them took longer than masking a short text.
const windowsBySecrets = new BoundedMap<string, SecretWindows>(16);

function windowsOf(usable: readonly string[]): SecretWindows {
  const key = JSON.stringify(usable);
  const known = windowsBySecrets.get(key);
  if (known) return known;
  const windows = new Set<string>();
  for (const s of usable) {
    if (s.length < MIN_FRAGMENT) continue;
    for (let i = 0; i + MIN_FRAGMENT <= s.length; i++) windows.add(s.slice(i, i + MIN_FRAGMENT));
  }
  const firsts = new Set<number>();
  const seconds = new Set<number>();
  for (const w of windows) {
    firsts.add(pair(w, 0));
    seconds.add(pair(w, 2));
  }
  const made = { windows, firsts, seconds, short: usable.filter((s) => s.length < MIN_FRAGMENT) };
  windowsBySecrets.set(key, made);
  return made;
}

/**
 * Replaces every occurrence of each secret with ***, and every run of MIN_FRAGMENT or more characters
 * of a secret form at least that long (the secret itself, the base64 of `key:secret`, the Basic header):
 * a body truncated mid-credential, or a header reflected at any offset, leaves no fragment. Forms shorter
 * than MIN_FRAGMENT (but at least 4) are masked whole. Used on everything that leaves the process as
 * text: logs, reports, error messages.
 */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  const usable = secrets.filter((x) => x.length >= 4);
  if (usable.length === 0 || text.length === 0) return text;
  const { windows, firsts, seconds, short } = windowsOf(usable);
  const covered = new Uint8Array(text.length);
  if (windows.size > 0) {
    for (let i = 0; i + MIN_FRAGMENT <= text.length; i++) {
      if (!firsts.has(pair(text, i)) || !seconds.has(pair(text, i + 2))) continue;
      if (windows.has(text.slice(i, i + MIN_FRAGMENT))) covered.fill(1, i, i + MIN_FRAGMENT);
    }
  }
  for (const s of short) {
    for (let at = text.indexOf(s); at !== -1; at = text.indexOf(s, at + 1)) covered.fill(1, at, at + s.length);
  }
  const parts: string[] = [];
  let i = 0;
  while (i < text.length) {
    const start = i;
    const masked = covered[i] === 1;
    while (i < text.length && (covered[i] === 1) === masked) i++;
    parts.push(masked ? MASK : text.slice(start, i));
  }
  return parts.join('');
}

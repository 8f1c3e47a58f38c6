/**
 * Credentials: real ones come only from the environment and are injected at request time; pacts carry
 * placeholders. The verifier swaps the placeholder for the real credentials and leaves any other
 * Authorization alone, so an interaction that expects a 401 keeps its deliberately wrong credentials.
 */

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

/** Every form in which a secret could leak into text: itself, and the Basic header built from it. */
export function secretForms(c: Credentials): string[] {
  const header = basicAuth(c);
  return [c.masterSecret, header.slice('Basic '.length), header];
}

const MASK = '***';

/**
 * Replaces every occurrence of each secret (and its base64 Basic form) with ***. Used on everything
 * that leaves the process as text: logs, reports, error messages.
 */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].filter((x) => x.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(s).join(MASK);
  }
  return out;
}

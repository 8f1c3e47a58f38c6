/**
 * The evidence a verification case carries: the exchange the recorder saw, in the report's terms.
 * Only failing and warned cases carry it; the report shows evidence where there is a problem to act on.
 */
import { basicAuth, groupBasicAuth, PLACEHOLDER_CREDENTIALS, PLACEHOLDER_GROUP_CREDENTIALS } from '../credentials';
import { buildEvidence, type EvidenceAuth } from '../report/evidence';
import { caseVerdict, type ReportCase } from '../report/model';
import type { ExchangeEvent } from './recorder';

/**
 * How the recorded request authenticated: the pact's placeholder, swapped for the run's credentials,
 * is shown as the environment variables; any other value came from the pact itself and is no secret.
 */
function authOf(e: ExchangeEvent, credentialsInjected: boolean): EvidenceAuth {
  if (e.requestAuthorization === undefined) return { kind: 'none' };
  const placeholder = e.requestAuthorization === basicAuth(PLACEHOLDER_CREDENTIALS) || e.requestAuthorization === groupBasicAuth(PLACEHOLDER_GROUP_CREDENTIALS);
  if (credentialsInjected && placeholder) return { kind: 'environment' };
  return { kind: 'literal', value: e.requestAuthorization };
}

export function withEvidence(c: ReportCase, e: ExchangeEvent | undefined, providerBaseUrl: string, credentialsInjected: boolean, secrets: readonly string[]): ReportCase {
  if (!e || (caseVerdict(c) === 'passed' && c.findings.length === 0)) return c;
  const evidence = buildEvidence(
    {
      baseUrl: providerBaseUrl,
      method: e.method,
      path: e.path,
      query: e.query || undefined,
      requestHeaders: e.requestHeaders,
      requestBody: e.requestBody,
      auth: authOf(e, credentialsInjected),
      response: e.response,
    },
    secrets,
  );
  return { ...c, evidence };
}

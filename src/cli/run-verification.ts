/**
 * One verification as the CLI runs it: credentials from the environment, the embedded reference
 * service when no provider URL is given, reports written, a summary printed, an exit code computed.
 * Shared by `verify` and `start`. It sits above both the verifier and the service, so the verifier
 * itself never depends on the reference service: it verifies whatever provider URL it is given.
 */
import { credentialsFromEnv, groupCredentialsFromEnv, maskSecrets, secretForms, type Credentials, type GroupCredentials } from '../credentials';
import type { RulePolicy } from '../audit/policy';
import { isPushContractsError } from '../errors';
import { renderSummary } from '../report/summary';
import { writeReports, type ReportTargets, type WrittenReports } from '../report/write';
import { DEMO_CREDENTIALS, DEMO_GROUP_CREDENTIALS, EMBEDDED_DEADLINE_MS, PROVIDER_STATES_PATH, startReferenceService } from '../service';
import type { InteractionFilter } from '../verifier/pacts';
import { verifyProvider, type PactSource, type Shard, type VerifyResult } from '../verifier/verify';
import { progressDisplay } from './progress';

export interface VerificationRunOptions {
  /** Absent: start the embedded reference service (provider states enabled) and verify it. */
  readonly providerBaseUrl?: string;
  readonly providerStatesSetupUrl?: string;
  readonly sources: readonly PactSource[];
  readonly filter?: InteractionFilter;
  readonly timeoutMs?: number;
  readonly rules?: RulePolicy;
  readonly reports: ReportTargets;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where the Rust verifier's own report goes (masked); discarded when absent. */
  readonly pactOutput?: (line: string) => void;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** stderr is a terminal (live progress line); otherwise a progress line every 10 % or 10 s. */
  readonly stderrIsTTY?: boolean;
  /** No progress display. */
  readonly quiet?: boolean;
  readonly maxDurationMs?: number;
  readonly shard?: Shard;
  readonly failFastAfter?: number;
}

export interface VerificationRunResult {
  readonly exitCode: number;
  readonly result?: VerifyResult;
  readonly reports?: WrittenReports;
}

/** Runs, reports, prints; never throws (a usage or infrastructure error becomes one line and exit 2). */
export async function runVerification(o: VerificationRunOptions): Promise<VerificationRunResult> {
  const envCredentials = credentialsFromEnv(o.env);
  const embedded = o.providerBaseUrl === undefined;
  const credentials: Credentials | undefined = envCredentials ?? (embedded ? DEMO_CREDENTIALS : undefined);
  const envGroup = groupCredentialsFromEnv(o.env);
  const groupCredentials: GroupCredentials | undefined = envGroup ?? (embedded ? DEMO_GROUP_CREDENTIALS : undefined);
  const secrets = [envCredentials, envGroup].flatMap((c) => (c ? secretForms(c) : []));
  const mask = (t: string): string => maskSecrets(t, secrets);
  let service: Awaited<ReturnType<typeof startReferenceService>> | undefined;
  // The verifier's own report (--pact-output) shares stderr; a live line would tear through it.
  const progress = o.quiet || o.pactOutput ? undefined : progressDisplay({ write: o.stderr, tty: o.stderrIsTTY === true });
  try {
    if (embedded) {
      // The embedded dispatcher is in-process on loopback: its deadline is chosen from the measured
      // healthy hop latency under load (see EMBEDDED_DEADLINE_MS), so only the slow-dispatcher cases miss it.
      service = await startReferenceService({ port: 0, enableProviderStates: true, credentials, group: groupCredentials, dispatcher: { deadlineMs: EMBEDDED_DEADLINE_MS } });
      o.stderr(`started the embedded reference service at ${service.url}\n`);
    }
    const result = await verifyProvider({
      providerBaseUrl: service?.url ?? (o.providerBaseUrl as string),
      providerStatesSetupUrl: service ? service.url + PROVIDER_STATES_PATH : o.providerStatesSetupUrl,
      sources: o.sources,
      filter: o.filter,
      timeoutMs: o.timeoutMs,
      credentials,
      groupCredentials,
      rules: o.rules,
      log: (line) => o.stderr(mask(line) + '\n'),
      pactOutput: o.pactOutput && ((line) => o.pactOutput?.(mask(line))),
      onProgress: progress && ((p) => progress.update(p)),
      maxDurationMs: o.maxDurationMs,
      shard: o.shard,
      failFastAfter: o.failFastAfter,
    }).finally(() => progress?.end());
    o.stdout(mask(renderSummary(result.model)));
    const reports = writeReports(result.model, o.reports, secrets);
    const paths = [...reports.junit, reports.html, reports.json].filter((p): p is string => p !== undefined);
    if (paths.length > 0) o.stdout(`reports:\n${paths.map((p) => `  ${p}\n`).join('')}`);
    for (const p of result.infrastructure) o.stderr(mask(`push-contracts: ${p.code}: ${p.message}\n`));
    return { exitCode: result.exitCode, result, reports };
  } catch (err) {
    if (isPushContractsError(err)) {
      o.stderr(mask(`push-contracts: ${err.code}: ${err.message}\n`));
      return { exitCode: err.exitCode };
    }
    o.stderr(mask(`push-contracts: ${(err as Error).message ?? String(err)}\n`));
    return { exitCode: 2 };
  } finally {
    await service?.close();
  }
}

/**
 * For a test file that verifies many times: its verifications reuse idle verifier processes (node,
 * pact-core and pact's native library started once, 0.4-0.8 s of CPU each) instead of starting their own
 * per run; each run still gets them to itself, started with the same environment (src/verifier/native.ts).
 * The processes end after the file's last test.
 */
import { shareVerifierProcesses } from '../src/verifier/native';

export function shareVerifierProcessesInThisFile(): void {
  const shared = shareVerifierProcesses();
  afterAll(() => shared.close());
}

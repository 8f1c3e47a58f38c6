/**
 * The reference service the over-HTTP service tests share: provider states on, and a dispatcher deadline
 * no healthy job misses even on a loaded CI machine, so only the slow-dispatcher state goes past it.
 */
import { startReferenceService, type ReferenceService } from '../src/service';

export function startStatefulService(): Promise<ReferenceService> {
  return startReferenceService({ enableProviderStates: true, dispatcher: { deadlineMs: 1000 } });
}

export { verifyProvider, loadPacts, describeSource, DEFAULT_TIMEOUT_MS } from './verify';
export type { VerifyOptions, VerifyResult, PactSource, InfrastructureProblem } from './verify';
export { parsePact, type PactInteraction, type LoadedPact, type InteractionFilter } from './pacts';
export { startRecorder, type Recorder, type RecordedEvent } from './recorder';

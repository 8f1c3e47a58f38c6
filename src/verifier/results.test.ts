import { errorsFor, parseVerifierResults, reportedOk } from './results';

// Shapes as pact-core 19.2 / libpact_ffi return them (captured from real runs).
const failed = JSON.stringify({
  errors: [
    { interaction: 'Verifying a pact between c1 and jpush-v3 - cid bad', mismatch: { interactionId: '', mismatches: [{ actual: 200, expected: 400, mismatch: 'expected 400 but was 200', type: 'StatusMismatch' }, { path: '$.error', mismatch: 'Actual map is missing the following keys: error', type: 'BodyMismatch' }], type: 'mismatches' } },
    { interaction: 'Verifying a pact between c1 and jpush-v3 Given a device exists - push ok', mismatch: { interactionId: '', message: 'One or more of the setup state change handlers has failed', type: 'error' } },
  ],
  interactionResults: [{ description: 'push ok', duration: '1.1s', result: 'Error' }, { description: 'cid bad', duration: '21ms', result: 'Error' }],
  notices: [],
  output: [],
  pendingErrors: [],
  result: false,
});

describe('parseVerifierResults', () => {
  it('reads per-interaction mismatches and state-setup failures', () => {
    const r = parseVerifierResults(failed);
    expect(r.parsed).toBe(true);
    expect(r.result).toBe(false);
    expect(errorsFor(r, { consumer: 'c1', provider: 'jpush-v3', description: 'cid bad', providerStates: [] })).toEqual([
      expect.objectContaining({ messages: ['StatusMismatch: expected 400 but was 200', 'BodyMismatch at $.error: Actual map is missing the following keys: error'], stateSetupFailed: false }),
    ]);
    expect(errorsFor(r, { consumer: 'c1', provider: 'jpush-v3', description: 'push ok', providerStates: ['a device exists'] })[0].stateSetupFailed).toBe(true);
    expect(errorsFor(r, { consumer: 'c2', provider: 'jpush-v3', description: 'cid bad', providerStates: [] })).toEqual([]);
    expect(r.interactionResults).toEqual([{ description: 'push ok', ok: false }, { description: 'cid bad', ok: false }]);
  });

  it('reads a pending interaction\'s failure from pendingErrors, marked pending, while the verifier\'s result stays true', () => {
    // As pact_verifier writes it for a pact the broker marked pending (verification_result.rs): same shape as errors.
    const pending = JSON.stringify({
      errors: [],
      pendingErrors: [{ interaction: 'Verifying a pact between c1 and push-api Given a device exists - push bad', mismatch: { interactionId: 'b1', mismatches: [{ actual: 400, expected: 404, mismatch: 'expected 404 but was 400', type: 'StatusMismatch' }], type: 'mismatches' } }],
      interactionResults: [{ interactionId: 'b1', description: 'push bad', duration: '30ms', result: 'Error' }],
      notices: [],
      output: [],
      result: true,
    });
    const r = parseVerifierResults(pending);
    expect(r.result).toBe(true);
    expect(errorsFor(r, { consumer: 'c1', provider: 'push-api', description: 'push bad', providerStates: ['a device exists'], id: 'b1' })).toEqual([
      { interaction: 'Verifying a pact between c1 and push-api Given a device exists - push bad', messages: ['StatusMismatch: expected 404 but was 400'], stateSetupFailed: false, pending: true, interactionId: 'b1' },
    ]);
    expect(parseVerifierResults(failed).errors.every((e) => !e.pending)).toBe(true);
  });

  it('says whether the verifier\'s result list has the interaction OK, as an error, or not at all', () => {
    const r = parseVerifierResults(JSON.stringify({ errors: [], interactionResults: [{ description: 'a', result: 'OK' }, { description: 'b', result: 'Error' }, { interactionId: 'x1', description: 'c', result: 'Error' }] }));
    expect(reportedOk(r, { description: 'a' })).toBe(true);
    expect(reportedOk(r, { description: 'b' })).toBe(false);
    expect(reportedOk(r, { description: 'c', id: 'x1' })).toBe(false);
    expect(reportedOk(r, { description: 'c', id: 'x2' })).toBeUndefined();
    expect(reportedOk(r, { description: 'never run' })).toBeUndefined();
  });

  it('does not crash on text that is not the JSON result', () => {
    expect(parseVerifierResults('Verification was unable to run')).toEqual({ parsed: false, errors: [], interactionResults: [], raw: 'Verification was unable to run' });
    expect(parseVerifierResults(undefined).parsed).toBe(false);
    expect(parseVerifierResults('{"errors":[42,{"interaction":1}],"interactionResults":"x"}')).toMatchObject({ parsed: true, interactionResults: [] });
  });
});

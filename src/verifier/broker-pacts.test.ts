import { verifiedPactUrls } from './broker-pacts';
import { errorsFor, parseVerifierResults, wasVerified } from './results';

describe('verifiedPactUrls', () => {
  it('takes the pact URLs from the broker notices in verification order, webhook URLs first, without repeats', () => {
    const notices = [
      'The pact at http://b/pacts/provider/P/consumer/C/pact-version/aa/metadata/m1 is being verified because it matches: latest from the main branch',
      'This pact is being verified because it is pending.',
      'The pact at http://b/pacts/provider/P/consumer/D/pact-version/bb/metadata/dz10cnVl is being verified because it is a work in progress pact.',
      'The pact at http://b/pacts/provider/P/consumer/C/pact-version/aa/metadata/m1 is being verified because it matches: latest from the main branch',
    ];
    expect(verifiedPactUrls({ pactUrls: ['http://b/pacts/provider/P/consumer/E/pact-version/cc'] }, notices)).toEqual([
      'http://b/pacts/provider/P/consumer/E/pact-version/cc',
      'http://b/pacts/provider/P/consumer/C/pact-version/aa/metadata/m1',
      'http://b/pacts/provider/P/consumer/D/pact-version/bb/metadata/dz10cnVl',
    ]);
  });

  it('finds no pact when the broker named none', () => {
    expect(verifiedPactUrls({}, ['There are no pacts to verify.'])).toEqual([]);
  });
});

describe('results of broker pacts', () => {
  it('belong to the interaction whose _id they carry, whatever the description says', () => {
    const r = parseVerifierResults(JSON.stringify({
      result: false,
      errors: [{ interaction: 'Verifying a pact between C and P - the tag list', mismatch: { type: 'mismatches', interactionId: 'id-2', mismatches: [{ type: 'StatusMismatch', mismatch: 'expected 200 but was 401' }] } }],
      interactionResults: [{ interactionId: 'id-2', description: 'the tag list', result: 'Error' }, { interactionId: 'id-3', description: 'the tag list', result: 'OK' }],
    }));
    const same = { consumer: 'C', provider: 'P', description: 'the tag list', providerStates: [] };
    expect(errorsFor(r, { ...same, id: 'id-2' }).map((e) => e.messages)).toEqual([['StatusMismatch: expected 200 but was 401']]);
    expect(errorsFor(r, { ...same, id: 'id-3' })).toEqual([]);
    expect(wasVerified(r, { description: 'the tag list', id: 'id-1' })).toBe(false);
    expect(wasVerified(r, { description: 'the tag list', id: 'id-3' })).toBe(true);
  });
});

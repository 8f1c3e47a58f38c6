import { pactLoadFailures } from './load-failures';

const load = (message: string) => [{ interaction: 'Failed to load pact', messages: [message] }];

describe('pactLoadFailures', () => {
  it('names refused credentials, an unreachable broker, a 5xx, and no pacts at all', () => {
    expect(pactLoadFailures(load("IO Error - Request to pact broker path '' failed: 401 Unauthorized."))[0]).toMatchObject({ code: 'PC_ERR_BROKER_UNAUTHORIZED', infrastructure: true });
    expect(pactLoadFailures(load("IO Error - Failed to access pact broker path '' - error sending request"))[0]).toMatchObject({ code: 'PC_ERR_BROKER_UNREACHABLE', infrastructure: true });
    expect(pactLoadFailures(load("failed: 503 Service Unavailable."))[0]).toMatchObject({ code: 'PC_ERR_BROKER_UNREACHABLE', infrastructure: true });
    expect(pactLoadFailures(load("No pacts found for provider 'push-api' matching the given consumer version selectors"))[0]).toMatchObject({ code: 'PC_ERR_BROKER_REJECTED', infrastructure: false });
  });

  it('leaves interaction failures to the verification', () => {
    expect(pactLoadFailures([{ interaction: 'Verifying a pact between c and p - d', messages: ['failed: 401'] }])).toEqual([]);
  });
});

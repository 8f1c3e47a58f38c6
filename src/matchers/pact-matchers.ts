/**
 * pact-js's MatchersV3, loaded when the first matcher is built. Its module requires ramda's index (367
 * modules, about 70 ms of CPU in plain node), which the CLI and the verifier's child processes paid at
 * start even for commands that build no matcher. Node caches the module, so it is loaded once a process.
 */
export function matchersV3(): typeof import('@pact-foundation/pact/src/v3/matchers') {
  return require('@pact-foundation/pact/src/v3/matchers') as typeof import('@pact-foundation/pact/src/v3/matchers');
}

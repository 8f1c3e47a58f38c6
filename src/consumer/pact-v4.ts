import type { PactV4 } from '@pact-foundation/pact';

/**
 * A pact-js PactV4, its package loaded when the first pact is made. The package root loads pact's whole
 * tree (the native core, graphql, axios, express, pino, ramda...): about 0.3 s of CPU in plain node and
 * 0.5 s in each jest test file, which every module that imported it paid, the CLI with all its commands
 * included, whether it made a pact or not. Node caches the module, so the price is paid once a process.
 */
export function newPactV4(options: ConstructorParameters<typeof PactV4>[0]): PactV4 {
  // Its v4 module, not the root: the same PactV4 class without the root's v2/v3 DSLs, message pacts,
  // express and axios (plain node: 490 -> 300 ms of CPU, 848 -> 644 modules).
  const v4 = require('@pact-foundation/pact/src/v4') as typeof import('@pact-foundation/pact/src/v4');
  return new v4.PactV4(options);
}

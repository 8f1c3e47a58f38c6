/** Runs the CLI from source in a child process (tests that must see everything a process prints). */
import { main } from '../src/cli/main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    process.stderr.write(`push-contracts: ${err.message}\n`);
    process.exitCode = 2;
  },
);

import type { Command } from 'commander';
import { PushContractsError } from '../errors';
import { BROKER_ENV, DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS, type BrokerConfigOverrides } from './config';

/** The options every broker command shares; credentials are deliberately not among them (env only). */
export function addBrokerOptions(cmd: Command): Command {
  return cmd
    .option('--broker-url <url>', `Pact Broker base URL (default: $${BROKER_ENV.baseUrl})`)
    .option('--retries <n>', `HTTP retries on 5xx, 408, 429 and connection errors, with back-off from 0.5 s (default: $${BROKER_ENV.retries} or ${DEFAULT_RETRIES})`)
    .option('--timeout <ms>', `give up after this many milliseconds, whatever the broker does (default: ${DEFAULT_TIMEOUT_MS})`);
}

export interface BrokerFlags {
  readonly brokerUrl?: string;
  readonly retries?: string;
  readonly timeout?: string;
}

function integer(raw: string, flag: string): number {
  if (!/^\d+$/.test(raw)) throw new PushContractsError('PC_ERR_USAGE', `${flag} must be a whole number, got '${raw}'`);
  return Number(raw);
}

export function brokerOverrides(flags: BrokerFlags): BrokerConfigOverrides {
  let timeoutMs: number | undefined;
  if (flags.timeout !== undefined) {
    // Milliseconds, like verify's --timeout.
    if (!/^[1-9][0-9]*$/.test(flags.timeout)) throw new PushContractsError('PC_ERR_USAGE', `--timeout must be a positive number of milliseconds, got '${flags.timeout}'`);
    timeoutMs = Number(flags.timeout);
  }
  return {
    baseUrl: flags.brokerUrl,
    retries: flags.retries === undefined ? undefined : integer(flags.retries, '--retries'),
    timeoutMs,
  };
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export { integer as parseWholeNumber };

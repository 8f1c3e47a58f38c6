/**
 * push-contracts' own error catalogue. Every failure the toolkit reports to a user is one of these
 * codes; docs/errors.md lists them and a test keeps the two in sync. Exit code 2 is usage or
 * infrastructure; contract and policy violations are findings, not errors, and exit with 1.
 */
export const errorCodes = {
  PC_ERR_CONTRACTS_INVALID: { exitCode: 2, summary: 'A contracts/ file is missing, is not JSON, or breaks its meta-schema.' },
  PC_ERR_CONTRACTS_INCONSISTENT: { exitCode: 2, summary: 'The contracts/ files contradict each other (consistency check).' },
  PC_ERR_UNKNOWN_SCHEMA: { exitCode: 2, summary: 'A schema $id was asked for that contracts/ does not define.' },
  PC_ERR_UNKNOWN_ENDPOINT: { exitCode: 2, summary: 'An endpoint id that the catalogue of the API does not define.' },
  PC_ERR_EXAMPLE_INVALID: { exitCode: 2, summary: 'An example given to a matcher builder does not validate against its schema.' },
  PC_ERR_NOT_CATALOGUED: { exitCode: 2, summary: 'An (api, endpoint, status) combination the catalogue does not allow.' },
  PC_ERR_USAGE: { exitCode: 2, summary: 'A command line option is unknown, missing or malformed.' },
  PC_ERR_PACT_MALFORMED: { exitCode: 2, summary: 'A pact file is not JSON or is not a pact.' },
  PC_ERR_PROVIDER_UNREACHABLE: { exitCode: 2, summary: 'The provider under test could not be reached.' },
  PC_ERR_PROVIDER_TIMEOUT: { exitCode: 2, summary: 'The provider did not answer within the timeout.' },
  PC_ERR_STATE_SETUP_FAILED: { exitCode: 1, summary: 'A provider state could not be set up; the interactions that need it fail.' },
  PC_ERR_UNKNOWN_STATE: { exitCode: 2, summary: 'A provider state that provider-states.json does not define.' },
  PC_ERR_CREDENTIALS_MISSING: { exitCode: 2, summary: 'PUSH_APP_KEY / PUSH_MASTER_SECRET are needed and not set.' },
  PC_ERR_BROKER_UNREACHABLE: { exitCode: 2, summary: 'The Pact Broker could not be reached or answered 5xx after the bounded retries.' },
  PC_ERR_BROKER_UNAUTHORIZED: { exitCode: 2, summary: 'The Pact Broker refused the credentials (401/403); not retried.' },
  PC_ERR_BROKER_REJECTED: { exitCode: 2, summary: 'The Pact Broker refused the request for another reason (unknown version or environment, invalid publication).' },
  PC_ERR_RESULTS_NOT_PUBLISHED: { exitCode: 2, summary: 'verify --publish could not record the verification results, provider branch or tags in the Pact Broker.' },
  PC_ERR_PUBLISH_REFUSED: { exitCode: 1, summary: 'The pre-publish policy check found pacts that break the policy; nothing was published.' },
  PC_ERR_SERVICE_START: { exitCode: 2, summary: 'The reference service could not start (port in use, bad options).' },
  PC_ERR_MAX_DURATION: { exitCode: 2, summary: 'A verification ran past its --max-duration and was stopped.' },
  PC_ERR_OPENAPI_INVALID: { exitCode: 2, summary: 'A document given to lint-openapi cannot be read, is neither JSON nor YAML, or is not an OpenAPI 3.0/3.1 document with operations.' },
  PC_ERR_CONFIG_INVALID: { exitCode: 2, summary: 'push-contracts.config.json (or package.json#push-contracts) is not JSON, breaks its schema or names an unknown rule.' },
  PC_ERR_ADAPTER: { exitCode: 2, summary: 'A matrix adapter module could not be loaded or is not a valid MatrixAdapter.' },
} as const;

export type ErrorCode = keyof typeof errorCodes;

/** Extra context carried by an error; rendered to text only at the edge (CLI, reports). */
export interface ErrorContext {
  readonly file?: string;
  readonly pointer?: string;
  readonly state?: string;
  readonly url?: string;
  readonly [key: string]: unknown;
}

export class PushContractsError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}) {
    super(message);
    this.name = 'PushContractsError';
    this.code = code;
    this.context = context;
  }

  get exitCode(): number {
    return errorCodes[this.code].exitCode;
  }
}

export function isPushContractsError(err: unknown): err is PushContractsError {
  return err instanceof PushContractsError;
}

export { publishPacts, canIDeploy, recordDeployment } from './operations';
export type {
  BrokerContext, PublishOptions, PublishResult, CanIDeployOptions, CanIDeployResult, MatrixRow, RecordDeploymentOptions, RecordDeploymentResult,
} from './operations';
export { checkPactsForPublish, exchangeOf, listPactFiles, renderOffence, secretsFromEnv } from './prepublish';
export type { PrepublishReport, PrepublishOptions, PublishOffence, PactFileSummary, NamedSecret } from './prepublish';
export { brokerConfig, brokerSecrets, BROKER_ENV, DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS as DEFAULT_BROKER_TIMEOUT_MS } from './config';
export type { BrokerConfig, BrokerAuth, BrokerConfigOverrides } from './config';
export { gitFacts, type GitFacts } from './git';

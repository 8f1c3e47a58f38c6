/**
 * push-contracts/broker, for release pipelines: publish pacts after the policy pre-check, ask
 * can-i-deploy, record deployments, all through the official pact-broker client.
 */
export { publishPacts, canIDeploy, recordDeployment, checkPactsForPublish, renderOffence, brokerConfig, BROKER_ENV } from '../broker';
export type {
  BrokerContext, PublishOptions, PublishResult, CanIDeployOptions, CanIDeployResult, MatrixRow, RecordDeploymentOptions, RecordDeploymentResult,
  PrepublishReport, PrepublishOptions, PublishOffence, BrokerConfig, BrokerAuth, BrokerConfigOverrides,
} from '../broker';

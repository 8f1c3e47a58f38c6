/**
 * The provider states of the Pact Broker's own contract tests, set up on the broker double as the
 * broker's spec/service_consumers/shared_provider_states.rb sets them up on a real broker (through its
 * TestDataBuilder), plus the states of the verify-flow fixture (broker-pacts/verify-flow.json).
 * Each runs on an empty broker. A state not listed here is refused, so an interaction whose state
 * nobody set up fails instead of passing against whatever the broker happened to hold.
 */
import type { BrokerSeed } from './broker-double';

/** TestDataBuilder's chain: it remembers the consumer, provider, versions and pact it last touched. */
class Builder {
  private consumer = '';
  private provider = '';
  private consumerVersion = '';
  private pactSha = '';
  private revision = 0;
  private pacticipantVersion: { name: string; number: string } | undefined;

  constructor(private readonly seed: BrokerSeed) {}

  createConsumer(name: string, fields?: { repositoryUrl?: string }): this {
    this.seed.pacticipant(name, fields);
    this.consumer = name;
    this.pacticipantVersion = undefined;
    return this;
  }

  createProvider(name: string, fields?: { repositoryUrl?: string }): this {
    this.seed.pacticipant(name, fields);
    this.provider = name;
    return this;
  }

  /** create_pricing_service: the provider the broker client's pact talks about, with its repository URL. */
  createPricingService(): this {
    return this.createProvider('Pricing Service', { repositoryUrl: 'git@git.realestate.com.au:business-systems/pricing-service' });
  }

  createConsumerVersion(number: string, fields?: { branch?: string }): this {
    this.seed.version(this.consumer, number, fields);
    this.consumerVersion = number;
    this.pacticipantVersion = { name: this.consumer, number };
    return this;
  }

  createConsumerVersionTag(tag: string): this {
    this.seed.version(this.consumer, this.consumerVersion, { tags: [tag] });
    return this;
  }

  createProviderVersion(number: string, fields?: { branch?: string }): this {
    this.seed.version(this.provider, number, fields);
    this.pacticipantVersion = { name: this.provider, number };
    return this;
  }

  /** use_provider_version: later tags go to this version of the provider. */
  useProviderVersion(number: string): this {
    this.pacticipantVersion = { name: this.provider, number };
    return this;
  }

  createProviderVersionTag(tag: string): this {
    if (!this.pacticipantVersion) throw new Error('no version to tag');
    this.seed.version(this.pacticipantVersion.name, this.pacticipantVersion.number, { tags: [tag] });
    return this;
  }

  createPact(): this {
    this.revision = 0;
    this.pactSha = this.seed.pact(this.consumer, this.consumerVersion, this.provider, this.content());
    return this;
  }

  createPactWithHierarchy(consumer: string, consumerVersion: string, provider: string): this {
    return this.createConsumer(consumer).createProvider(provider).createConsumerVersion(consumerVersion).createPact();
  }

  /** revise_pact: new content for the same consumer version; later verifications are of the revision. */
  revisePact(): this {
    this.revision += 1;
    this.pactSha = this.seed.pact(this.consumer, this.consumerVersion, this.provider, this.content());
    return this;
  }

  createVerification(providerVersion: string, success = true, fields?: { wip?: boolean }): this {
    this.seed.verification(this.pactSha, providerVersion, success, fields);
    return this;
  }

  createEnvironment(name: string, fields?: { uuid?: string; contacts?: Array<{ name: string; details?: Record<string, string> }> }): this {
    this.seed.environment(name, fields);
    return this;
  }

  createDeployedVersionForConsumerVersion(environment: string, fields: { uuid: string; target?: string }): this {
    this.seed.deployment(this.consumer, this.consumerVersion, environment, { uuid: fields.uuid, applicationInstance: fields.target });
    return this;
  }

  /** create_deployed_version_for_provider_version: the provider version last touched now runs in the environment. */
  createDeployedVersionForProviderVersion(number: string, environment: string): this {
    this.seed.deployment(this.provider, number, environment);
    return this;
  }

  private content(): Record<string, unknown> {
    return {
      consumer: { name: this.consumer },
      provider: { name: this.provider },
      interactions: [{ description: `a request (revision ${this.revision}) from ${this.consumer} ${this.consumerVersion}`, request: { method: 'GET', path: '/' }, response: { status: 200 } }],
      metadata: { pactSpecification: { version: '2.0.0' } },
    };
  }
}

const FOO_SHA = '5556b8149bf8bac76bc30f50a8a2dd4c22c85f30';

/** shared_provider_states of spec/service_consumers/shared_provider_states.rb, one set-up each. */
const SHARED: Record<string, (b: Builder) => unknown> = {
  "'Condor' exists in the pact-broker with the latest tagged 'production' version 1.2.3": (b) =>
    b.createConsumer('Condor').createConsumerVersion('1.2.3').createConsumerVersionTag('production').createConsumerVersion('2.0.0'),
  "'Condor' exists in the pact-broker with the latest version 1.2.3": (b) => b.createConsumer('Condor').createConsumerVersion('1.0.0').createConsumerVersion('1.2.3'),
  "the 'Pricing Service' and 'Condor' already exist in the pact-broker": (b) => b.createConsumer('Condor').createProvider('Pricing Service'),
  'the pact for Foo Thing version 1.2.3 has been verified by Bar version 4.5.6': (b) =>
    b.createPactWithHierarchy('Foo Thing', '1.2.3', 'Bar').revisePact().createVerification('4.5.6').createVerification('7.8.9')
      .createConsumerVersion('2.0.0').createPact().revisePact().createVerification('4.5.6'),
  'the pact for Foo version 1.2.3 has been verified by Bar version 4.5.6': (b) =>
    b.createPactWithHierarchy('Foo', '1.2.3', 'Bar').revisePact().createVerification('4.5.6').createVerification('7.8.9')
      .createConsumerVersion('2.0.0').createPact().revisePact().createVerification('4.5.6'),
  'the pact for Foo version 1.2.3 and 1.2.4 has been verified by Bar version 4.5.6': (b) =>
    b.createPactWithHierarchy('Foo', '1.2.3', 'Bar').revisePact().createVerification('4.5.6')
      .createConsumerVersion('1.2.4').createPact().revisePact().createVerification('4.5.6'),
  'the pact for Foo version 1.2.3 has been successfully verified by Bar version 4.5.6, and 1.2.4 unsuccessfully by 9.9.9': (b) =>
    b.createPactWithHierarchy('Foo', '1.2.3', 'Bar').revisePact().createVerification('4.5.6')
      .createConsumerVersion('1.2.4').createPact().revisePact().createVerification('9.9.9', false),
  'the pact for Foo version 1.2.3 has been successfully verified by Bar version 4.5.6 with tag prod, and 1.2.4 unsuccessfully by 9.9.9': (b) =>
    b.createPactWithHierarchy('Foo', '1.2.3', 'Bar').revisePact().createVerification('4.5.6').useProviderVersion('4.5.6').createProviderVersionTag('prod')
      .createConsumerVersion('1.2.4').createPact().revisePact().createVerification('9.9.9', false),
  'the pact for Foo version 1.2.3 has been verified by Bar version 4.5.6 and version 5.6.7': (b) =>
    b.createPactWithHierarchy('Foo', '1.2.3', 'Bar').revisePact().createVerification('4.5.6').createVerification('5.6.7'),
  'the pact for Foo version 1.2.3 has been successfully verified by Bar version 4.5.6 (tagged prod) and version 5.6.7': (b) =>
    b.createPactWithHierarchy('Foo', '1.2.3', 'Bar').createVerification('4.5.6').useProviderVersion('4.5.6').createProviderVersionTag('prod').createVerification('5.6.7'),
  "the 'Pricing Service' already exists in the pact-broker": (b) => b.createPricingService().createProviderVersion('1.3.0'),
  'a pact between Condor and the Pricing Service exists': (b) => b.createConsumer('Condor').createConsumerVersion('1.3.0').createPricingService().createPact(),
  "the 'Pricing Service' and 'Condor' already exist in the pact-broker, and Condor already has a pact published for version 1.3.0": (b) =>
    b.createConsumer('Condor').createConsumerVersion('1.3.0').createPricingService().createPact(),
  "'Condor' already exist in the pact-broker, but the 'Pricing Service' does not": (b) => b.createConsumer('Condor'),
  "'Condor' exists in the pact-broker": (b) => b.createConsumer('Condor').createConsumerVersion('1.3.0'),
  "'Condor' exists in the pact-broker with version 1.3.0, tagged with 'prod'": (b) => b.createConsumer('Condor').createConsumerVersion('1.3.0').createConsumerVersionTag('prod'),
  'a pact between Condor and the Pricing Service exists for the production version of Condor': (b) =>
    b.createConsumer('Condor').createConsumerVersion('1.3.0').createConsumerVersionTag('prod').createProvider('Pricing Service').createPact(),
  'a latest pact between Condor and the Pricing Service exists': (b) => b.createConsumer('Condor').createConsumerVersion('1.3.0').createProvider('Pricing Service').createPact(),
  'tagged as prod pact between Condor and the Pricing Service exists': (b) =>
    b.createConsumer('Condor').createConsumerVersion('1.3.0').createConsumerVersionTag('prod').createProvider('Pricing Service').createPact(),
  'a pacticipant with name Foo exists': (b) => b.createConsumer('Foo'),
  'version 26f353580936ad3b9baddb17b00e84f33c69e7cb of pacticipant Foo does exist': (b) => b.createConsumer('Foo').createConsumerVersion('26f353580936ad3b9baddb17b00e84f33c69e7cb'),
  'provider Bar version 4.5.6 has a successful verification for Foo version 1.2.3 tagged prod and a failed verification for version 3.4.5 tagged prod': (b) =>
    b.createConsumer('Foo').createProvider('Bar').createConsumerVersion('1.2.3').createConsumerVersionTag('prod').createPact().createVerification('4.5.6')
      .createConsumerVersion('3.4.5').createConsumerVersionTag('prod').createPact().createVerification('4.5.6', false),
  'an environment exists': (b) => b.createEnvironment('test', { contacts: [{ name: 'foo', details: { emailAddress: 'foo@bar.com' } }] }),
  [`version ${FOO_SHA} of pacticipant Foo exists with a test environment available for release`]: (b) =>
    b.createEnvironment('test', { uuid: 'cb632df3-0a0d-4227-aac3-60114dd36479' }).createConsumer('Foo').createConsumerVersion(FOO_SHA),
  'an environment with name test and UUID 16926ef3-590f-4e3f-838e-719717aa88c9 exists': (b) => b.createEnvironment('test', { uuid: '16926ef3-590f-4e3f-838e-719717aa88c9' }),
  'an version is deployed to environment with UUID 16926ef3-590f-4e3f-838e-719717aa88c9 with target customer-1': (b) =>
    b.createEnvironment('test', { uuid: '16926ef3-590f-4e3f-838e-719717aa88c9' }).createConsumer('Foo').createConsumerVersion(FOO_SHA)
      .createDeployedVersionForConsumerVersion('test', { uuid: 'ff3adecf-cfc5-4653-a4e3-f1861092f8e0', target: 'customer-1' }),
  'a currently deployed version exists': (b) =>
    b.createEnvironment('test', { uuid: 'cb632df3-0a0d-4227-aac3-60114dd36479' }).createConsumer('Foo').createConsumerVersion(FOO_SHA)
      .createDeployedVersionForConsumerVersion('test', { uuid: 'ff3adecf-cfc5-4653-a4e3-f1861092f8e0' }),
  'a branch named main exists for pacticipant Foo': (b) => b.createConsumer('Foo').createConsumerVersion('1', { branch: 'main' }),
  'an environment with name test exists': (b) => b.createEnvironment('test'),
  [`version ${FOO_SHA} of pacticipant Foo exists with a test environment available for deployment`]: (b) =>
    b.createConsumer('Foo').createConsumerVersion(FOO_SHA).createEnvironment('test', { uuid: 'cb632df3-0a0d-4227-aac3-60114dd36479' }),
  [`version ${FOO_SHA} of pacticipant Foo exists with 2 environments that aren't test available for deployment`]: (b) =>
    b.createConsumer('Foo').createConsumerVersion(FOO_SHA).createEnvironment('prod').createEnvironment('dev'),
};

/** shared_noop_provider_states: states that need an empty broker and nothing else. */
const NO_OP = new Set([
  'the pb:latest-tagged-version relation exists in the index resource',
  'the pb:latest-version relation exists in the index resource',
  `version ${FOO_SHA} of pacticipant Foo does not exist`,
  "the 'Pricing Service' does not exist in the pact-broker",
  'no pact between Condor and the Pricing Service exists',
  "'Condor' does not exist in the pact-broker",
  'no pacticipant version exists for the Pricing Service',
  'the pacticipant relations are present',
  'the pb:pacticipant-version relation exists in the index resource',
  'version 26f353580936ad3b9baddb17b00e84f33c69e7cb of pacticipant Foo does not exist',
  'the pb:publish-contracts relations exists in the index resource',
  'the pb:environments relation exists in the index resource',
  'the pb:pacticipant-branch relation exists in the index resource',
  'the pb:pacticipant-version and pb:environments relations exist in the index resource',
  'the pb:latest-pact-versions relation exists in the index resource',
  'the pb:pacticipants relation exists in the index resource',
  'the pb:pacticipant relation exists in the index resource',
  'a webhook with uuid non-existent-uuid does not exist',
]);

/** Extra states of the verify-flow fixture; see broker-pacts/README.md. */
export const VERIFY_FLOW_STATES: Record<string, (b: Builder) => unknown> = {
  'Bar exists': (b) => b.createProvider('Bar'),
  'version 2.0.0 of Bar is on branch main': (b) => b.createProvider('Bar').createProviderVersion('2.0.0', { branch: 'main' }),
  'Bar has a pact from Foo version 1.0.0 on the main branch': (b) => b.createConsumer('Foo').createProvider('Bar').createConsumerVersion('1.0.0', { branch: 'main' }).createPact(),
  'Bar has a pact from Foo version 1.0.0 on the main branch and a later one from Foo version 1.1.0 on branch feat/x': (b) =>
    b.createConsumer('Foo').createProvider('Bar').createConsumerVersion('1.0.0', { branch: 'main' }).createPact()
      .createConsumerVersion('1.1.0', { branch: 'feat/x' }).createPact(),
  // WIP as the broker decides it (pacts_for_verification_repository.rb find_wip): a verification made while
  // the pact was WIP does not take it out of WIP; one made when it was not, by this branch or by another
  // branch before this one existed, does.
  'Bar has a pact from Foo version 1.0.0 on the main branch and a later one from Foo version 1.1.0 on branch feat/x, which version 2.0.0 of Bar from branch main verified successfully as a work in progress pact': (b) =>
    b.createConsumer('Foo').createProvider('Bar').createConsumerVersion('1.0.0', { branch: 'main' }).createPact()
      .createConsumerVersion('1.1.0', { branch: 'feat/x' }).createPact()
      .createProviderVersion('2.0.0', { branch: 'main' }).createVerification('2.0.0', true, { wip: true }),
  'Bar has a pact from Foo version 1.0.0 on the main branch and a later one from Foo version 1.1.0 on branch feat/x, which version 2.0.0 of Bar from branch main verified successfully when it was not work in progress': (b) =>
    b.createConsumer('Foo').createProvider('Bar').createConsumerVersion('1.0.0', { branch: 'main' }).createPact()
      .createConsumerVersion('1.1.0', { branch: 'feat/x' }).createPact()
      .createProviderVersion('2.0.0', { branch: 'main' }).createVerification('2.0.0', true, { wip: false }),
  // can-i-deploy --to-environment: the versions on the other side of the integration are those deployed there.
  'Foo version 1.0.0 has a pact verified successfully by Bar version 2.0.0, which is deployed to production': (b) =>
    b.createPactWithHierarchy('Foo', '1.0.0', 'Bar').createVerification('2.0.0').createEnvironment('production').createDeployedVersionForProviderVersion('2.0.0', 'production'),
  'Foo version 1.0.0, deployed to production, has a pact verified successfully by Bar version 2.0.0': (b) =>
    b.createPactWithHierarchy('Foo', '1.0.0', 'Bar').createVerification('2.0.0').createEnvironment('production')
      .createDeployedVersionForConsumerVersion('production', { uuid: 'a4a0a8f2-3d6c-4f6e-9b7e-0d3c1f2e5a61' }),
  'Foo version 1.0.0 has a pact that Bar version 2.0.0, which is deployed to production, failed to verify': (b) =>
    b.createPactWithHierarchy('Foo', '1.0.0', 'Bar').createVerification('2.0.0', false).createEnvironment('production').createDeployedVersionForProviderVersion('2.0.0', 'production'),
  'Bar has a pact from Foo version 1.0.0 on the main branch, and the environment production exists': (b) =>
    b.createConsumer('Foo').createProvider('Bar').createConsumerVersion('1.0.0', { branch: 'main' }).createPact().createEnvironment('production'),
};

/** Sets up `state` on an empty broker; false when no such state is defined. */
export function setUpProviderState(seed: BrokerSeed, state: string): boolean {
  if (NO_OP.has(state)) return true;
  const setUp = SHARED[state] ?? VERIFY_FLOW_STATES[state];
  if (!setUp) return false;
  setUp(new Builder(seed));
  return true;
}

export { Builder as BrokerDataBuilder };

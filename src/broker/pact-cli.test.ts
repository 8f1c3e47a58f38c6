import { brokerConfig } from './config';
import { brokerCliInvocation } from './pact-cli';

describe('brokerCliInvocation', () => {
  it('hands credentials to the CLI in its environment, never in argv, and keeps push secrets away from it', () => {
    const env = { PATH: '/bin', PACT_BROKER_BASE_URL: 'http://b.example', PACT_BROKER_TOKEN: 'tok-123456', PUSH_MASTER_SECRET: 'push-secret-123', PACT_BROKER_USERNAME: 'ignored-user', PACT_BROKER_CAN_I_DEPLOY_IGNORE: 'legacy-app' };
    const call = brokerCliInvocation(['can-i-deploy', '--pacticipant', 'p', '--version', '1'], brokerConfig(env, { retries: 2 }), env);
    expect(call.args.join(' ')).not.toContain('tok-123456');
    expect(call.env).toMatchObject({ PACT_BROKER_BASE_URL: 'http://b.example', PACT_BROKER_TOKEN: 'tok-123456', PACT_BROKER_HTTP_RETRIES: '3', PATH: '/bin' });
    expect(call.env.PUSH_MASTER_SECRET).toBeUndefined();
    expect(call.env.PACT_BROKER_USERNAME).toBeUndefined();
    expect(call.env.PACT_BROKER_CAN_I_DEPLOY_IGNORE).toBe('legacy-app');
    expect(call.file).toMatch(/pact-cli-[a-z]+-[a-z0-9]+[\\/]standalone[\\/]pact(\.exe)?$/);
  });

  it('sends basic credentials only when no token is set', () => {
    const env = { PACT_BROKER_BASE_URL: 'http://b.example', PACT_BROKER_USERNAME: 'u', PACT_BROKER_PASSWORD: 'pw-123456' };
    const call = brokerCliInvocation(['publish'], brokerConfig(env), env);
    expect(call.env).toMatchObject({ PACT_BROKER_USERNAME: 'u', PACT_BROKER_PASSWORD: 'pw-123456' });
    expect(call.env.PACT_BROKER_TOKEN).toBeUndefined();
    expect(call.args).toEqual(['broker', 'publish']);
  });

  it('refuses a broker URL that carries credentials, and half a basic pair', () => {
    expect(() => brokerConfig({ PACT_BROKER_BASE_URL: 'http://u:p@b.example' })).toThrow(/must not carry credentials/);
    expect(() => brokerConfig({ PACT_BROKER_BASE_URL: 'http://b.example', PACT_BROKER_USERNAME: 'u' })).toThrow(/set together/);
  });
});

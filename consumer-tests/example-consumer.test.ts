/**
 * What a consumer team writes in its own jest suite: a few one-line interactions for the statuses its
 * code branches on, each asserting what its client does. (Here the "team's client" is the reference
 * client; yours goes in its place.) Writes pacts/push-contracts-example-consumer-mtpush-v4.json.
 */
import * as path from 'node:path';
import { PushApiError, PushClient } from '../src/client';
import { pushPact } from '../src/consumer';
import { PLACEHOLDER_CREDENTIALS, WRONG_CREDENTIALS } from '../src/credentials';

process.env.PACT_DO_NOT_TRACK = 'true';

const mtpush = pushPact({ consumer: 'push-contracts-example-consumer', api: 'mtpush-v4', dir: path.resolve(__dirname, '..', 'pacts') });
const noWait = async (): Promise<void> => undefined;

describe('example consumer of MTPush v4', () => {
  it('reads the msg_id of a successful push', () =>
    mtpush.interaction('push', 200).executeTest(async (mock, req) => {
      const client = new PushClient({ api: 'mtpush-v4', baseUrl: mock.url, credentials: PLACEHOLDER_CREDENTIALS });
      await expect(client.push(req.body as Record<string, unknown>)).resolves.toMatchObject({ msg_id: expect.any(String) });
    }));

  it('stops on bad credentials, without retrying', () =>
    mtpush.interaction('push', 401).executeTest(async (mock, req) => {
      const client = new PushClient({ api: 'mtpush-v4', baseUrl: mock.url, credentials: WRONG_CREDENTIALS, sleep: noWait });
      await expect(client.push(req.body as Record<string, unknown>)).rejects.toMatchObject({ status: 401, retryAdvised: false, attempts: 1 });
    }));

  it('gets the rate-limit reset out of a 429', () =>
    mtpush.interaction('tags.list', 429).executeTest(async (mock) => {
      const client = new PushClient({ api: 'mtpush-v4', baseUrl: mock.url, credentials: PLACEHOLDER_CREDENTIALS, retry: { maxRateLimitWaitMs: 0 } });
      const e = await client.listTags().catch((err: unknown) => err);
      expect(e).toBeInstanceOf(PushApiError);
      expect((e as PushApiError).retryAfterMs).toBeGreaterThan(0);
    }));

  it('treats a missing schedule as not found', () =>
    mtpush.interaction('schedules.get', 404).executeTest(async (mock, req) => {
      const client = new PushClient({ api: 'mtpush-v4', baseUrl: mock.url, credentials: PLACEHOLDER_CREDENTIALS });
      await expect(client.getSchedule(req.params.schedule_id)).rejects.toMatchObject({ status: 404 });
    }));

  it('backs off on a 503 for an idempotent read', () =>
    mtpush.interaction('device.get', 503).executeTest(async (mock, req) => {
      const waits: number[] = [];
      const client = new PushClient({
        api: 'mtpush-v4', baseUrl: mock.url, credentials: PLACEHOLDER_CREDENTIALS, retry: { maxRetries: 1 }, sleep: async (ms) => void waits.push(ms),
      });
      await expect(client.getDevice(req.params.registration_id)).rejects.toMatchObject({ status: 503, attempts: 2 });
      expect(waits).toHaveLength(1);
    }));
});

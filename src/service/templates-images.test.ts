/**
 * Scheduled template push and images by URL (v3) over real HTTP: a template schedule per entry, held apart
 * from /v3/schedules; an image registered by URL is updated channel by channel under its media_id, and an
 * unknown media_id is refused from the store's lookup, not from a switch.
 */
import { getContracts } from '../contracts';
import { basicAuth } from '../credentials';
import { DEMO_CREDENTIALS, type ReferenceService } from './index';
import { httpCall } from '../../test-support/http';
import { startStatefulService } from '../../test-support/stateful-service';

const contracts = getContracts();
const APP = { authorization: basicAuth(DEMO_CREDENTIALS) };
/** The first example of the endpoint's request body schema: the catalogue's own request. */
function example(id: string): Record<string, unknown> {
  const schema = contracts.schema(contracts.endpoint('jpush-v3', id).request.body as string) as { examples: Array<Record<string, unknown>> };
  return structuredClone(schema.examples[0]);
}
const success = (id: string, body: unknown): unknown => contracts.validate(contracts.endpoint('jpush-v3', id).success, body).errors;

describe('scheduled template push and images by URL in the reference service', () => {
  let svc: ReferenceService;

  beforeAll(async () => {
    svc = await startStatefulService();
  });
  afterAll(async () => {
    await svc.close();
  });
  beforeEach(async () => {
    await svc.reset();
  });

  it('creates one template schedule per entry, answers their ids with each trace_id, and lists none of them under /v3/schedules', async () => {
    const tpl = example('push.template-schedule') as { params: Array<Record<string, unknown>> };
    const body = { ...tpl, params: [...tpl.params, { audience: 'all', trace_id: 'trace-2' }] };
    const a = await httpCall(svc.url, 'POST', '/v3/push/template/schedule', { body, headers: APP });
    expect(a.status).toBe(200);
    expect(success('push.template-schedule', a.json)).toEqual([]);
    const list = a.json.data.schedule_list as Array<{ code: number; schedule_id: string; trace_id: string }>;
    expect(list.map((s) => [s.code, s.trace_id])).toEqual([[0, 'trace-1'], [0, 'trace-2']]);
    expect(new Set(list.map((s) => s.schedule_id)).size).toBe(2);
    expect(svc.dispatcher.store.templateSchedulesCount()).toBe(2);
    const schedules = await httpCall(svc.url, 'GET', '/v3/schedules', { headers: APP });
    expect(schedules.json.total_count).toBe(0);
  });

  it('refuses a template schedule without trigger in the flat template envelope, creating nothing', async () => {
    const { trigger: _dropped, ...body } = example('push.template-schedule');
    const a = await httpCall(svc.url, 'POST', '/v3/push/template/schedule', { body, headers: APP });
    expect(a.status).toBe(400);
    expect(a.json).toEqual({ code: contracts.codeFor('jpush-v3', 'push', 'request.missing-parameter')?.code, message: expect.any(String) });
    expect(svc.dispatcher.store.templateSchedulesCount()).toBe(0);
  });

  it('registers an image by URL under a new media_id and replaces only the channels an update names', async () => {
    const added = await httpCall(svc.url, 'POST', '/v3/images/byurls', {
      body: { image_type: 2, jiguang_image_url: 'https://img.example/a.png', xiaomi_image_url: 'https://img.example/x.png' },
      headers: APP,
    });
    expect(added.status).toBe(200);
    expect(success('images.add-by-url', added.json)).toEqual([]);
    expect(added.json).toEqual({ media_id: expect.stringMatching(/^jgmedia-2-[0-9a-f-]{36}$/), jiguang_image_url: 'https://img.example/a.png', xiaomi_image_url: 'https://img.example/x.png' });
    const updated = await httpCall(svc.url, 'PUT', `/v3/images/byurls/${added.json.media_id}`, { body: { jiguang_image_url: 'https://img.example/b.png' }, headers: APP });
    expect(updated.status).toBe(200);
    expect(success('images.update-by-url', updated.json)).toEqual([]);
    expect(updated.json).toEqual({ media_id: added.json.media_id, jiguang_image_url: 'https://img.example/b.png', xiaomi_image_url: 'https://img.example/x.png' });
  });

  it('refuses an update of a media_id the store does not hold as an illegal value (400), as a withdraw of an unknown msg_id', async () => {
    const a = await httpCall(svc.url, 'PUT', '/v3/images/byurls/jgmedia-1-00000000-0000-4000-8000-000000000000', { body: { jiguang_image_url: 'https://img.example/b.png' }, headers: APP });
    expect(a.status).toBe(400);
    expect(a.json.error).toMatchObject({ code: contracts.codeFor('jpush-v3', 'push', 'request.invalid-value')?.code, message: expect.stringContaining('media_id') });
  });

  it('sets up "an image was added" so the update succeeds on that media_id', async () => {
    await svc.setUpState('an image was added', { media_id: 'jgmedia-1-state' });
    const a = await httpCall(svc.url, 'PUT', '/v3/images/byurls/jgmedia-1-state', { body: { oppo_image_url: 'https://img.example/o.png' }, headers: APP });
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({ media_id: 'jgmedia-1-state', oppo_image_url: 'https://img.example/o.png', jiguang_image_url: expect.stringMatching(/^https:/) });
  });
});

import { getContracts } from '../contracts/load';
import { exampleParts, mutate, removeAt, setAt, substitute, successIsReadOnly } from './request';
import { targetUrl } from './http';
import { publicUrl } from './run';

const contracts = getContracts();

describe('probe request crafting', () => {
  describe('#removeAt / #setAt', () => {
    it('removes a nested key without touching the original document', () => {
      const doc = { a: { b: 1, c: 2 } };
      expect(removeAt(doc, '/a/b')).toEqual({ a: { c: 2 } });
      expect(doc).toEqual({ a: { b: 1, c: 2 } });
    });

    it('creates the objects on the way when setting a pointer the example lacks', () => {
      expect(setAt({ notification: { alert: 'hi' } }, '/notification/android/sound', 'default')).toEqual({
        notification: { alert: 'hi', android: { sound: 'default' } },
      });
    });

    it('decodes ~1 and ~0 in pointer segments', () => {
      expect(setAt({}, '/a~1b/c~0d', 1)).toEqual({ 'a/b': { 'c~d': 1 } });
    });
  });

  describe('#mutate', () => {
    it('repeats a text to build an oversized field (request.too-large)', () => {
      const e = contracts.endpoint('jpush-v3', 'push');
      const bad = e.elicit.badRequests.find((b) => b.cause === 'request.too-large');
      const parts = mutate(exampleParts(contracts, e), bad!);
      const body = parts.body?.kind === 'json' ? (parts.body.value as { notification: { android: { alert: string } } }) : undefined;
      expect(body?.notification.android.alert).toHaveLength(bad!.set!.repeat!.times);
    });

    it('sends the raw text of a malformed-body mutation as is', () => {
      const e = contracts.endpoint('mtpush-v4', 'push.validate');
      const bad = e.elicit.badRequests.find((b) => b.raw !== undefined)!;
      expect(mutate(exampleParts(contracts, e), bad).body).toEqual({ kind: 'raw', text: bad.raw });
    });

    it('edits path params and query strings as strings', () => {
      const get = contracts.endpoint('jpush-v3', 'device.get');
      const p = mutate(exampleParts(contracts, get), get.elicit.badRequests[0]);
      expect(p.params.registration_id).toBe('not~a~rid');
      const received = contracts.endpoint('jpush-v3', 'report.received');
      expect(mutate(exampleParts(contracts, received), received.elicit.badRequests[0]).query).toEqual({});
    });

    it('leaves the example request valid against its schema before mutation', () => {
      for (const e of contracts.endpoints()) {
        const parts = exampleParts(contracts, e);
        if (e.request.body && parts.body?.kind === 'json') expect(contracts.validate(e.request.body, parts.body.value).valid).toBe(true);
      }
    });
  });

  describe('#substitute', () => {
    it('replaces example ids in strings, comma lists and numbers', () => {
      const out = substitute({ msg_ids: '1828256757,1', msg_id: 1828256757, rids: ['1a0018970a1b2c3d4e5'] }, [
        ['1828256757', '42'],
        ['1a0018970a1b2c3d4e5', 'rid9'],
      ]);
      expect(out).toEqual({ msg_ids: '42,1', msg_id: 42, rids: ['rid9'] });
    });
  });

  describe('#successIsReadOnly', () => {
    it('treats GET, validate and status queries as read-only and anything that sends or names a resource as a write', () => {
      const ro = (api: 'jpush-v3' | 'mtpush-v4', id: string): boolean => successIsReadOnly(contracts.endpoint(api, id));
      expect(ro('jpush-v3', 'push.cid')).toBe(true);
      expect(ro('jpush-v3', 'push.validate')).toBe(true);
      expect(ro('jpush-v3', 'report.status-message')).toBe(true);
      expect(ro('jpush-v3', 'push')).toBe(false);
      expect(ro('jpush-v3', 'device.update')).toBe(false);
      expect(ro('jpush-v3', 'schedules.delete')).toBe(false);
      expect(ro('mtpush-v4', 'device.delete')).toBe(false);
      expect(ro('mtpush-v4', 'schedules.create')).toBe(false);
    });
  });
});

describe('probe URLs', () => {
  it('keeps a gateway path prefix and drops userinfo, so no credential rides in the URL', () => {
    const u = targetUrl('https://user:pw@gw.example.com/api/', '/v3/push', 'a=1');
    expect(u.toString()).toBe('https://gw.example.com/api/v3/push?a=1');
    expect(publicUrl('https://user:pw@gw.example.com/api')).toBe('https://gw.example.com/api');
  });
});

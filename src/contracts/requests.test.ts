import { getContracts } from './load';
import { applyBadRequest, exampleRequest, removeAt, setAt } from './requests';

const contracts = getContracts();

describe('requests described by contracts/', () => {
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

  describe('#applyBadRequest', () => {
    it('repeats a text to build an oversized field (request.too-large)', () => {
      const e = contracts.endpoint('jpush-v3', 'push');
      const bad = e.elicit.badRequests.find((b) => b.cause === 'request.too-large');
      const parts = applyBadRequest(exampleRequest(contracts, e), bad!);
      const body = parts.body?.kind === 'json' ? (parts.body.value as { notification: { android: { alert: string } } }) : undefined;
      expect(body?.notification.android.alert).toHaveLength(bad!.set!.repeat!.times);
    });

    it('sends the raw text of a malformed-body mutation as is', () => {
      const e = contracts.endpoint('mtpush-v4', 'push.validate');
      const bad = e.elicit.badRequests.find((b) => b.raw !== undefined)!;
      expect(applyBadRequest(exampleRequest(contracts, e), bad).body).toEqual({ kind: 'raw', text: bad.raw });
    });

    it('edits path params and query strings as strings', () => {
      const get = contracts.endpoint('jpush-v3', 'device.get');
      const p = applyBadRequest(exampleRequest(contracts, get), get.elicit.badRequests[0]);
      expect(p.params.registration_id).toBe('not~a~rid');
      const received = contracts.endpoint('jpush-v3', 'report.received');
      expect(applyBadRequest(exampleRequest(contracts, received), received.elicit.badRequests[0]).query).toEqual({});
    });

    it('leaves the example request valid against its schema before mutation', () => {
      for (const e of contracts.endpoints()) {
        const parts = exampleRequest(contracts, e);
        if (e.request.body && parts.body?.kind === 'json') expect(contracts.validate(e.request.body, parts.body.value).valid).toBe(true);
      }
    });
  });

});

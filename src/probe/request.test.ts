import { getContracts } from '../contracts/load';
import { substitute, successIsReadOnly } from './request';
import { targetUrl } from './http';
import { publicUrl } from './run';

const contracts = getContracts();

describe('probe request crafting', () => {
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

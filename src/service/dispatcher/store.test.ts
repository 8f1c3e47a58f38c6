import { DispatcherStore, MESSAGE_RETENTION_MS, StoreCorruptError } from './store';

describe('DispatcherStore', () => {
  it('resolves an audience with its types combined by AND, tags by OR within tag and by AND within tag_and', () => {
    const s = new DispatcherStore();
    s.upsertDevice('a', { tags: ['t1', 't2'], alias: 'x' });
    s.upsertDevice('b', { tags: ['t1'], alias: 'y' });
    s.upsertDevice('c', { tags: ['t3'] });
    expect(s.resolveAudience('all').sort()).toEqual(['a', 'b', 'c']);
    expect(s.resolveAudience({ tag: ['t1', 't3'] }).sort()).toEqual(['a', 'b', 'c']);
    expect(s.resolveAudience({ tag_and: ['t1', 't2'] })).toEqual(['a']);
    expect(s.resolveAudience({ tag: ['t1'], tag_not: ['t2'] })).toEqual(['b']);
    expect(s.resolveAudience({ tag: ['t1'], alias: ['y'] })).toEqual(['b']);
    expect(s.resolveAudience({ registration_id: ['c', 'zzz'] })).toEqual(['c']);
    // Empty lists mean the type is absent; no type at all, or a segment, matches nobody.
    expect(s.resolveAudience({ tag: [], registration_id: ['a'] })).toEqual(['a']);
    expect(s.resolveAudience({})).toEqual([]);
    expect(s.resolveAudience({ segment: ['s1'] })).toEqual([]);
  });

  it('throws on every operation once corrupt, and holds() still audits what was accepted', () => {
    const s = new DispatcherStore();
    s.addMessage({ msgId: '1', api: 'jpush-v3', appKey: 'k', targets: [], sentAt: 0, withdrawn: false });
    s.setCorrupt(true);
    expect(() => s.message('1')).toThrow(StoreCorruptError);
    expect(() => s.allocateMsgId()).toThrow(StoreCorruptError);
    expect(() => s.tags()).toThrow(StoreCorruptError);
    expect(s.holds('1')).toBe(true);
  });

  it('lets messages go once they are past the withdraw window', () => {
    const s = new DispatcherStore();
    s.addMessage({ msgId: 'old', api: 'jpush-v3', appKey: 'k', targets: [], sentAt: 1000, withdrawn: false });
    s.addMessage({ msgId: 'mid', api: 'jpush-v3', appKey: 'k', targets: [], sentAt: 2000, withdrawn: false });
    s.addMessage({ msgId: 'new', api: 'jpush-v3', appKey: 'k', targets: [], sentAt: 1500 + MESSAGE_RETENTION_MS, withdrawn: false });
    expect([s.holds('old'), s.holds('mid'), s.holds('new')]).toEqual([false, true, true]);
  });

  it('allocates increasing numeric msg ids', () => {
    const s = new DispatcherStore();
    const a = s.allocateMsgId();
    const b = s.allocateMsgId();
    expect(a).toMatch(/^[0-9]+$/);
    expect(BigInt(b)).toBe(BigInt(a) + 1n);
  });
});

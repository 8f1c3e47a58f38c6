import fc from 'fast-check';
import { basicAuth, maskSecrets, MIN_FRAGMENT, secretForms, type Credentials } from './credentials';

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const key = fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 24, maxLength: 24 });
const credentials = fc.record({ appKey: key, masterSecret: key });

/** Every MIN_FRAGMENT-long run of the secret and of the base64 of `key:secret`, computed independently. */
function fragments(c: Credentials): string[] {
  const b64 = Buffer.from(`${c.appKey}:${c.masterSecret}`).toString('base64');
  const out: string[] = [];
  for (const form of [c.masterSecret, b64]) {
    for (let i = 0; i + MIN_FRAGMENT <= form.length; i++) out.push(form.slice(i, i + MIN_FRAGMENT));
  }
  return out;
}

describe('maskSecrets', () => {
  it('masks the whole secret and its Basic header', () => {
    const c = { appKey: 'A'.repeat(24), masterSecret: 'S3cretS3cretS3cretS3cret' };
    expect(maskSecrets(`x ${basicAuth(c)} y ${c.masterSecret}`, secretForms(c))).toBe('x *** y ***');
  });

  it('masks a Basic header cut off mid-base64, which whole-form masking let through', () => {
    const c = { appKey: 'pushAppKey0123456789abcd', masterSecret: 'pushSecret0123456789wxyz' };
    const body = `<html>debug: authorization=${basicAuth(c)}</html>`;
    const cut = body.slice(0, 60);
    const masked = maskSecrets(cut, secretForms(c));
    expect(fragments(c).filter((f) => masked.includes(f))).toEqual([]);
    expect(masked.startsWith('<html>debug: authorization=')).toBe(true);
  });

  it('leaves text with no run of a secret untouched', () => {
    const c = { appKey: 'pushAppKey0123456789abcd', masterSecret: 'pushSecret0123456789wxyz' };
    const text = 'status 401, {"error":{"code":1004,"message":"auth failed"}}';
    expect(maskSecrets(text, secretForms(c))).toBe(text);
  });

  it('property: random credentials reflected at random offsets and cut anywhere leave 0 fragments, masked before or after the cut', () => {
    fc.assert(
      fc.property(
        credentials,
        fc.string({ maxLength: 80 }),
        fc.string({ maxLength: 80 }),
        fc.constantFrom<(c: Credentials) => string>((c) => c.masterSecret, basicAuth, (c) => basicAuth(c).slice(6)),
        fc.nat(),
        fc.nat(),
        (c, before, after, form, a, b) => {
          const body = before + form(c) + after;
          const from = a % (body.length + 1);
          const to = from + (b % (body.length - from + 1));
          const secrets = secretForms(c);
          const maskedThenCut = maskSecrets(body, secrets).slice(from, to);
          const cutThenMasked = maskSecrets(body.slice(from, to), secrets);
          // One expect per run over every fragment (jest's expect() costs ~70 µs a call: 160 calls a run were
          // 3 s of CPU), naming each fragment that leaked and where.
          const leaks = fragments(c).flatMap((f) => [
            ...(maskedThenCut.includes(f) ? [{ fragment: f, in: 'masked then cut' }] : []),
            ...(cutThenMasked.includes(f) ? [{ fragment: f, in: 'cut then masked' }] : []),
          ]);
          expect(leaks).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

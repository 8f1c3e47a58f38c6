import { toRustRegex } from './regex';

function translated(pattern: string): string {
  const t = toRustRegex(pattern);
  if (!t.ok) throw new Error(`expected ${pattern} to translate, got: ${t.reason}`);
  return t.regex;
}

function refusal(pattern: string): string {
  const t = toRustRegex(pattern);
  if (t.ok) throw new Error(`expected ${pattern} to be refused, got ${t.regex}`);
  return t.reason;
}

describe('toRustRegex', () => {
  it('keeps patterns both engines read alike unchanged', () => {
    for (const p of ['^[0-9]+$', '^-?[0-9]+$', '^(0|[1-9][0-9]{0,9})$', '^[\\p{L}\\p{N}_]+$', '^(?:a|b)$', 'a*?b+?c{2,3}']) {
      expect(translated(p)).toBe(p);
    }
  });

  it('spells out ASCII-only ECMA class escapes, which are Unicode-aware in Rust', () => {
    expect(translated('^\\d+$')).toBe('^[0-9]+$');
    expect(translated('^[\\d_]+$')).toBe('^[0-9_]+$');
    expect(translated('\\w')).toBe('[0-9A-Za-z_]');
    expect(translated('\\D')).toBe('[^0-9]');
    expect(translated('[a\\W]')).toBe('[a[^0-9A-Za-z_]]');
    expect(translated('\\s')).toContain('\\x{FEFF}');
  });

  it('makes . stop at every ECMA line terminator', () => {
    expect(translated('^a.b$')).toBe('^a[^\\n\\r\\x{2028}\\x{2029}]b$');
    expect(translated('[.]')).toBe('[.]');
  });

  it('rewrites escapes and class characters that Rust reads differently', () => {
    expect(translated('\\u00e9\\u{1F600}')).toBe('\\x{E9}\\x{1F600}');
    expect(translated('\\uD83D\\uDE00')).toBe('\\x{1F600}');
    expect(translated('a\\/b')).toBe('a/b');
    expect(translated('[a[&&~]')).toBe('[a\\[\\&\\&\\~]');
    expect(translated('(?<year>[0-9]{4})')).toBe('(?<year>[0-9]{4})');
    expect(translated('[\\b]')).toBe('[\\x08]');
    expect(translated('\\0')).toBe('\\x00');
  });

  it('refuses what Rust regex cannot express, saying which feature', () => {
    expect(refusal('^(?=.*[0-9])[a-z0-9]+$')).toMatch(/lookaround/);
    expect(refusal('^(?!x)')).toMatch(/lookaround/);
    expect(refusal('(?<=a)b')).toMatch(/lookaround/);
    expect(refusal('(?<!a)b')).toMatch(/lookaround/);
    expect(refusal('(a)\\1')).toMatch(/backreference/);
    expect(refusal('(?<x>a)\\k<x>')).toMatch(/backreference/);
    expect(refusal('\\cJ')).toMatch(/control escape/);
    expect(refusal('\\bword')).toMatch(/word boundary/);
    expect(refusal('a\\Bb')).toMatch(/word boundary/);
    expect(refusal('[^]')).toMatch(/empty character class/);
    expect(refusal('(')).toMatch(/not a valid ECMA-262 pattern/);
  });

  it('translates to a pattern that accepts and rejects the same strings where JS can run it', () => {
    // With \x{..} written as \u{..} a translation is also a JS regex, so equivalence can be sampled here;
    // pact.test.ts proves the Pact core accepts the translations.
    const cases: Array<[string, string[]]> = [
      ['^\\d{2}$', ['12', '1', '١٢', 'ab']],
      ['^\\w+$', ['abc_1', 'é', 'a b']],
      ['^a.b$', ['axb', 'a\nb', 'a\rb']],
    ];
    for (const [pattern, samples] of cases) {
      const rust = translated(pattern).replace(/\\x\{([0-9A-F]+)\}/g, '\\u{$1}');
      for (const s of samples) {
        expect([s, new RegExp(rust, 'u').test(s)]).toEqual([s, new RegExp(pattern, 'u').test(s)]);
      }
    }
  });
});

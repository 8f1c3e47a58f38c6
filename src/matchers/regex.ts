/**
 * JSON Schema `pattern` is ECMA-262 (ajv compiles it with the `u` flag). A Pact `regex` matcher is read by
 * other engines: the Rust `regex` crate in the Pact specification and parts of the core, and Oniguruma,
 * which pact_ffi 0.5.4 (pact 16.4.0) uses to match in the verifier and mock server (measured: its errors say
 * "Oniguruma error"). This module rewrites a pattern into the syntax all three read alike and refuses what
 * one of them lacks, so a pact never carries a regex a Pact engine rejects or that accepts other strings
 * than the schema does.
 */

export type RegexTranslation =
  | { readonly ok: true; readonly regex: string }
  | { readonly ok: false; readonly reason: string };

// ECMA's class escapes are ASCII-only and its \s is a fixed list; Rust's are Unicode-aware, so each is
// spelled out to keep "Rust accepts" equal to "the schema accepts".
const DIGIT = '0-9';
const WORD = '0-9A-Za-z_';
const SPACE = '\\t\\n\\x0B\\f\\r \\xA0\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';
// ECMA `.` (no s flag) stops at all four line terminators, Rust's only at \n.
const DOT = '[^\\n\\r\\x{2028}\\x{2029}]';

/** Characters Rust lets (or makes) you escape; any other escaped punctuation is written bare. */
const RUST_META = new Set('\\.+*?()|[]{}^$#&-~'.split(''));

function fail(reason: string): RegexTranslation {
  return { ok: false, reason };
}

function hexCodePoint(cp: number): string {
  return `\\x{${cp.toString(16).toUpperCase()}}`;
}

/**
 * Translates an ECMA-262 (unicode mode) pattern into one that Rust regex and Oniguruma read with the same
 * meaning, or says why it cannot: lookarounds, backreferences, word boundaries, control escapes and empty
 * classes have no shared equivalent.
 *
 * @example
 * toRustRegex('^\\d+$')      // { ok: true, regex: '^[0-9]+$' }
 * toRustRegex('^(?=a)')      // { ok: false, reason: 'lookaround …' }
 * @see docs/matchers.md
 */
export function toRustRegex(pattern: string): RegexTranslation {
  try {
    new RegExp(pattern, 'u');
  } catch (err) {
    return fail(`not a valid ECMA-262 pattern: ${(err as Error).message}`);
  }
  let out = '';
  let inClass = false;
  let classFirst = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    const atClassStart = classFirst;
    classFirst = false;
    if (c === '\\') {
      const n = pattern[++i];
      if (/[1-9]/.test(n)) return fail(`backreference \\${n} (Rust regex has no backreferences)`);
      switch (n) {
        case 'k':
          return fail('named backreference \\k<…> (Rust regex has no backreferences)');
        case 'c':
          return fail('control escape \\c (no Rust equivalent)');
        case 'd':
          out += inClass ? DIGIT : `[${DIGIT}]`;
          continue;
        case 'D':
          out += `[^${DIGIT}]`; // a nested class is a union inside a Rust class
          continue;
        case 'w':
          out += inClass ? WORD : `[${WORD}]`;
          continue;
        case 'W':
          out += `[^${WORD}]`;
          continue;
        case 's':
          out += inClass ? SPACE : `[${SPACE}]`;
          continue;
        case 'S':
          out += `[^${SPACE}]`;
          continue;
        case 'b':
          if (inClass) {
            out += '\\x08';
            continue;
          }
          return fail('word boundary \\b (ASCII in ECMA, Unicode in Rust and Oniguruma; no spelling all three share)');
        case 'B':
          return fail('word boundary \\B (ASCII in ECMA, Unicode in Rust and Oniguruma; no spelling all three share)');
        case '0':
          out += '\\x00';
          continue;
        case 'x':
          out += `\\x${pattern.slice(i + 1, i + 3)}`;
          i += 2;
          continue;
        case 'u': {
          if (pattern[i + 1] === '{') {
            const end = pattern.indexOf('}', i);
            out += `\\x{${pattern.slice(i + 2, end)}}`;
            i = end;
            continue;
          }
          let cp = parseInt(pattern.slice(i + 1, i + 5), 16);
          i += 4;
          const low = /^\\u([dD][c-fC-F][0-9a-fA-F]{2})/.exec(pattern.slice(i + 1));
          if (cp >= 0xd800 && cp <= 0xdbff && low) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (parseInt(low[1], 16) - 0xdc00);
            i += 6;
          }
          out += hexCodePoint(cp);
          continue;
        }
        case 'p':
        case 'P': {
          const end = pattern.indexOf('}', i);
          out += `\\${n}${pattern.slice(i + 1, end + 1)}`;
          i = end;
          continue;
        }
        default:
          if (/[A-Za-z]/.test(n)) {
            out += `\\${n}`; // \t \n \r \f \v mean the same in both
          } else {
            out += RUST_META.has(n) ? `\\${n}` : n;
          }
          continue;
      }
    }
    if (inClass) {
      if (c === ']') {
        if (atClassStart) return fail('empty character class [] or [^] (no Rust equivalent)');
        inClass = false;
        out += c;
      } else if (c === '[' || c === '&' || c === '~') {
        out += `\\${c}`; // '[' opens a nested class and '&&' / '~~' are set operators in Rust
      } else if (c === '-' && out.endsWith('-') && !out.endsWith('\\-')) {
        out += '\\-'; // '--' is set difference in Rust
      } else {
        out += c;
      }
      continue;
    }
    if (c === '[') {
      inClass = true;
      classFirst = true;
      out += '[';
      if (pattern[i + 1] === '^') {
        out += '^';
        i++;
      }
      continue;
    }
    if (c === '.') {
      out += DOT;
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2);
      // Named groups stay `(?<name>`: Rust reads it since regex 1.9, Oniguruma rejects Python's `(?P<name>`.
      if (/^(=|!|<=|<!)/.test(rest)) return fail('lookaround (?=, ?!, ?<=, ?<!) (Rust regex has no lookarounds)');
    }
    out += c;
  }
  return { ok: true, regex: out };
}

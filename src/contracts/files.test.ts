import * as fs from 'node:fs';
import * as path from 'node:path';
import { getLocation, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { defaultContractsDir, listJsonFiles, parseStrictJson, toPointer } from './files';

/** What reading a contracts/ file gave before parseStrictJson: jsonc-parser alone. */
function jsonc(text: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false });
  if (errors.length === 0) return { value };
  const { offset, error } = errors[0];
  return { syntax: { offset, error: printParseErrorCode(error), pointer: toPointer(getLocation(text, offset).path) } };
}

describe('parseStrictJson', () => {
  const files = listJsonFiles(defaultContractsDir, '');

  it('reads every file of contracts/ as jsonc-parser reads it', () => {
    expect(files.length).toBeGreaterThan(90);
    for (const file of files) {
      const text = fs.readFileSync(path.join(defaultContractsDir, file), 'utf8');
      expect(parseStrictJson(text)).toEqual(jsonc(text));
    }
  });

  it.each([
    ['a trailing comma', '{ "a": [1, 2,] }'],
    ['a comment', '{ "a": 1 // no\n}'],
    ['nothing', ''],
    ['a cut-off text', '{ "rules": { "x": "off"'],
    ['a missing value', '{ "states": [ { "name": } ] }'],
    ['a byte-order mark', '\uFEFF{ "a": 1 }'],
  ])('says where %s breaks, as jsonc-parser does', (_, text) => {
    expect(parseStrictJson(text)).toEqual(jsonc(text));
  });

  it('reads a __proto__ key as jsonc-parser does (JSON.parse would make it an own property)', () => {
    const text = '{ "__proto__": { "polluted": true }, "a": 1 }';
    const parsed = parseStrictJson(text) as { value: Record<string, unknown> };
    expect(parsed).toEqual(jsonc(text));
    expect(Object.keys(parsed.value)).toEqual(['a']);
  });
});

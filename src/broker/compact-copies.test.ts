import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { compactCopies, compactJsonText } from './compact-copies';
import { tempDir } from '../../test-support/temp-dir';

describe('compactJsonText', () => {
  it('drops the whitespace between tokens and keeps every string as written', () => {
    const text = '{\n  "a b": "x \\" y\\\\",\r\n\t"n": [ 1.50 , -0e0, 12345678901234567890 ],\n  "s": " \\n\\t " }\n';
    expect(compactJsonText(text)).toBe('{"a b":"x \\" y\\\\","n":[1.50,-0e0,12345678901234567890],"s":" \\n\\t "}');
  });

  it('gives the same JSON as the indented text, for any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 4 }), (value, indent) => {
      const text = JSON.stringify(value, null, indent);
      const compact = compactJsonText(text);
      expect(compact).toBe(JSON.stringify(value));
    }), { numRuns: 300 });
  });
});

describe('compactCopies', () => {
  it('writes a compact copy of each file under its own name, apart from same-named files, and removes them', () => {
    const dir = tempDir('pc-compact-');
    fs.mkdirSync(path.join(dir, 'a'));
    fs.mkdirSync(path.join(dir, 'b'));
    const files = [path.join(dir, 'a', 'p.json'), path.join(dir, 'b', 'p.json')];
    fs.writeFileSync(files[0], JSON.stringify({ consumer: { name: 'a' }, interactions: [] }, null, 2));
    fs.writeFileSync(files[1], JSON.stringify({ consumer: { name: 'b' } }, null, 2));
    const copies = compactCopies(files);
    try {
      expect(copies.files.map((f) => path.basename(f))).toEqual(['p.json', 'p.json']);
      expect(copies.files.map((f) => fs.readFileSync(f, 'utf8'))).toEqual(['{"consumer":{"name":"a"},"interactions":[]}', '{"consumer":{"name":"b"}}']);
    } finally {
      copies.remove();
    }
    expect(copies.files.filter((f) => fs.existsSync(f))).toEqual([]);
    expect(fs.existsSync(path.dirname(path.dirname(copies.files[0])))).toBe(false);
  });
});

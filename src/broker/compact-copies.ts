/**
 * Compact copies of the pact files for the `pact-broker` client. Its `publish` parses each file with one read(2)
 * per byte (serde_json's from_reader on an unbuffered file; `strace -c`: 1.68 million reads for the 1.7 MB of
 * the generated pacts), so its time is proportional to the bytes on disk, and on a loaded machine every one of
 * those system calls waits its turn: 2.8 s alone, 29 s at load ~13 (provider-tests/broker-flow.test.ts). Pact
 * files are written indented; without the whitespace between tokens they are about half the bytes. The copies
 * hold the same JSON token for token (strings, numbers and key order untouched; nothing is parsed and
 * re-serialised), and the client sends the pact it parsed, so what reaches the broker is the same.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** JSON text without the whitespace between its tokens; every string is kept as written, escapes included. */
export function compactJsonText(text: string): string {
  return text.replace(/("(?:[^"\\]|\\.)*")|[ \t\n\r]+/g, (_match, str: string | undefined) => str ?? '');
}

/**
 * Writes a compact copy of each file, under its own name, into a fresh temporary directory; `remove` deletes
 * them (call it when the client has ended). Each copy is in a directory of its own, so two files with the same
 * name from different directories stay apart.
 */
export function compactCopies(files: readonly string[]): { readonly files: string[]; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-publish-'));
  try {
    const copies = files.map((file, i) => {
      const copy = path.join(dir, String(i), path.basename(file));
      fs.mkdirSync(path.dirname(copy));
      fs.writeFileSync(copy, compactJsonText(fs.readFileSync(file, 'utf8')));
      return copy;
    });
    return { files: copies, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

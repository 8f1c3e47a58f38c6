import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ParseError } from 'jsonc-parser';
import { PushContractsError } from '../errors';

/** Where contracts/ lives: next to src/ in a checkout, next to dist/ in an installed package. */
export const defaultContractsDir = path.resolve(__dirname, '..', '..', 'contracts');

export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** Where strict JSON text breaks: the offset, jsonc-parser's name of the error and the JSON pointer reached. */
export interface JsonSyntaxError {
  readonly offset: number;
  readonly error: string;
  readonly pointer: string;
}

/**
 * Parses strict JSON (no comments, no trailing comma, not empty). A well-formed text goes through
 * JSON.parse, which is native and gives the same value; jsonc-parser, loaded only then (it was about 20 ms
 * of every jest file that loads contracts/, and parsing with it 40 ms more), reads a text JSON.parse
 * refuses, to say where it breaks, and a text with a `__proto__` key, which it reads differently.
 */
export function parseStrictJson(text: string): { readonly value: unknown } | { readonly syntax: JsonSyntaxError } {
  if (!text.includes('__proto__')) {
    try {
      return { value: JSON.parse(text) as unknown };
    } catch {
      // jsonc-parser below says where.
    }
  }
  const { getLocation, parse, printParseErrorCode } = require('jsonc-parser') as typeof import('jsonc-parser');
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false });
  if (errors.length === 0) return { value };
  const { offset, error } = errors[0];
  return { syntax: { offset, error: printParseErrorCode(error), pointer: toPointer(getLocation(text, offset).path) } };
}

/**
 * Reads one JSON file of contracts/. A missing file or a syntax error fails with one line that names
 * the file and the JSON pointer of the place where parsing stopped.
 */
export function readContractsJson(dir: string, relative: string): unknown {
  const file = path.join(dir, relative);
  const shown = path.join(path.basename(dir), relative);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file is missing' : (err as Error).message;
    throw new PushContractsError('PC_ERR_CONTRACTS_INVALID', `${shown}: ${reason}`, { file: shown, pointer: '' });
  }
  const parsed = parseStrictJson(text);
  if ('syntax' in parsed) {
    const { offset, error, pointer } = parsed.syntax;
    const { line, column } = lineAndColumn(text, offset);
    throw new PushContractsError(
      'PC_ERR_CONTRACTS_INVALID',
      `${shown} at ${pointer || '/'} (line ${line}, column ${column}): invalid JSON, ${error}`,
      { file: shown, pointer },
    );
  }
  return parsed.value;
}

/** Every *.json file under dir/sub, as paths relative to dir, sorted for a stable order. */
export function listJsonFiles(dir: string, sub: string): string[] {
  const root = path.join(dir, sub);
  if (!fs.existsSync(root)) {
    throw new PushContractsError('PC_ERR_CONTRACTS_INVALID', `${path.join(path.basename(dir), sub)}: directory is missing`, { file: sub, pointer: '' });
  }
  return filesUnder(root)
    .filter((full) => full.endsWith('.json'))
    .map((full) => path.relative(dir, full).split(path.sep).join('/'))
    .sort();
}

/** Every regular file under `dir`, at any depth, as full paths (none when `dir` does not exist). */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return entry.isFile() ? [full] : [];
  });
}

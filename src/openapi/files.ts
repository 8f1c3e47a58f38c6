/**
 * The exported documents as files: JSON or YAML text, one file per API, and the drift check behind
 * `push-contracts openapi --check` (like the generated types: a committed copy must equal a fresh export).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Contracts } from '../contracts/load';
import type { ApiId } from '../contracts/types';
import { buildOpenApi } from './export';

export type OpenApiFormat = 'json' | 'yaml';
export const OPENAPI_FORMATS: readonly OpenApiFormat[] = ['json', 'yaml'];

/** Where `npm run openapi` keeps the committed copies, relative to the repository root. */
export const COMMITTED_OPENAPI_DIR = path.resolve(__dirname, '..', '..', 'openapi');

export function renderOpenApi(doc: unknown, format: OpenApiFormat): string {
  // aliasDuplicateObjects off: a YAML anchor per repeated object would be correct but unreadable.
  if (format === 'json') return `${JSON.stringify(doc, null, 2)}\n`;
  // Loaded for YAML only: the CLI, which imports this module for every command, seldom writes any.
  const YAML = require('yaml') as typeof import('yaml');
  return YAML.stringify(doc, { aliasDuplicateObjects: false, lineWidth: 0 });
}

export function openApiFileName(api: ApiId, format: OpenApiFormat): string {
  return `${api}.${format}`;
}

export interface ExportedFile {
  readonly api: ApiId;
  readonly file: string;
  readonly text: string;
}

/** The document of each API, rendered; nothing is written. */
export function exportOpenApi(contracts: Contracts, apis: readonly ApiId[], dir: string, format: OpenApiFormat): ExportedFile[] {
  return apis.map((api) => ({ api, file: path.join(dir, openApiFileName(api, format)), text: renderOpenApi(buildOpenApi(api, contracts), format) }));
}

export function writeExported(files: readonly ExportedFile[]): void {
  for (const f of files) {
    mkdirSync(path.dirname(f.file), { recursive: true });
    writeFileSync(f.file, f.text);
  }
}

/** The files whose content differs from a fresh export, with why. */
export function driftOf(files: readonly ExportedFile[]): Array<{ file: string; reason: string }> {
  return files.flatMap((f) => {
    if (!existsSync(f.file)) return [{ file: f.file, reason: 'missing' }];
    return readFileSync(f.file, 'utf8') === f.text ? [] : [{ file: f.file, reason: 'differs from a fresh export of contracts/' }];
  });
}

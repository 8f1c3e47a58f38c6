import { Option, type Command } from 'commander';
import * as path from 'node:path';
import { getContracts } from '../../contracts/load';
import type { ApiId } from '../../contracts/types';
import { driftOf, exportOpenApi, OPENAPI_FORMATS, writeExported, type OpenApiFormat } from '../../openapi/files';
import { EXIT } from '../io';
import type { CommandContext } from '../context';

interface OpenApiFlags {
  api?: ApiId;
  out: string;
  format: OpenApiFormat;
  check?: boolean;
}

/** `push-contracts openapi`: one OpenAPI 3.1 document per API, generated from contracts/. */
export function register(program: Command, ctx: CommandContext): void {
  const contracts = getContracts();
  program
    .command('openapi')
    .description('write one OpenAPI 3.1 document per API, generated from contracts/ (<out>/<api>.json or .yaml); --check compares instead of writing')
    .addOption(new Option('--api <api>', 'only this API (default: every API)').choices(Object.keys(contracts.apis)))
    .requiredOption('--out <dir>', 'directory to write the documents to (or to compare with, with --check)')
    .addOption(new Option('--format <format>', 'file format').choices([...OPENAPI_FORMATS]).default('json'))
    .option('--check', 'write nothing; fail when a document in <dir> is missing or differs from a fresh export')
    .action((flags: OpenApiFlags) => {
      const apis = flags.api ? [flags.api] : (Object.keys(contracts.apis) as ApiId[]);
      const files = exportOpenApi(contracts, apis, path.resolve(ctx.io.cwd, flags.out), flags.format);
      if (flags.check) {
        const drift = driftOf(files);
        for (const d of drift) ctx.io.stderr(`${path.relative(ctx.io.cwd, d.file) || d.file}: ${d.reason}; run push-contracts openapi --out ${flags.out}${flags.format === 'json' ? '' : ` --format ${flags.format}`} and commit it\n`);
        if (drift.length === 0) ctx.io.stdout(`${files.length} OpenAPI document${files.length === 1 ? '' : 's'} up to date in ${flags.out}\n`);
        ctx.setExit(drift.length === 0 ? EXIT.OK : EXIT.VIOLATIONS);
        return;
      }
      writeExported(files);
      for (const f of files) ctx.io.stdout(`wrote ${path.relative(ctx.io.cwd, f.file) || f.file}\n`);
      ctx.setExit(EXIT.OK);
    });
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { getContracts } from '../../contracts/load';
import type { ApiId } from '../../contracts/types';
import { PushContractsError } from '../../errors';
import { matrixConforms, renderMatrixJson, renderMatrixMarkdown, runMatrix, type MatrixAdapter } from '../../matrix/matrix';
import { referenceAdapter } from '../../matrix/reference-adapter';
import { EXIT } from '../io';
import type { CommandContext } from '../context';

interface MatrixFlags {
  adapter?: string;
  reference?: ApiId;
  endpoints?: string;
  statuses?: string;
  hangTimeout: string;
  concurrency: string;
  md?: string;
  json?: string;
  html502: boolean;
}

const list = (v: string | undefined): string[] | undefined => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

function isAdapter(x: unknown): x is MatrixAdapter {
  const a = x as Partial<MatrixAdapter> | null;
  return a !== null && typeof a === 'object' && typeof a.name === 'string' && typeof a.api === 'string' && typeof a.calls === 'object' && typeof a.isTypedError === 'function';
}

/** Loads a user's adapter module: its `adapter` or default export, a MatrixAdapter or a (possibly async) factory of one. */
async function loadAdapter(file: string, cwd: string): Promise<MatrixAdapter> {
  const resolved = path.resolve(cwd, file);
  if (!fs.existsSync(resolved)) throw new PushContractsError('PC_ERR_USAGE', `--adapter: no file ${resolved}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(resolved) as Record<string, unknown>;
  const candidate = mod.adapter ?? mod.default ?? mod;
  const value = typeof candidate === 'function' ? await (candidate as () => unknown)() : candidate;
  if (!isAdapter(value)) {
    throw new PushContractsError('PC_ERR_USAGE', `--adapter ${file}: export 'adapter' (or default) must be a MatrixAdapter {name, api, calls, isTypedError} or a function returning one`);
  }
  return value;
}

function writeText(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text);
}

/** `push-contracts matrix`: how a client copes with every status of every endpoint it uses. */
export function register(program: Command, ctx: CommandContext): void {
  const apis = Object.keys(getContracts().apis);
  program
    .command('matrix')
    .description("drive a client, through an adapter module, against Pact's mock server for every status of every endpoint it uses (plus an HTML 502), and classify each outcome: typed error, untyped crash, wrong success, hang, retries")
    .option('--adapter <module>', 'a JS module exporting `adapter` (or default): a MatrixAdapter or a function returning one')
    .addOption(new Option('--reference <api>', 'run the built-in reference client instead of an adapter').choices(apis))
    .option('--endpoints <ids>', 'comma-separated endpoint ids (default: every endpoint the adapter supports)')
    .option('--statuses <codes>', 'comma-separated statuses (default: every catalogued status)')
    .option('--hang-timeout <ms>', 'give up on a call after this long and classify it as a hang', '2000')
    .option('--concurrency <n>', 'cells run at once (each has its own mock server)', '4')
    .option('--md <file>', 'write the Markdown table here (default: stdout)')
    .option('--json <file>', 'write the JSON result here')
    .option('--no-html-502', 'skip the HTML 502 scenario')
    .action(async (flags: MatrixFlags) => {
      ctx.setExit(await matrixCommand(ctx, flags));
    });
}

async function matrixCommand(ctx: CommandContext, flags: MatrixFlags): Promise<number> {
  if (Boolean(flags.adapter) === Boolean(flags.reference)) throw new PushContractsError('PC_ERR_USAGE', 'give exactly one of --adapter <module> or --reference <api>');
  const hangTimeoutMs = Number(flags.hangTimeout);
  if (!Number.isInteger(hangTimeoutMs) || hangTimeoutMs <= 0) throw new PushContractsError('PC_ERR_USAGE', `--hang-timeout must be a positive integer of milliseconds, got '${flags.hangTimeout}'`);
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency <= 0) throw new PushContractsError('PC_ERR_USAGE', `--concurrency must be a positive integer, got '${flags.concurrency}'`);
  const statuses = list(flags.statuses)?.map((s) => {
    const n = Number(s);
    if (!getContracts().isCatalogued(n)) throw new PushContractsError('PC_ERR_USAGE', `--statuses: ${s} is not a catalogued status`);
    return n;
  });
  // The mock server runs in this process; pact-js reads the opt-out from the process environment.
  process.env.PACT_DO_NOT_TRACK ??= 'true';
  const adapter = flags.reference ? referenceAdapter(flags.reference) : await loadAdapter(flags.adapter as string, ctx.io.cwd);
  const result = await runMatrix(adapter, { endpoints: list(flags.endpoints), statuses, hangTimeoutMs, concurrency, html502: flags.html502 });
  const md = renderMatrixMarkdown(result);
  if (flags.md) writeText(path.resolve(ctx.io.cwd, flags.md), md);
  else ctx.io.stdout(md);
  if (flags.json) writeText(path.resolve(ctx.io.cwd, flags.json), renderMatrixJson(result));
  const off = result.cells.filter((c) => !c.asSpecified).length;
  ctx.io.stderr(`matrix: ${result.client}: ${result.cells.length - off} of ${result.cells.length} cells as specified\n`);
  return matrixConforms(result) ? EXIT.OK : EXIT.VIOLATIONS;
}

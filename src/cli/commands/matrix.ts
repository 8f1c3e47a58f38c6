import * as fs from 'node:fs';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { getContracts } from '../../contracts/load';
import type { ApiId } from '../../contracts/types';
import { PushContractsError } from '../../errors';
import { runAdapterModule } from '../../matrix/isolate';
import { referenceAdapter } from '../../matrix/reference-adapter';
import { matrixConforms, runMatrix } from '../../matrix/matrix';
import { renderMatrixJson, renderMatrixMarkdown } from '../../matrix/render';
import { TRANSPORT_FAULTS, type TransportFault } from '../../matrix/servers';
import { EXPECTATIONS, type ExpectationSeverity, type MatrixExpectation } from '../../matrix/verdicts';
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
  transport?: string | boolean;
  severity?: string;
}

const list = (v: string | undefined): string[] | undefined => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

function writeText(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text);
}

function parseSeverity(text: string | undefined): Partial<Record<MatrixExpectation, ExpectationSeverity>> {
  const out: Partial<Record<MatrixExpectation, ExpectationSeverity>> = {};
  for (const pair of list(text) ?? []) {
    const [id, level] = pair.split('=');
    if (!(EXPECTATIONS as string[]).includes(id)) throw new PushContractsError('PC_ERR_USAGE', `--severity: unknown expectation '${id}'; valid: ${EXPECTATIONS.join(', ')}`);
    if (level !== 'error' && level !== 'warning' && level !== 'off') throw new PushContractsError('PC_ERR_USAGE', `--severity ${id}: '${level ?? ''}' is not error, warning or off`);
    out[id as MatrixExpectation] = level;
  }
  return out;
}

function parseTransport(value: string | boolean | undefined): boolean | TransportFault[] {
  if (value === undefined || value === true) return true;
  if (value === false) return false;
  const faults = list(value) ?? [];
  for (const f of faults) {
    if (!(TRANSPORT_FAULTS as readonly string[]).includes(f)) throw new PushContractsError('PC_ERR_USAGE', `--transport: unknown fault '${f}'; valid: ${TRANSPORT_FAULTS.join(', ')}`);
  }
  return faults as TransportFault[];
}

/** `push-contracts matrix`: how a client copes with every status of every endpoint it uses, and with transport faults. */
export function register(program: Command, ctx: CommandContext): void {
  const apis = Object.keys(getContracts().apis);
  program
    .command('matrix')
    .description(
      "drive a client, through an adapter module, against every status of every endpoint it uses (Pact's mock server, plus an HTML 502) and against transport faults, and judge each cell by the policy's client expectations (retries, backoff, rate-limit reset, duplicate sends).",
    )
    .option('--adapter <module>', 'a .js (or .ts, with ts-node installed) module exporting `adapter` (or default): a MatrixAdapter or a function returning one; its calls run in worker threads, so a crash is one cell')
    .addOption(new Option('--reference <api>', 'run the built-in reference client instead of an adapter').choices(apis))
    .option('--endpoints <ids>', 'comma-separated endpoint ids (default: every endpoint the adapter supports)')
    .option('--statuses <codes>', 'comma-separated statuses (default: every catalogued status)')
    .option('--transport <faults>', `comma-separated transport faults (default: all of ${TRANSPORT_FAULTS.join(', ')})`)
    .option('--no-transport', 'skip the transport-fault cells')
    .option('--severity <id=level,...>', `override an expectation's severity (error, warning, off); ids: ${EXPECTATIONS.join(', ')}`)
    .option('--hang-timeout <ms>', 'give up on a call after this long and classify it as a hang', '2000')
    .option('--concurrency <n>', 'cells run at once (each has its own servers)', '4')
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
  const severity = parseSeverity(flags.severity);
  const transport = parseTransport(flags.transport);
  // The mock server runs in this process; pact-js reads the opt-out from the process environment.
  process.env.PACT_DO_NOT_TRACK ??= 'true';
  const options = { endpoints: list(flags.endpoints), statuses, hangTimeoutMs, concurrency, html502: flags.html502, transport, severity };
  // A module adapter runs isolated in worker threads, so a client crash is one cell, not the end of the run.
  const result = flags.reference
    ? await runMatrix(referenceAdapter(flags.reference), options)
    : await runAdapterModule(flags.adapter as string, options, ctx.io.cwd);
  const md = renderMatrixMarkdown(result);
  if (flags.md) writeText(path.resolve(ctx.io.cwd, flags.md), md);
  else ctx.io.stdout(md);
  if (flags.json) writeText(path.resolve(ctx.io.cwd, flags.json), renderMatrixJson(result));
  const off = result.cells.filter((c) => !c.asSpecified).length;
  const notExercised = result.summary['not-exercised'];
  ctx.io.stderr(`matrix: ${result.client}: ${result.cells.length - off} of ${result.cells.length} cells as specified${notExercised > 0 ? `, ${notExercised} not exercised` : ''}\n`);
  if (notExercised === result.cells.length) {
    throw new PushContractsError('PC_ERR_ADAPTER', `${flags.adapter ? path.resolve(ctx.io.cwd, flags.adapter) : result.client}: no cell was exercised: no request of the adapter reached the server (check baseUrl and the calls)`);
  }
  return matrixConforms(result) ? EXIT.OK : EXIT.VIOLATIONS;
}

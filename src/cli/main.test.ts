import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { commandsFor, main } from './main';
import type { CliIO } from './io';
import { defaultContractsDir } from '../contracts/files';
import { tempDir } from '../../test-support/temp-dir';

function capture(): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (t) => { out += t; },
    stderr: (t) => { err += t; },
    env: {},
    cwd: process.cwd(),
    out: () => out,
    err: () => err,
  };
}

describe('push-contracts CLI', () => {
  it('prints the package version with --version and exits 0', async () => {
    const io = capture();
    expect(await main(['--version'], io)).toBe(0);
    expect(io.out().trim()).toBe(require('../../package.json').version);
  });

  it('prints usage with --help and exits 0', async () => {
    const io = capture();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out()).toMatch(/Usage: push-contracts/);
    expect(io.out()).toMatch(/contracts/);
  });

  it('exits 2 with one clear line on an unknown flag', async () => {
    const io = capture();
    expect(await main(['--no-such-flag'], io)).toBe(2);
    expect(io.err()).toMatch(/unknown option '--no-such-flag'/);
  });

  it('contracts check: exits 0 on the shipped contracts', async () => {
    const io = capture();
    expect(await main(['contracts', 'check'], io)).toBe(0);
    expect(io.out()).toMatch(/^contracts\/ is consistent: 12 statuses, \d+ business codes, \d+ endpoints, \d+ schemas\n$/);
  });

  it('contracts check: exits 1 naming each inconsistency', async () => {
    const dir = path.join(tempDir('pc-cli-'), 'contracts');
    fs.cpSync(defaultContractsDir, dir, { recursive: true });
    const file = path.join(dir, 'business-codes', 'jpush-v3.json');
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    data.tables[0].codes[0].status = 299;
    fs.writeFileSync(file, JSON.stringify(data));
    const io = capture();
    expect(await main(['contracts', 'check', '--dir', dir], io)).toBe(1);
    expect(io.err()).toContain('contracts/business-codes/jpush-v3.json at /tables/0/codes/0/status: code 1000: status 299 is not one of the catalogued statuses');
  });

  it('contracts check: exits 2 with file and pointer when a file is not JSON', async () => {
    const dir = path.join(tempDir('pc-cli-'), 'contracts');
    fs.cpSync(defaultContractsDir, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'provider-states.json'), '{"states": [ {"name": } ]}');
    const io = capture();
    expect(await main(['contracts', 'check', '--dir', dir], io)).toBe(2);
    expect(io.err()).toMatch(/^push-contracts: PC_ERR_CONTRACTS_INVALID: contracts\/provider-states\.json at \/states\/0\/name \(line 1, column 23\): invalid JSON, ValueExpected\n$/);
  });

  it('contracts catalogue prints every endpoint of both APIs', async () => {
    const io = capture();
    expect(await main(['contracts', 'catalogue'], io)).toBe(0);
    expect(io.out()).toMatch(/schedules\.delete\s+DELETE\s+\/v3\/schedules\/\{schedule_id\}/);
    expect(io.out()).toMatch(/push\.withdraw\s+DELETE\s+\/v4\/push\/withdraw\/\{msg_id\}/);
  });

  describe('loading only the command that runs', () => {
    const all = commandsFor(['--help']);

    it('lists every command in --help, each module registering exactly the command it is listed under', async () => {
      const io = capture();
      expect(await main(['--help'], io)).toBe(0);
      const listed = [...(io.out().split('Commands:')[1] ?? '').matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]).filter((c) => c !== 'help');
      expect(listed).toEqual(all.map(([name]) => name));
      for (const [name, load] of all) {
        const program = new Command();
        load().register(program, { io: capture(), setExit: () => undefined });
        expect(program.commands.map((c) => c.name())).toEqual([name]);
      }
    });

    it('registers only the command argv starts with, and every command for anything else', () => {
      expect(commandsFor(['verify', '--pact', 'x']).map(([name]) => name)).toEqual(['verify']);
      for (const argv of [[], ['--help'], ['--help', 'verify'], ['-V'], ['help', 'verify'], ['verfy'], ['--no-such-flag']]) {
        expect(commandsFor(argv)).toHaveLength(all.length);
      }
    });

    it.each(all.map(([name]) => [name]))('%s --help, with only %s loaded, is its help with every command loaded', async (name) => {
      const alone = capture();
      const among = capture();
      expect(await main([name, '--help'], alone)).toBe(0);
      expect(await main(['help', name], among)).toBe(0);
      expect(alone.out()).toContain(`Usage: push-contracts ${name}`);
      expect(alone.out()).toBe(among.out());
    });

    it('names an unknown command with every command loaded, so the suggestion still finds the near one', async () => {
      const io = capture();
      expect(await main(['verfy'], io)).toBe(2);
      expect(io.err()).toMatch(/unknown command 'verfy'[\s\S]*verify/);
    });
  });
});

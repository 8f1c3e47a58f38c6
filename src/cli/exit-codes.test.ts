import { main } from './main';
import type { CliIO } from './io';
import { EXIT_CODES } from './exit-codes';
import { refusedPort } from '../matrix/servers';

function captureIO(env: Record<string, string | undefined> = {}): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, cwd: process.cwd() };
}

describe('exit codes in help texts', () => {
  it.each(Object.keys(EXIT_CODES))('%s --help lists exit codes 0, 1 and 2 and exits 0', async (name) => {
    const io = captureIO();
    expect(await main([...name.split(' '), '--help'], io)).toBe(0);
    const help = io.out.join('');
    expect(help).toContain('Exit codes:');
    EXIT_CODES[name].forEach((text, code) => expect(help).toContain(`  ${code}  ${text}`));
  });

  it('every command has its exit codes listed', async () => {
    const io = captureIO();
    await main(['--help'], io);
    const commandsSection = io.out.join('').split('Commands:')[1] ?? '';
    const listed = [...commandsSection.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]).filter((c) => c !== 'help');
    expect(listed.length).toBeGreaterThan(5);
    for (const c of listed) expect(Object.keys(EXIT_CODES).some((k) => k === c || k.startsWith(`${c} `))).toBe(true);
  });

  it('can-i-deploy exits 2 on an unreachable broker, as its help says', async () => {
    const help = captureIO();
    await main(['can-i-deploy', '--help'], help);
    expect(help.out.join('')).toMatch(/ {2}2 {2}.*broker unreachable/);
    const io = captureIO({ PACT_BROKER_BASE_URL: `http://127.0.0.1:${await refusedPort()}` });
    expect(await main(['can-i-deploy', '--pacticipant', 'app', '--version', '1', '--retries', '0'], io)).toBe(2);
    expect(io.err.join('')).toContain('PC_ERR_BROKER_UNREACHABLE');
  });

  it('contracts check exits 0 on the repository contracts, as its help says', async () => {
    const io = captureIO();
    expect(await main(['contracts', 'check'], io)).toBe(0);
  });
});

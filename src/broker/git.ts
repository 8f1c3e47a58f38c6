import { execFile } from 'node:child_process';
import { PushContractsError } from '../errors';
import type { Env } from './config';

export interface GitFacts {
  /** Commit sha of HEAD, or undefined outside a checkout. */
  readonly commit?: string;
  /** Current branch, or undefined outside a checkout or on a detached HEAD without a CI hint. */
  readonly branch?: string;
}

function git(args: readonly string[], cwd: string, env: Env): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', [...args], { cwd, env: env as NodeJS.ProcessEnv, timeout: 5_000, windowsHide: true }, (error, stdout) => {
      resolve(error ? undefined : stdout.trim() || undefined);
    });
  });
}

/**
 * Version and branch as the Pact docs recommend them: the commit sha and the git branch. CI checkouts
 * are often detached (GitHub Actions on a pull request), so the branch then comes from the CI's own
 * variable, as the official client's auto-detection does.
 */
export async function gitFacts(cwd: string, env: Env = {}): Promise<GitFacts> {
  const commit = await git(['rev-parse', 'HEAD'], cwd, env);
  if (!commit) return {};
  const head = await git(['rev-parse', '--abbrev-ref', 'HEAD'], cwd, env);
  const branch = head && head !== 'HEAD' ? head : env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || undefined;
  return { commit, branch };
}

/**
 * A version for the broker: the flag if given, else the commit sha. Outside a checkout and without
 * the flag it is a usage error naming the flag.
 */
export function requireValue(value: string | undefined, fromGit: string | undefined, flag: string, what: string): string {
  const v = value ?? fromGit;
  if (v === undefined || v.trim() === '') {
    throw new PushContractsError('PC_ERR_USAGE', `${flag} is required: no ${what} given and the working directory is not a git checkout`);
  }
  return v;
}

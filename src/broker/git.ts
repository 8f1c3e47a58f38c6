import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
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
 * Whether git could find a repository from `cwd`: GIT_DIR names one, or `cwd` or a parent holds a
 * `.git` (directory, or the file of a worktree or submodule) or a `HEAD` (a bare repository). When
 * none does, git's own discovery fails too, so no process is started to learn that: a spawn from a
 * large process (a CI job's jest worker, the CLI with its modules loaded) costs tens of ms of CPU.
 */
function mayBeInRepository(cwd: string, env: Env): boolean {
  if (env.GIT_DIR) return true;
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git')) || existsSync(path.join(dir, 'HEAD'))) return true;
    if (path.dirname(dir) === dir) return false;
  }
}

/**
 * Version and branch as the Pact docs recommend them: the commit sha and the git branch. CI checkouts
 * are often detached (GitHub Actions on a pull request), so the branch then comes from the CI's own
 * variable, as the official client's auto-detection does.
 */
export async function gitFacts(cwd: string, env: Env = {}): Promise<GitFacts> {
  if (!mayBeInRepository(cwd, env)) return {};
  // One process for both: `--abbrev-ref` applies to the names after it, so this prints the sha, then
  // the branch (`HEAD` when detached); it fails as a whole outside a checkout or before the first commit.
  const out = await git(['rev-parse', 'HEAD', '--abbrev-ref', 'HEAD'], cwd, env);
  const [commit, head] = (out ?? '').split('\n').map((l) => l.trim());
  if (!commit) return {};
  const branch = head && head !== 'HEAD' ? head : env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || undefined;
  return { commit, branch };
}

/**
 * gitFacts when a value it would default is missing from `given` (the flags' values, undefined when not
 * given); when every one is given, nothing, and no git process is started for values nobody reads.
 */
export function gitFactsUnlessGiven(given: ReadonlyArray<string | undefined>, cwd: string, env: Env = {}): Promise<GitFacts> {
  return given.every((v) => v !== undefined) ? Promise.resolve({}) : gitFacts(cwd, env);
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

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gitFacts, gitFactsUnlessGiven } from './git';
import { tempDir } from '../../test-support/temp-dir';

/**
 * A `git` first on PATH that logs each invocation's arguments, then runs the real git: what gitFacts
 * learns, and how many processes it started to learn it.
 */
function loggingGit(): { env: Record<string, string>; calls: () => string[] } {
  const bin = tempDir('pc-gitbin-');
  const log = path.join(bin, 'calls.log');
  const real = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
  fs.writeFileSync(path.join(bin, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  return {
    env: { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '' },
    calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []),
  };
}

function checkout(branch: string): { repo: string; sha: string; git: (...args: string[]) => string } {
  const repo = tempDir('pc-gitfacts-');
  const git = (...args: string[]): string => execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd: repo }).toString().trim();
  git('init', '-q', '-b', branch);
  git('commit', '-q', '--allow-empty', '-m', 'init');
  return { repo, sha: git('rev-parse', 'HEAD'), git };
}

describe('gitFacts', () => {
  it('reads the commit and the branch of a checkout, from a subdirectory too, with one git process', async () => {
    const { repo, sha } = checkout('feature/facts');
    const sub = path.join(repo, 'a', 'b');
    fs.mkdirSync(sub, { recursive: true });
    const g = loggingGit();
    expect(await gitFacts(repo, g.env)).toEqual({ commit: sha, branch: 'feature/facts' });
    expect(await gitFacts(sub, g.env)).toEqual({ commit: sha, branch: 'feature/facts' });
    expect(g.calls()).toEqual(['rev-parse HEAD --abbrev-ref HEAD', 'rev-parse HEAD --abbrev-ref HEAD']);
  });

  it('takes the branch from the CI variable on a detached HEAD', async () => {
    const { repo, sha, git } = checkout('main');
    git('checkout', '-q', '--detach');
    const g = loggingGit();
    expect(await gitFacts(repo, g.env)).toEqual({ commit: sha, branch: undefined });
    expect(await gitFacts(repo, { ...g.env, GITHUB_HEAD_REF: 'feat/pr' })).toEqual({ commit: sha, branch: 'feat/pr' });
  });

  it('knows nothing before the first commit', async () => {
    const repo = tempDir('pc-gitempty-');
    execFileSync('git', ['init', '-q'], { cwd: repo });
    expect(await gitFacts(repo, loggingGit().env)).toEqual({});
  });

  it('knows nothing outside a checkout, and starts no git process to learn it', async () => {
    const outside = tempDir('pc-gitnone-');
    const g = loggingGit();
    expect(await gitFacts(outside, g.env)).toEqual({});
    expect(g.calls()).toEqual([]);
  });

  it('asks git when GIT_DIR names the repository, wherever the working directory is', async () => {
    const { repo, sha } = checkout('named');
    const g = loggingGit();
    expect(await gitFacts(tempDir('pc-gitdir-'), { ...g.env, GIT_DIR: path.join(repo, '.git') })).toEqual({ commit: sha, branch: 'named' });
    expect(g.calls()).toHaveLength(1);
  });

  it('finds a bare repository, which has no .git', async () => {
    const { repo, sha } = checkout('bare');
    const bare = path.join(tempDir('pc-gitbare-'), 'repo.git');
    execFileSync('git', ['clone', '-q', '--bare', repo, bare]);
    expect(await gitFacts(bare, loggingGit().env)).toEqual({ commit: sha, branch: 'bare' });
  });
});

describe('gitFactsUnlessGiven', () => {
  it('starts no git process when every value it would default is given, and asks git once when one is missing', async () => {
    const { repo, sha } = checkout('given');
    const g = loggingGit();
    expect(await gitFactsUnlessGiven(['1.0.0', 'main'], repo, g.env)).toEqual({});
    expect(g.calls()).toEqual([]);
    expect(await gitFactsUnlessGiven(['1.0.0', undefined], repo, g.env)).toEqual({ commit: sha, branch: 'given' });
    expect(g.calls()).toEqual(['rev-parse HEAD --abbrev-ref HEAD']);
  });
});

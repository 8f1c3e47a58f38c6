/** The I/O a command uses, injected so tests run commands in-process without mocks. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** stderr is a terminal: progress is drawn as one live line instead of periodic lines. */
  readonly stderrIsTTY?: boolean;
}

export function processIO(): CliIO {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    stderrIsTTY: process.stderr.isTTY === true,
  };
}

/** CLI exit codes: 0 conforming, 1 contract or policy violations, 2 usage or infrastructure error. */
export const EXIT = { OK: 0, VIOLATIONS: 1, ERROR: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

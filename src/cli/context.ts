/**
 * What every command gets: injected I/O and a way to set the exit code it computed. In its own module
 * so that main.ts (which lists the commands) and the commands (which use it) both import it, instead of
 * the commands importing main.ts back.
 */
import type { CliIO } from './io';

export interface CommandContext {
  readonly io: CliIO;
  setExit(code: number): void;
}

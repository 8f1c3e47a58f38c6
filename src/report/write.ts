import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Contracts } from '../contracts/load';
import { maskSecrets } from '../credentials';
import { renderHtml } from './html';
import { renderJson } from './json';
import { junitFiles, refuseOverwrite, writeJunit } from './junit';
import type { RunModel } from './model';

export interface ReportTargets {
  /** Directory, or a file name (see writeJunit). */
  readonly junit?: string;
  readonly html?: string;
  readonly json?: string;
}

export interface WrittenReports {
  readonly junit: readonly string[];
  readonly html?: string;
  readonly json?: string;
}

function writeText(file: string, text: string): string {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** Writes the asked-for reports, masking every secret form in each, and returns their paths. */
export function writeReports(model: RunModel, targets: ReportTargets, secrets: readonly string[] = [], contracts?: Contracts): WrittenReports {
  const mask = (t: string): string => maskSecrets(t, secrets);
  // Every path is checked before anything is written: no two reports of one run on the same file.
  refuseOverwrite([...(targets.junit ? junitFiles(model, targets.junit) : []), targets.html, targets.json].filter((f): f is string => f !== undefined));
  const junit = targets.junit ? writeJunit(model, targets.junit, { secrets }) : [];
  return {
    junit,
    html: targets.html ? writeText(targets.html, mask(renderHtml(model, contracts))) : undefined,
    json: targets.json ? writeText(targets.json, mask(renderJson(model))) : undefined,
  };
}

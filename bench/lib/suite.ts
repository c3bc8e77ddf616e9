// What a suite is and what it hands back.
import type { BenchEngine } from './engine';
import type { Budget, CleanupStack } from './cleanup';

export interface SuiteContext {
  engine: BenchEngine;
  cleanup: CleanupStack;
  /** This suite's own time budget; loops stop early (and say so) when it runs out. */
  budget: Budget;
  log(msg: string): void;
}

export interface TargetCheck {
  name: string;
  value: number;
  unit: string;
  /** e.g. "<= 1.0" */
  target: string;
  pass: boolean;
}

export interface SuiteResult {
  /** Inputs: counts, iterations, what was compared. */
  params: Record<string, unknown>;
  /** Measured figures (ms unless the key says otherwise). */
  metrics: Record<string, unknown>;
  targets: TargetCheck[];
  notes: string[];
  /** Markdown lines for latest.md (a short table or list). */
  summary: string[];
}

export interface Suite {
  name: string;
  title: string;
  /** Hard upper bound for the whole suite, set-up included. */
  timeLimitMs: number;
  run(ctx: SuiteContext): Promise<SuiteResult>;
}

export function check(name: string, value: number, unit: string, op: '<=' | '>=', limit: number): TargetCheck {
  const pass = op === '<=' ? value <= limit : value >= limit;
  return { name, value, unit, target: `${op} ${limit}${unit === 'ratio' ? '' : ` ${unit}`}`, pass };
}

// COMMON: how a procedure is declared. Each domain file under procedures/ uses these.
import type { z } from 'zod';

export type ProcedureKind = 'query' | 'command' | 'stream';

export interface ProcedureDef<K extends ProcedureKind, I extends z.ZodType, O extends z.ZodType> {
  kind: K;
  input: I;
  output: O;
  /** One line for docs and error messages. */
  summary: string;
}

export const query = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): ProcedureDef<'query', I, O> => ({ kind: 'query', input, output, summary });
export const command = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): ProcedureDef<'command', I, O> => ({ kind: 'command', input, output, summary });
export const stream = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): ProcedureDef<'stream', I, O> => ({ kind: 'stream', input, output, summary });

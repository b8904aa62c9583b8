/**
 * What every rule has: its name and expression (run through a `QueryFunc`), and what it reports
 * after an evaluation (health, last error, timing) as `/api/v1/rules` shows it. Recording and
 * alerting rules extend it.
 */
import { exprToString, type Expr, type Sample } from '../promql/index.js';
import { IgnisError } from '../util/index.js';
import type { QueryFunc } from './query-func.js';

/** Health of a rule after its last evaluation; `unknown` before the first. */
export type RuleHealth = 'ok' | 'err' | 'unknown';

/** A rule's evaluation failed (query error, duplicate output series, limit exceeded). */
export class RuleEvalError extends IgnisError {}

/** A rule's name, expression and evaluation outcome; see the module comment. */
export class RuleStatus {
  readonly name: string;
  /** The expression as the parser prints it. */
  readonly query: string;
  readonly #expr: Expr;
  health: RuleHealth = 'unknown';
  lastError = '';
  /** Seconds the last evaluation took. */
  evaluationTime = 0;
  /** Start of the last evaluation, ms since the epoch. */
  lastEvaluation: number | undefined = undefined;

  constructor(name: string, expr: Expr) {
    this.name = name;
    this.#expr = expr;
    this.query = exprToString(expr);
  }

  /** The expression's instant result at `t` (ms); a failed query throws `RuleEvalError` (cause: the error). */
  protected async run(query: QueryFunc, t: number): Promise<Sample[]> {
    try {
      return await query(this.#expr, this.query, t);
    } catch (err) {
      throw new RuleEvalError(err instanceof Error ? err.message : String(err), { cause: err });
    }
  }

  /** Records the outcome of an evaluation that started at `start` (ms) and took `seconds`. */
  record(start: number, seconds: number, err: unknown): void {
    this.lastEvaluation = start;
    this.evaluationTime = seconds;
    this.health = err === undefined ? 'ok' : 'err';
    this.lastError = err === undefined ? '' : err instanceof Error ? err.message : String(err);
  }
}

/**
 * What every rule reports after an evaluation (health, last error, timing), as
 * `/api/v1/rules` shows it; recording and alerting rules extend it.
 */

/** Health of a rule after its last evaluation; `unknown` before the first. */
export type RuleHealth = 'ok' | 'err' | 'unknown';

/** A rule's evaluation outcome; see the module comment. */
export class RuleStatus {
  health: RuleHealth = 'unknown';
  lastError = '';
  /** Seconds the last evaluation took. */
  evaluationTime = 0;
  /** Start of the last evaluation, ms since the epoch. */
  lastEvaluation: number | undefined = undefined;

  /** Records the outcome of an evaluation that started at `start` (ms) and took `seconds`. */
  record(start: number, seconds: number, err: unknown): void {
    this.lastEvaluation = start;
    this.evaluationTime = seconds;
    this.health = err === undefined ? 'ok' : 'err';
    this.lastError = err === undefined ? '' : err instanceof Error ? err.message : String(err);
  }
}

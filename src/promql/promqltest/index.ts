/**
 * The runner for PromQL `.test` scripts (upstream's format): parse, run against the engine over
 * an in-memory storage, summarise per file.
 */
export { parseScript, ScriptError, type Command, type EvalCommand, type LoadCommand, type ClearCommand, type Expectations } from './script.js';
export { runScript, SkipReason, TEST_ENGINE_SETTINGS, type EvalOutcome } from './runner.js';
export { summarize, renderTable, type FileSummary } from './report.js';
export { almostEqual } from './compare.js';
export { hasHistograms, splitHistogramItems } from './load-lines.js';

/**
 * The V8 flags every long-running `ignis` process runs with. They must be on node's command
 * line (V8 reads them when the heap is set up; `v8.setFlagsFromString` afterwards is undefined
 * behaviour and `NODE_OPTIONS` refuses them), so they appear in three places that are kept
 * equal by `node-flags.test.ts`: the shebang of `ignis.ts`, `npm start`, and the tests and
 * benches that spawn `dist/src/cmd/ignis.js` through {@link ignisNodeArgs}.
 *
 * `--no-concurrent-marking`: with a large head (a million series) V8's background marking
 * threads get little CPU on a busy two-core machine, so the final mark-compact pause does most
 * of the marking — 160 ms measured; marking incrementally on the main thread instead keeps
 * that pause near 20–30 ms, in steps of about a millisecond.
 */
export const IGNIS_NODE_FLAGS: readonly string[] = ['--no-concurrent-marking'];

/** `node` arguments that run the compiled entry point `ignisMain` with {@link IGNIS_NODE_FLAGS}. */
export function ignisNodeArgs(ignisMain: string, ...args: string[]): string[] {
  return [...IGNIS_NODE_FLAGS, ignisMain, ...args];
}

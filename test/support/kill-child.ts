/**
 * Crash tests on real processes: runs a Node child that appends and reports on stdout, and kills
 * it with SIGKILL (by its PID) at a chosen moment.
 *
 * The child's protocol: a line `ready N` once it is set up (N: the first commit it will make),
 * then `ack K` after commit K was acknowledged. The child writes them synchronously, so a
 * printed ack really happened before any kill.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** What one child run did. */
export interface ChildRun {
  /** The `ready` number; -1 when the child never got ready. */
  first: number;
  /** The last acknowledged commit; -1 when none. */
  lastAck: number;
  /** How many acks the child printed. */
  acks: number;
  /** Wall time from `ready` to the kill, ms. */
  ms: number;
}

/** Options of `runUntilKilled`. */
export interface KillOptions {
  /**
   * Called `killAfterMs` after `ready` in place of killing at once: it calls `kill` when it
   * wants (for example once the child is in a chosen state).
   */
  beforeKill?: (kill: () => void) => void;
  /** Called right before the SIGKILL is sent (once). */
  onKill?: () => void;
  /** The child is killed anyway this long after the start (default 60 s). */
  guardMs?: number;
}

/**
 * Spawns `node script ...args` and SIGKILLs it `killAfterMs` after its `ready` line (see
 * `KillOptions` for other moments). Resolves with what it reported; rejects when the child
 * exits in any other way than by the SIGKILL, with the tail of its stderr.
 */
export function runUntilKilled(script: string, args: readonly string[], killAfterMs: number, opts: KillOptions = {}): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = child.pid!;
    let first = -1;
    let lastAck = -1;
    let acks = 0;
    let started = 0;
    let stderr = '';
    let killed = false;
    const kill = (): void => {
      if (killed) return;
      killed = true;
      opts.onKill?.();
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already exited
      }
    };
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8192)));
    const guard = setTimeout(kill, opts.guardMs ?? 60_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [word, num] = line.split(' ');
      if (word === 'ready') {
        first = Number(num);
        started = Date.now();
        setTimeout(() => (opts.beforeKill ? opts.beforeKill(kill) : kill()), killAfterMs);
      } else if (word === 'ack') {
        lastAck = Number(num);
        acks++;
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code}/${signal}: ${stderr}`));
      else resolve({ first, lastAck, acks, ms: Date.now() - started });
    });
  });
}

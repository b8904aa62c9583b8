/**
 * Round-robin event-loop turns for long computations cut into slices (query evaluation, large
 * selects). With a plain `setImmediate` per yield, every computation that yielded in one turn
 * resumes in the same check phase of the next, so k of them hold the loop for k slices in a
 * row. `takeTurn()` queues the caller instead: each turn resumes one waiter, oldest first, so a
 * turn stays near one slice however many computations run.
 */

const waiting: Array<() => void> = [];
let scheduled = false;

/** Resumes the longest waiter; the next one gets the next turn. */
function nextTurn(): void {
  scheduled = false;
  const resume = waiting.shift();
  if (waiting.length > 0) {
    scheduled = true;
    setImmediate(nextTurn);
  }
  resume?.();
}

/** Resolves in a later event-loop turn, after everything that was waiting before. */
export function takeTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(nextTurn);
    }
  });
}

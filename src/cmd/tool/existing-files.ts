/**
 * promtool's (kingpin's `ExistingFiles`) check of file arguments: at least one, each existing
 * and not a directory; anything else is a usage error with kingpin's text.
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { UsageError, type CommandSpec } from '../flags.js';

/** Throws `UsageError` unless `files` names at least one existing file (argument `argName`) and no directory. */
export function requireExistingFiles(files: readonly string[], argName: string, spec: CommandSpec): void {
  if (files.length === 0) throw new UsageError(`required argument '${argName}' not provided`, spec);
  for (const f of files) {
    const st = statSync(f, { throwIfNoEntry: false });
    if (st === undefined) throw new UsageError(`path '${f}' does not exist`, spec);
    if (st.isDirectory()) throw new UsageError(`'${basename(f)}' is a directory`, spec);
  }
}

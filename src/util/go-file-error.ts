/**
 * Go's text for a failed file operation (`*fs.PathError`): `<op> <path>: <errno text>`, as
 * upstream prints it when a configuration, rule or test file cannot be read.
 */

/** Go's (Linux `syscall.Errno`) texts where Node's (libuv's) differ or are worth pinning. */
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'file name too long',
};

/** Node's system error message `CODE: text, syscall 'path'` → `text`. */
const NODE_SYSTEM_MESSAGE = /^[A-Z0-9]+: ([^,]+),/;

/**
 * The message Go would give for `err`, a Node error from reading `path` with Go's operation
 * `op` (`open`, `stat`): `open x.yml: no such file or directory`. Reading a directory fails in
 * Go's `read`, not its `open`, so EISDIR always gives `read <path>: is a directory`. An error
 * code not in the table keeps the errno text of Node's message; an error without a code keeps
 * its whole message (`open <path>: <message>`). Never throws.
 */
export function goFileError(err: unknown, op: string, path: string): string {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  const known = typeof code === 'string' ? ERRNO_TEXT[code] : undefined;
  const text = known ?? (typeof code === 'string' ? NODE_SYSTEM_MESSAGE.exec(message)?.[1] : undefined) ?? message;
  return `${code === 'EISDIR' ? 'read' : op} ${path}: ${text}`;
}

/**
 * A WAL segment-file opener that simulates a full disk on demand, for tests of how the head and
 * the DB behave when writes fail with ENOSPC and recover once space returns.
 */
import { openSegmentFile, type SegmentFileOpener } from '../../src/tsdb/wlog/index.js';

/**
 * Opens real segment files whose writes fail with an ENOSPC error (`code: 'ENOSPC'`) while
 * `disk.full` is true. A failing write of more than one byte first writes half of it, as a real
 * file system does when it runs out mid-write; with `disk.full` false writes pass through.
 */
export function switchableDisk(disk: { full: boolean }): SegmentFileOpener {
  return async (path) => {
    const f = await openSegmentFile(path);
    return {
      ...f,
      write: async (buf, off, len, pos) => {
        if (disk.full) {
          if (len > 1) await f.write(buf, off, len >> 1, pos);
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        }
        return f.write(buf, off, len, pos);
      },
    };
  };
}

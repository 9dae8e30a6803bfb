import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DurableWrite, WriteJournal } from '../../quarantine';

const SUFFIX = '.json';

/**
 * Post-release writes that Azure Storage refused, one small file each on local disk, so that they outlive a restart
 * during a storage outage. A file is written under a temporary name and renamed, so a crash never leaves half a write.
 */
export class DirectoryWriteJournal implements WriteJournal {
  constructor(private readonly directory: string) {}

  async add(write: DurableWrite): Promise<string> {
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    // Time first, so that the files sort (and are replayed) in the order they were written.
    const id = `${Date.now().toString().padStart(15, '0')}-${randomUUID()}`;
    const path = join(this.directory, id + SUFFIX);
    await writeFile(`${path}.tmp`, JSON.stringify(write), { mode: 0o600 });
    await rename(`${path}.tmp`, path);
    return id;
  }

  async remove(id: string): Promise<void> {
    await rm(join(this.directory, id + SUFFIX), { force: true });
  }

  async pending(): Promise<readonly { readonly id: string; readonly write: DurableWrite }[]> {
    const names = await readdir(this.directory).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    const ids = names.filter((name) => name.endsWith(SUFFIX)).map((name) => name.slice(0, -SUFFIX.length)).sort();
    const entries = await Promise.all(ids.map(async (id) => {
      try {
        return { id, write: JSON.parse(await readFile(join(this.directory, id + SUFFIX), 'utf8')) as DurableWrite };
      } catch {
        return null; // unreadable: left on disk for a person to look at, never guessed at
      }
    }));
    return entries.filter((entry) => entry !== null);
  }
}

// Give an unfinished file its final name by one rename, recorded in the build's journal first (same inode), so
// that a SIGKILL at any moment leaves no finished-looking file that `ksimage cleanup` does not know of.
import { rename } from "node:fs/promises";
import { isDryRun } from "./dry-run.js";
import { journal } from "./journal.js";

export async function publishFile(partial: string, final: string): Promise<void> {
  if (isDryRun()) return;
  journal()?.partial(final, partial);
  await rename(partial, final);
}

// Install the tree of a `liveimg` source (a root tarball or a filesystem image) into the mounted root.
import { mkdir, rmdir } from "node:fs/promises";
import path from "node:path";
import { KsimageError } from "../errors.js";
import { attachLoop, detachLoop } from "../partition/loop.js";
import { unmount } from "../partition/mount.js";
import type { InstallSource } from "../plan.js";
import { isDryRun, run, type Teardown } from "../run/index.js";

export type LiveimgSource = Extract<InstallSource, { kind: "liveimg" }>;
type TarFormat = Exclude<LiveimgSource["format"], "image">;

const DECOMPRESS: Record<TarFormat, string[]> = {
  tar: [],
  "tar.gz": ["--gzip"],
  "tar.xz": ["--xz"],
  "tar.zst": ["--zstd"],
  "tar.bz2": ["--bzip2"],
};

// The tar argv that unpacks FILE into ROOT keeping owners (by number), modes, xattrs, ACLs and hard links.
export function tarExtractArgs(file: string, format: TarFormat, root: string): string[] {
  return ["tar", ...DECOMPRESS[format], "--xattrs", "--xattrs-include=*", "--acls", "--numeric-owner", "--same-owner", "-xpf", file, "-C", root];
}

// The mount argv for a filesystem image's loop device: read-only, type found by mount.
export function imageMountArgs(device: string, target: string): string[] {
  return ["mount", "-o", "ro", device, target];
}

// The cp argv that copies a mounted tree into ROOT with everything cp -a keeps (owners, modes, links, xattrs).
export function treeCopyArgs(from: string, root: string): string[] {
  return ["cp", "-a", "--", `${from}/.`, `${root}/`];
}

// Unpack or copy the liveimg tree into ROOT; an image is mounted read-only under WORKDIR only while copying.
export async function installLiveimg(source: LiveimgSource, root: string, workdir: string, teardown: Teardown): Promise<void> {
  if (source.format !== "image") {
    await run(tarExtractArgs(source.path, source.format, root), { reason: `unpack the liveimg tarball ${source.path}` });
    return;
  }
  await copyImage(source.path, root, path.join(workdir, "liveimg"), teardown);
}

// Copy a filesystem image's tree: loop (read-only) -> mount -> cp -a -> unmount -> detach, leaving nothing behind.
async function copyImage(image: string, root: string, mnt: string, teardown: Teardown): Promise<void> {
  let device: string | undefined;
  // The image belongs to the user and may be in use elsewhere: detach only the loop device we attached.
  const release = async (): Promise<void> => {
    await unmount(mnt);
    if (device !== undefined && !isDryRun()) await detachLoop(device, image);
    if (!isDryRun()) await rmdir(mnt).catch(() => undefined);
  };
  const handle = teardown.defer(`release the liveimg image ${image}`, release);
  try {
    if (!isDryRun()) await mkdir(mnt, { recursive: true });
    device = await attachLoop(image, { readOnly: true, reason: `read the liveimg image ${image}`, placeholder: "${LOOP_LIVEIMG}" });
    await run(imageMountArgs(device, mnt), { reason: `mount the liveimg image ${image}` });
    await run(treeCopyArgs(mnt, root), { reason: `copy the tree of ${image} into the image` });
  } catch (error) {
    if (error instanceof KsimageError) throw error;
    throw new KsimageError(`could not copy the liveimg image ${image}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await release();
    handle.release();
  }
}

const DECOMPRESSOR: Record<TarFormat, string | null> = { tar: null, "tar.gz": "gzip", "tar.xz": "xz", "tar.zst": "zstd", "tar.bz2": "bzip2" };

// The host tools installLiveimg runs for SOURCE, and why.
export function liveimgTools(source: LiveimgSource): { tool: string; reason: string }[] {
  if (source.format === "image") return [{ tool: "cp", reason: `copy the tree of the liveimg image ${source.path}` }];
  const decompressor = DECOMPRESSOR[source.format];
  const tar = { tool: "tar", reason: `unpack the liveimg tarball ${source.path}` };
  return decompressor === null ? [tar] : [tar, { tool: decompressor, reason: `decompress the liveimg tarball ${source.path}` }];
}

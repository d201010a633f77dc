// A tiny real root made of the host's own binaries and the libraries ldd names: enough to run scripts in the guest, in a second.
import { copyFile, mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { run } from "../../src/run/index.js";

/** The binaries a guest shell script needs. */
export const SHELL_TOOLS = ["/usr/bin/dash", "/usr/bin/sleep", "/usr/bin/cat", "/usr/bin/grep", "/usr/bin/mkdir", "/usr/bin/ls"];

// Copy BINS (host paths under /usr/bin or /usr/sbin) and their libraries into ROOT at the same paths; /bin is a link to
// usr/bin and /bin/sh is dash, as on Debian. The root says it is Debian (so the session lends it a policy-rc.d).
export async function makeTinyRoot(root: string, bins: readonly string[] = SHELL_TOOLS): Promise<void> {
  for (const bin of bins) {
    const { stdout } = await run(["ldd", bin], { allowExitCodes: [1] });
    const libs = [...stdout.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1]!);
    for (const file of [bin, ...libs]) {
      await mkdir(path.join(root, path.dirname(file)), { recursive: true });
      await copyFile(file, path.join(root, file));
      await run(["chmod", "755", path.join(root, file)]);
    }
  }
  await symlink("usr/bin", path.join(root, "bin"));
  await symlink("dash", path.join(root, "usr/bin/sh"));
  for (const dir of ["usr/sbin", "etc", "tmp", "root"]) await mkdir(path.join(root, dir), { recursive: true });
  await run(["chmod", "1777", path.join(root, "tmp")]);
  await writeFile(path.join(root, "etc/debian_version"), "12.0\n");
}

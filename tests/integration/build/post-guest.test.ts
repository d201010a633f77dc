// %post in a real build (the fast liveimg path, a tiny root of host binaries): what the guest session gives a script, and a failing script's error.
import { lstatSync, readFileSync, readlinkSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildAppliance } from "../../../src/build.js";
import { reportError } from "../../../src/cli/errors.js";
import { ScriptError } from "../../../src/installer/scripts.js";
import { createLogger, getLogger, run, setLogger, Teardown } from "../../../src/run/index.js";
import { planKickstart, useSandbox, type Sandbox } from "../../helpers/build-sandbox.js";
import { mountPartitionReadOnly } from "../../helpers/image-readback.js";
import { makeTinyRoot, SHELL_TOOLS } from "../../helpers/tiny-root.js";

// A root tarball with a shell, grep and the host's systemctl.
async function tarball(sb: Sandbox): Promise<string> {
  const tree = path.join(sb.dir, "tree");
  await makeTinyRoot(tree, [...SHELL_TOOLS, "/usr/bin/systemctl"]);
  await mkdir(path.join(tree, "usr/lib/systemd/system"), { recursive: true });
  const file = path.join(sb.dir, "root.tar");
  await run(["tar", "--numeric-owner", "-cf", file, "-C", tree, "."]);
  return file;
}

const layout = (file: string) => `liveimg --url=file://${file}\npart / --fstype=ext4 --size=64\nbootloader --location=none\n`;

const NEEDS_THE_GUEST = `%post --erroronfail
set -e
grep -q '^Name:' /proc/self/status
ls /sys/class/net | grep -qx lo
echo discarded > /dev/null
test -c /dev/null
grep -q ' /dev/pts devpts ' /proc/self/mounts
test -c /dev/pts/ptmx
test "$HOME $LANG" = "/root C.UTF-8"
mkdir -p /etc/systemd/system
cat > /etc/systemd/system/ksimage-hello.service <<'UNIT'
[Unit]
Description=written by a %post

[Service]
ExecStart=/bin/true

[Install]
WantedBy=multi-user.target
UNIT
systemctl enable ksimage-hello.service
%end
`;

describe("ksimage build: %post in the guest session", () => {
  const sandbox = useSandbox();

  it("a %post --erroronfail that needs /proc, /sys, /dev/null and /dev/pts succeeds, and systemctl enable of its own unit works", async () => {
    const sb = sandbox();
    const plan = await planKickstart(sb, "post", layout(await tarball(sb)) + NEEDS_THE_GUEST);
    const logFile = path.join(sb.dir, "build.log");
    const previous = getLogger();
    setLogger(createLogger({ file: logFile }), logFile);
    const started = Date.now();
    const result = await buildAppliance(plan, { tmpdir: sb.dir, handleSignals: false }).finally(() => setLogger(previous));
    const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
    const session = readFileSync(logFile, "utf8").split("\n").filter((l) => l.includes('"msg":"guest session')).map((l) => (JSON.parse(l) as { msg: string }).msg);
    console.log(`build with %post: ${((Date.now() - started) / 1000).toFixed(1)} s at load ${load}; ${session.join("; ")}`);
    expect(session).toHaveLength(2);

    const check = new Teardown();
    try {
      const root = path.join(sb.dir, "check-root");
      await mountPartitionReadOnly(result.outputs[0]!, plan.layout.disks[0]!.partitions[0]!, "ext4", root, check);
      const link = path.join(root, "etc/systemd/system/multi-user.target.wants/ksimage-hello.service");
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readlinkSync(link)).toBe("/etc/systemd/system/ksimage-hello.service");
      // The session left nothing behind in the tree: no borrowed policy-rc.d, no resolv.conf of the host.
      expect(() => lstatSync(path.join(root, "usr/sbin/policy-rc.d"))).toThrow();
      expect(() => lstatSync(path.join(root, "etc/resolv.conf"))).toThrow();
    } finally {
      await check.unwind();
    }
  });

  it("a failing %post --erroronfail: the error shows the last 20 lines of its own output, the build unwinds", async () => {
    const sb = sandbox();
    const failing = `%post --erroronfail\nfor i in $(seq 1 25 2>/dev/null || echo 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25); do echo "step $i"; done\necho "no such thing" >&2\nexit 4\n%end\n`;
    const plan = await planKickstart(sb, "fail", layout(await tarball(sb)) + failing);
    const error = await buildAppliance(plan, { tmpdir: sb.dir, handleSignals: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScriptError);
    let text = "";
    reportError(error, { write: (s) => (text += s) });
    const lines = text.split("\n");
    expect(lines[0]).toBe("ksimage: %post (fail.ks:4) failed with exit code 4");
    expect(lines.filter((l) => l.startsWith("  | "))).toEqual([...Array.from({ length: 19 }, (_, i) => `  | step ${i + 7}`), "  | no such thing"]);
    expect(lines.at(-2)).toBe("  hint: the script has --erroronfail; above are the last 20 lines it printed; its whole output is in the build log");
  });
});

// %pre on the host, %post in a real Debian root and with --nochroot: order, output, --log, failures, --erroronfail.
import { chmod, mkdir, mkdtemp, readdir, readFile, stat } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openGuestSession, withGuestSession, type GuestSession } from "../../../src/installer/guest/session.js";
import { runPostScripts, runPreScripts, ScriptError } from "../../../src/installer/scripts.js";
import { mountsUnder } from "../../../src/partition/mount.js";
import { createLogger, getLogger, setLogger, Teardown } from "../../../src/run/index.js";
import { forceCleanup, loopsUnder } from "../../helpers/build-sandbox.js";
import { makeDebianRoot } from "../../helpers/debian-root.js";
import { parseOk } from "../../helpers/ks.js";

let dir: string;
let root: string;
let logFile: string;
let guest: GuestSession;
const outer = new Teardown();
const previousLogger = getLogger();

beforeAll(async () => {
  dir = await mkdtemp("/var/tmp/ksimage-scripts-it-");
  outer.defer(`remove ${dir}`, () => forceCleanup(dir));
  await chmod(dir, 0o755);
  root = path.join(dir, "root");
  const seconds = await makeDebianRoot(root, "essential", []);
  console.log(`mmdebstrap essential root: ${seconds.toFixed(1)} s`);
  logFile = path.join(dir, "build.log");
  setLogger(createLogger({ file: logFile }));
  guest = await openGuestSession(root, outer);
}, 600_000);

afterAll(async () => {
  setLogger(previousLogger);
  await guest.release();
  const leftovers = { mounts: await mountsUnder(dir), loops: await loopsUnder(dir) };
  await outer.unwind();
  expect(leftovers).toEqual({ mounts: [], loops: [] });
});

const guestTmp = async () => (await readdir(path.join(root, "tmp"))).filter((f) => f.startsWith("ks-script-"));
const read = (p: string) => readFile(path.join(root, p), "utf8");

describe("%pre", () => {
  it("runs on the build host, before there is any root", async () => {
    const out = path.join(dir, "pre-out");
    const ks = parseOk(`%pre\necho "pre ran, INSTALL_ROOT=\${INSTALL_ROOT:-unset}" > ${out}\n%end`);
    const teardown = new Teardown();
    expect(await runPreScripts(ks, { teardown })).toEqual([]);
    expect(await readFile(out, "utf8")).toBe("pre ran, INSTALL_ROOT=unset\n");
    expect(teardown.size).toBe(0);
  });
});

describe("%post", () => {
  const hostLog = () => path.join(dir, "nochroot.log");
  const kickstart = () => `
%post
echo "in chroot: $(cat /etc/debian_version)" > /root/post-chroot
echo to-stdout
echo to-stderr >&2
%end
%post --nochroot --log=${hostLog()}
echo "INSTALL_ROOT=$INSTALL_ROOT ANA_INSTALL_PATH=$ANA_INSTALL_PATH" > "$INSTALL_ROOT/root/post-nochroot"
pwd > "$INSTALL_ROOT/root/nochroot-cwd"
echo nochroot-output
%end
%post --interpreter=/bin/bash --log=/var/log/ks-post.log
arr=(a b c); echo "bash array \${#arr[@]}"
echo "order: $(ls /root | tr '\\n' ' ')"
%end
%post
echo failing; exit 3
%end
%post --interpreter=/usr/bin/python3
print("never")
%end
%post
echo after-failures > /root/after-failures
%end
`;
  let warnings: string[];
  const teardown = new Teardown();
  const seen: string[] = [];

  beforeAll(async () => {
    warnings = await runPostScripts(parseOk(kickstart()), guest, { teardown, onOutput: (line) => seen.push(line) });
  });

  it("runs in the guest through chroot", async () => {
    expect(await read("root/post-chroot")).toMatch(/^in chroot: 12\.\d+\n$/);
  });

  it("--nochroot runs on the host with INSTALL_ROOT and ANA_INSTALL_PATH, outside the root", async () => {
    expect(await read("root/post-nochroot")).toBe(`INSTALL_ROOT=${root} ANA_INSTALL_PATH=${root}\n`);
    const cwd = (await read("root/nochroot-cwd")).trim();
    expect(cwd === root || cwd.startsWith(`${root}/`)).toBe(false);
  });

  it("--interpreter, in kickstart order, --log inside the guest and on the host", async () => {
    expect(await read("var/log/ks-post.log")).toBe("bash array 3\norder: nochroot-cwd post-chroot post-nochroot \n");
    expect(await readFile(hostLog(), "utf8")).toBe("nochroot-output\n");
  });

  it("failures without --erroronfail are warnings and later scripts still run", async () => {
    expect(warnings).toEqual([
      "%post (ks.cfg:16) failed with exit code 3; the build goes on (the script has no --erroronfail)",
      "%post (ks.cfg:19) interpreter /usr/bin/python3 not found in the guest; the build goes on (the script has no --erroronfail)",
    ]);
    expect(await read("root/after-failures")).toBe("after-failures\n");
  });

  it("output goes to the build log and the caller, and no script file is left", async () => {
    const log = await readFile(logFile, "utf8");
    for (const text of ["to-stdout", "to-stderr", "nochroot-output", "failing"]) {
      expect(log).toMatch(new RegExp(`"script":"%post[^"]*\\(ks.cfg:\\d+\\)".*"msg":"${text}"`));
      expect(seen).toContain(text);
    }
    expect(await guestTmp()).toEqual([]);
    expect(teardown.size).toBe(0);
  });
});

describe("%post --erroronfail", () => {
  it("fails with a ScriptError, stops the scripts and leaves no script file", async () => {
    const ks = parseOk(`%post --erroronfail --log=/var/log/ks-fail.log
echo boom >&2
exit 7
%end
%post
touch /root/never
%end`);
    const teardown = new Teardown();
    const error = await runPostScripts(ks, guest, { teardown }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScriptError);
    const e = error as ScriptError;
    expect(e.message).toBe("%post (ks.cfg:1) failed with exit code 7");
    expect(e.exitCode).toBe(7);
    expect(e.stderrTail).toEqual(["boom"]);
    expect(e.script).toEqual({ type: "post", file: "ks.cfg", line: 1 });
    expect(e.hint).toContain("/var/log/ks-fail.log");
    expect(await read("var/log/ks-fail.log")).toBe("boom\n");
    expect(existsSync(path.join(root, "root/never"))).toBe(false);
    expect(await guestTmp()).toEqual([]);
    expect(teardown.size).toBe(0);
  });

  it("a missing interpreter fails the build too", async () => {
    const ks = parseOk("%post --erroronfail --interpreter=/usr/bin/python3\nprint(1)\n%end");
    await expect(runPostScripts(ks, guest, { teardown: new Teardown() })).rejects.toThrow("%post (ks.cfg:1) interpreter /usr/bin/python3 not found in the guest");
  });

  it("a guest without /tmp gets one, sticky and world-writable", async () => {
    const bare = path.join(dir, "bare");
    await mkdir(path.join(bare, "bin"), { recursive: true });
    const teardown = new Teardown();
    const warnings = await withGuestSession(bare, teardown, (g) => runPostScripts(parseOk("%post\ntrue\n%end"), g, { teardown }));
    expect(warnings).toEqual([expect.stringContaining("interpreter /bin/sh not found in the guest")]);
    expect(((await stat(path.join(bare, "tmp"))).mode & 0o7777).toString(8)).toBe("1777");
  });
});

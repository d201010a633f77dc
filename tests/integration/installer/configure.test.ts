// System configuration on a real Debian root made with mmdebstrap: accounts, keys, time zone, locale, network, services.
import { chmod, cp, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlanError } from "../../../src/errors.js";
import { chooseAccounts } from "../../../src/installer/configure/accounts.js";
import { resolveInRoot, type ConfigureContext } from "../../../src/installer/configure/guest.js";
import { configureSystem, relabelSystem } from "../../../src/installer/configure/index.js";
import { configureHostname } from "../../../src/installer/configure/network.js";
import { installSshKeys } from "../../../src/installer/configure/ssh.js";
import { withGuestSession, type GuestSession } from "../../../src/installer/guest/session.js";
import { configureGroups, configureRootPassword, configureUsers } from "../../../src/installer/configure/users.js";
import { mountsUnder } from "../../../src/partition/mount.js";
import { createLogger, getLogger, run, setLogger, Teardown } from "../../../src/run/index.js";
import { forceCleanup, loopsUnder } from "../../helpers/build-sandbox.js";
import { makeDebianRoot } from "../../helpers/debian-root.js";
import { parseOk } from "../../helpers/ks.js";

/** For trees the configuration must not enter (no binaries: the host's tools or file edits do the work): entering fails the test. */
function noGuest(root: string): GuestSession {
  const refuse = (): never => {
    throw new Error(`this test expects nothing to run inside ${root}`);
  };
  return { root, run: refuse, guestTool: refuse, provideFiles: refuse, mounts: [], release: async () => undefined };
}

const ROOT_PW = "S3cret-Root-Pw";
const ALICE_PW = "Al1ce-Pw-plain";
const SVC_HASH = "$6$fixedsalt$storedasgivenbyiscrypted";
const ALICE_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKsimagetestkeyalice alice@example";
const ROOT_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKsimagetestkeyroot root@example";

const KICKSTART = `
lang de_DE.UTF-8 --addsupport=en_US.UTF-8
keyboard --vckeymap=de-nodeadkeys --xlayouts='de (nodeadkeys)'
timezone Europe/Prague --utc
firewall --enabled --ssh
selinux --permissive
rootpw --plaintext --allow-ssh ${ROOT_PW}
group --name=devs --gid=5001
user --name=alice --groups=devs,ops(5002),sudo --uid=1500 --gecos="Alice Admin" --shell=/bin/bash --password=${ALICE_PW} --plaintext
user --name=svc --homedir=/srv/svc --lock --iscrypted --password='${SVC_HASH}'
sshkey --username=alice "${ALICE_KEY}"
sshkey --username=root "${ROOT_KEY}"
network --bootproto=static --device=ens3 --ip=10.0.0.5 --netmask=255.255.255.0 --gateway=10.0.0.1 --hostname=appliance.example.com
network --device=link --bootproto=dhcp
services --enabled=serial-getty@ttyS0,nosuchunit --disabled=ssh
`;

let dir: string;
let root: string;
let logFile: string;
const outer = new Teardown();
const previousLogger = getLogger();

const text = (p: string) => readFile(path.join(root, p), "utf8");
const mode = async (p: string) => ((await stat(path.join(root, p))).mode & 0o7777).toString(8);
const line = (file: string, name: string) => file.split("\n").find((l) => l.startsWith(`${name}:`));

// Every file under DIR (no symlinks followed), for "the password is nowhere" checks.
async function filesUnder(d: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp("/var/tmp/ksimage-configure-");
  outer.defer(`remove ${dir}`, () => forceCleanup(dir));
  // mmdebstrap's apt drops privileges: the work directory must be reachable (HOST-NOTES pitfall 6).
  await chmod(dir, 0o755);
  root = path.join(dir, "root");
  logFile = path.join(dir, "build.log");
  const seconds = await makeDebianRoot(root, "minbase", ["passwd", "systemd", "systemd-sysv", "openssh-server", "locales", "tzdata", "policycoreutils"]);
  console.log(`mmdebstrap minbase root: ${seconds.toFixed(1)} s`);
  // The account databases as mmdebstrap left them, for the tests that start from a plain directory.
  for (const f of ["passwd", "group", "shadow", "gshadow", "login.defs", "default/useradd", "skel"]) {
    await cp(path.join(root, "etc", f), path.join(dir, "pristine-etc", f), { recursive: true });
  }
  setLogger(createLogger({ file: logFile }));
}, 600_000);

afterAll(async () => {
  setLogger(previousLogger);
  const leftovers = { mounts: await mountsUnder(dir), loops: await loopsUnder(dir) };
  await outer.unwind();
  expect(leftovers).toEqual({ mounts: [], loops: [] });
});

describe("configureSystem on a Debian root", () => {
  let warnings: string[];
  const teardown = new Teardown();

  beforeAll(async () => {
    warnings = await withGuestSession(root, teardown, (guest) => configureSystem({ ks: parseOk(KICKSTART), root, guest, teardown }));
  });

  it("registers nothing that outlives it", () => expect(teardown.size).toBe(0));

  it("warns about what it could not apply", () => {
    expect(warnings).toEqual([
      expect.stringMatching(/^firewall --enabled: the guest has no firewalld .*NO firewall was configured/),
      "services --enabled: the guest has no unit nosuchunit.service; not enabled",
    ]);
  });

  it("root: a SHA-512 crypt hash of the password, never the password itself", async () => {
    const shadow = await text("etc/shadow");
    const hash = line(shadow, "root")?.split(":")[1] as string;
    expect(hash).toMatch(/^\$6\$[^$]+\$[./0-9A-Za-z]{86}$/);
    const salt = hash.split("$")[2] as string;
    const { stdout } = await run(["openssl", "passwd", "-6", "-salt", salt, "-stdin"], { input: `${ROOT_PW}\n`, secrets: [ROOT_PW] });
    expect(stdout.trim()).toBe(hash);
    expect(await text("etc/ssh/sshd_config.d/01-permitrootlogin.conf")).toContain("\nPermitRootLogin yes\n");
  });

  it("groups and users with their options", async () => {
    const group = await text("etc/group");
    const passwd = await text("etc/passwd");
    const shadow = await text("etc/shadow");
    expect(line(group, "devs")).toBe("devs:x:5001:alice");
    expect(line(group, "ops")).toBe("ops:x:5002:alice");
    expect(line(group, "sudo")).toMatch(/^sudo:x:27:(.*,)?alice$/);
    expect(line(passwd, "alice")).toMatch(/^alice:x:1500:\d+:Alice Admin:\/home\/alice:\/bin\/bash$/);
    expect(line(shadow, "alice")?.split(":")[1]).toMatch(/^\$6\$/);
    expect(line(passwd, "svc")).toMatch(/^svc:x:\d+:\d+::\/srv\/svc:\/bin\/sh$/);
    expect(line(shadow, "svc")?.split(":")[1]).toBe(`!${SVC_HASH}`);
    const svc = await stat(path.join(root, "srv/svc"));
    expect(svc.uid).toBe(Number(line(passwd, "svc")?.split(":")[2]));
  });

  it("authorized_keys with the owner and modes sshd accepts", async () => {
    expect(await text("home/alice/.ssh/authorized_keys")).toBe(`${ALICE_KEY}\n`);
    expect(await mode("home/alice/.ssh")).toBe("700");
    expect(await mode("home/alice/.ssh/authorized_keys")).toBe("600");
    const key = await stat(path.join(root, "home/alice/.ssh/authorized_keys"));
    expect([key.uid, (await stat(path.join(root, "home/alice/.ssh"))).uid]).toEqual([1500, 1500]);
    expect(await text("root/.ssh/authorized_keys")).toBe(`${ROOT_KEY}\n`);
    expect((await stat(path.join(root, "root/.ssh/authorized_keys"))).uid).toBe(0);
  });

  it("time zone, hardware clock, locale and keyboard", async () => {
    expect(await readlink(path.join(root, "etc/localtime"))).toBe("../usr/share/zoneinfo/Europe/Prague");
    expect(await text("etc/timezone")).toBe("Europe/Prague\n");
    expect(await text("etc/adjtime")).toBe("0.0 0 0.0\n0\nUTC\n");
    expect(await text("etc/default/locale")).toBe("LANG=de_DE.UTF-8\n");
    const gen = (await text("etc/locale.gen")).split("\n");
    expect(gen).toEqual(expect.arrayContaining(["de_DE.UTF-8 UTF-8", "en_US.UTF-8 UTF-8"]));
    const { stdout } = await run(["chroot", root, "locale", "-a"]);
    expect(stdout.split("\n")).toEqual(expect.arrayContaining(["de_DE.utf8", "en_US.utf8"]));
    expect(await text("etc/default/keyboard")).toContain('XKBLAYOUT="de"\nXKBVARIANT="nodeadkeys"\n');
  });

  it("host name replaces the build host's", async () => {
    expect(await text("etc/hostname")).toBe("appliance.example.com\n");
    const hosts = await text("etc/hosts");
    expect(hosts).toContain("127.0.1.1\tappliance.example.com appliance\n");
    if (!["localhost", "appliance"].includes(hostname())) expect(hosts.split(/\s+/)).not.toContain(hostname());
  });

  it("systemd-networkd files, enabled with the kickstart's services", async () => {
    expect(await text("etc/systemd/network/10-ksimage-ens3.network")).toContain("[Match]\nName=ens3\n\n[Network]\nAddress=10.0.0.5/24\nGateway=10.0.0.1\n");
    expect(await text("etc/systemd/network/10-ksimage-ksimage-link.network")).toContain("[Match]\nName=en* eth*\n\n[Network]\nDHCP=ipv4\n");
    const wants = (t: string) => readdir(path.join(root, `etc/systemd/system/${t}.wants`)).catch(() => [] as string[]);
    expect(await wants("multi-user.target")).toContain("systemd-networkd.service");
    expect(await wants("multi-user.target")).not.toContain("ssh.service");
    expect(await wants("getty.target")).toContain("serial-getty@ttyS0.service");
  });

  it("SELinux mode in the guest's config", async () => {
    expect(await text("etc/selinux/config")).toMatch(/^SELINUX=permissive$/m);
  });

  it("the plain-text passwords are in no log line and no file of /etc", async () => {
    const log = await readFile(logFile, "utf8");
    expect(log).toContain("accounts are made with the guest's shadow-utils in the guest session");
    expect(log).toContain("using the guest's /usr/bin/systemctl");
    expect(log).toContain("openssl passwd -6 -stdin");
    for (const secret of [ROOT_PW, ALICE_PW]) {
      expect(log).not.toContain(secret);
      for (const f of await filesUnder(path.join(root, "etc"))) expect((await readFile(f)).includes(secret), f).toBe(false);
    }
  });
});

describe("relabelSystem", () => {
  it("skips a guest without a policy, then labels from the guest's file contexts with its own setfiles", async () => {
    const teardown = new Teardown();
    const ks = parseOk("selinux --enforcing");
    const relabel = (k = ks) => withGuestSession(root, teardown, (guest) => relabelSystem({ ks: k, root, guest, teardown }));
    expect(await relabel()).toEqual([]);
    expect((await run(["ls", "-Zd", path.join(root, "etc/hostname")])).stdout.split(/\s+/)[0]).toBe("?");

    // A tiny policy of our own: enough for setfiles, which validates nothing while the host runs without SELinux.
    const policy = path.join(root, "etc/selinux/ksimage-test/contexts/files");
    await mkdir(policy, { recursive: true });
    await writeFile(path.join(policy, "file_contexts"), "/.*\tsystem_u:object_r:default_t:s0\n/etc(/.*)?\tsystem_u:object_r:etc_t:s0\n");
    await writeFile(path.join(root, "etc/selinux/config"), "SELINUX=enforcing\nSELINUXTYPE=ksimage-test\n");
    expect(await relabel()).toEqual([]);

    const label = async (p: string) => (await run(["ls", "-Zd", path.join(root, p)])).stdout.split(/\s+/)[0];
    expect(await label("etc/hostname")).toBe("system_u:object_r:etc_t:s0");
    expect(await label("usr/bin/ls")).toBe("system_u:object_r:default_t:s0");
    expect(teardown.size).toBe(0);
    expect(await mountsUnder(root)).toEqual([]);

    // selinux --disabled: no relabel even with a policy.
    await rm(path.join(root, "etc/hostname"));
    await writeFile(path.join(root, "etc/hostname"), "relabel-check\n");
    expect(await relabel(parseOk("selinux --disabled"))).toEqual([]);
    expect(await label("etc/hostname")).toBe("?");
  });
});

describe("accounts without the guest's shadow-utils", () => {
  // A root with only the account databases and the useradd defaults: no binaries at all.
  async function plainRoot(name: string): Promise<string> {
    const plain = path.join(dir, name);
    await mkdir(path.join(plain, "home"), { recursive: true });
    await cp(path.join(dir, "pristine-etc"), path.join(plain, "etc"), { recursive: true });
    return plain;
  }

  const ks = parseOk(`rootpw --lock --iscrypted '$6$r$roothash'
group --name=devs --gid=6001
user --name=bob --uid=1600 --groups=devs,extra --gecos="Bob B" --password=Bob-Plain-Pw
sshkey --username=bob "${ALICE_KEY}"`);

  it.each(["host", "files"] as const)("with %s", async (method) => {
    const plain = await plainRoot(`plain-${method}`);
    const ctx: ConfigureContext = { ks, root: plain, guest: noGuest(plain), teardown: new Teardown(), accountTools: method };
    const accounts = await chooseAccounts(ctx);
    expect(accounts.method).toBe(method);
    await configureRootPassword(ctx, accounts);
    await configureGroups(ctx, accounts);
    await configureUsers(ctx, accounts);
    await installSshKeys(ctx);
    const read = (f: string) => readFile(path.join(plain, f), "utf8");
    expect(line(await read("etc/shadow"), "root")?.split(":")[1]).toBe("!$6$r$roothash");
    expect(line(await read("etc/group"), "devs")).toBe("devs:x:6001:bob");
    expect(line(await read("etc/group"), "extra")).toMatch(/^extra:x:\d+:bob$/);
    expect(line(await read("etc/passwd"), "bob")).toMatch(/^bob:x:1600:\d+:Bob B:\/home\/bob:\/bin\/sh$/);
    expect(line(await read("etc/shadow"), "bob")?.split(":")[1]).toMatch(/^\$6\$/);
    expect((await stat(path.join(plain, "home/bob/.profile"))).uid).toBe(1600);
    expect((await stat(path.join(plain, "home/bob/.ssh/authorized_keys"))).uid).toBe(1600);
    expect(await readFile(path.join(plain, "home/bob/.ssh/authorized_keys"), "utf8")).toBe(`${ALICE_KEY}\n`);
  });

  it("an sshkey for a user the guest does not have is a PlanError with the line", async () => {
    const plain = await plainRoot("plain-missing");
    const ctx: ConfigureContext = { ks: parseOk("\nsshkey --username=nobody-here 'ssh-ed25519 AAAA x'"), root: plain, guest: noGuest(plain), teardown: new Teardown() };
    const error = await installSshKeys(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).pos?.line).toBe(2);
  });

  it("the host name is always written, appliance-creator's default without network --hostname", async () => {
    const plain = await plainRoot("plain-hostname");
    await writeFile(path.join(plain, "etc/hostname"), "buildhost\n");
    await configureHostname({ ks: parseOk("network --device=eth0"), root: plain, guest: noGuest(plain), teardown: new Teardown() });
    expect(await readFile(path.join(plain, "etc/hostname"), "utf8")).toBe("localhost.localdomain\n");
  });
});

describe("configureSystem on a Fedora-like tree without binaries", () => {
  it("writes Fedora's files and falls back to the host's tools with --root", async () => {
    const fed = path.join(dir, "fedora-like");
    await cp(path.join(dir, "pristine-etc"), path.join(fed, "etc"), { recursive: true });
    await writeFile(path.join(fed, "etc/os-release"), 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=41\n');
    await mkdir(path.join(fed, "usr/lib/NetworkManager"), { recursive: true });
    await mkdir(path.join(fed, "usr/share/zoneinfo/Etc"), { recursive: true });
    await writeFile(path.join(fed, "usr/share/zoneinfo/Etc/UTC"), "TZif2 (stand-in)\n");
    await mkdir(path.join(fed, "usr/lib/systemd/system"), { recursive: true });
    await writeFile(path.join(fed, "usr/lib/systemd/system/ksimage-test.service"), "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n");
    await mkdir(path.join(fed, "home"));
    const ks = parseOk(`lang cs_CZ.UTF-8
keyboard --vckeymap=cz --xlayouts='cz (qwerty)'
timezone Etc/UTC --utc
rootpw --iscrypted '$6$x$fedoraroot'
selinux --enforcing
firewall --disabled
network --device=eth0 --bootproto=dhcp --hostname=fed.example.com
services --enabled=ksimage-test`);
    const warnings = await configureSystem({ ks, root: fed, guest: noGuest(fed), teardown: new Teardown() });
    expect(warnings).toEqual(["selinux --enforcing: the guest has no SELinux (/etc/selinux); nothing configured"]);
    const read = (f: string) => readFile(path.join(fed, f), "utf8");
    expect(await read("etc/locale.conf")).toBe("LANG=cs_CZ.UTF-8\n");
    expect(await read("etc/vconsole.conf")).toBe("KEYMAP=cz\n");
    expect(await read("etc/X11/xorg.conf.d/00-keyboard.conf")).toContain('Option "XkbLayout" "cz"\n        Option "XkbVariant" "qwerty"\n');
    expect(await readlink(path.join(fed, "etc/localtime"))).toBe("../usr/share/zoneinfo/Etc/UTC");
    expect(existsSync(path.join(fed, "etc/timezone"))).toBe(false);
    const keyfile = path.join(fed, "etc/NetworkManager/system-connections/eth0.nmconnection");
    expect(await readFile(keyfile, "utf8")).toContain("[connection]\nid=eth0\n");
    expect(((await stat(keyfile)).mode & 0o777).toString(8)).toBe("600");
    expect(line(await read("etc/shadow"), "root")?.split(":")[1]).toBe("$6$x$fedoraroot");
    expect(await readlink(path.join(fed, "etc/systemd/system/multi-user.target.wants/ksimage-test.service"))).toBe(
      "/usr/lib/systemd/system/ksimage-test.service",
    );
    const log = await readFile(logFile, "utf8");
    expect(log).toContain("accounts are made with the host's shadow-utils with --root");
    expect(log).toContain("enable and disable services: the guest has no systemctl, using the host's");
  });
});

describe("resolveInRoot", () => {
  it("follows absolute and relative links inside the root, never out of it", async () => {
    const r = path.join(dir, "links");
    await mkdir(path.join(r, "usr/bin"), { recursive: true });
    await writeFile(path.join(r, "usr/bin/tool"), "");
    await symlink("usr/bin", path.join(r, "bin"));
    await symlink("/usr/bin/tool", path.join(r, "usr/bin/abs"));
    await symlink("../../etc/passwd", path.join(r, "usr/bin/escape"));
    expect(await resolveInRoot(r, "/bin/tool")).toBe(path.join(r, "usr/bin/tool"));
    expect(await resolveInRoot(r, "/bin/abs")).toBe(path.join(r, "usr/bin/tool"));
    // ../../etc/passwd from /usr/bin is /etc/passwd of the root, which does not exist there.
    expect(await resolveInRoot(r, "/usr/bin/escape")).toBeUndefined();
    expect((await lstat(path.join(r, "usr/bin/escape"))).isSymbolicLink()).toBe(true);
  });
});

// No per-image identity in any image: SSH host keys go (the guest makes its own at first boot), /etc/machine-id is empty.
import { existsSync } from "node:fs";
import { lstat, mkdir, readdir, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";

/** The unit a Debian-family guest runs before sshd when it has no host keys (Fedora has sshd-keygen.target for this). */
export const KEYGEN_UNIT = "ksimage-ssh-host-keys.service";

// The unit text: `ssh-keygen -A` makes every missing key type once, before the SSH server starts.
export function keygenUnitText(): string {
  return [
    "# Written by ksimage: an image carries no SSH host keys, so each machine makes its own at first boot.",
    "[Unit]",
    "Description=Generate the SSH host keys of this machine",
    "ConditionPathExistsGlob=!/etc/ssh/ssh_host_*_key",
    "Before=ssh.service ssh.socket sshd.service",
    "",
    "[Service]",
    "Type=oneshot",
    "ExecStart=/usr/bin/ssh-keygen -A",
    "",
    "[Install]",
    "WantedBy=multi-user.target ssh.service",
    "",
  ].join("\n");
}

/** What removeImageIdentity did, for the build log. */
export interface IdentityReport {
  removedKeys: string[];
  machineId: "emptied" | "absent";
  keygen: "guest" | "ksimage unit" | "no ssh server";
}

// Which way the guest makes missing host keys: its own (Fedora's sshd-keygen), a ksimage unit (Debian), or none is needed.
export function keygenMechanism(root: string): IdentityReport["keygen"] {
  const units = ["usr/lib/systemd/system", "lib/systemd/system"];
  if (units.some((d) => existsSync(path.join(root, d, "sshd-keygen.target")) || existsSync(path.join(root, d, "sshd-keygen@.service")))) return "guest";
  const sshd = ["usr/sbin/sshd", "sbin/sshd"].some((f) => existsSync(path.join(root, f)));
  return sshd && existsSync(path.join(root, "usr/bin/ssh-keygen")) ? "ksimage unit" : "no ssh server";
}

// Remove what would give every machine made from the image the same identity. Runs before %post, so %post may still add keys on purpose.
export async function removeImageIdentity(root: string): Promise<IdentityReport> {
  const sshDir = path.join(root, "etc/ssh");
  const keys = existsSync(sshDir) ? (await readdir(sshDir)).filter((f) => /^ssh_host_.*_key(\.pub)?$/.test(f)) : [];
  for (const k of keys) await rm(path.join(sshDir, k), { force: true });
  const keygen = keygenMechanism(root);
  if (keygen === "ksimage unit") await installKeygenUnit(root);
  const etc = path.join(root, "etc");
  let machineId: IdentityReport["machineId"] = "absent";
  if (existsSync(etc)) {
    // Empty, not absent: systemd makes a new ID at boot and commits it to this file (machine-id(5)).
    await rm(path.join(etc, "machine-id"), { force: true });
    await writeFile(path.join(etc, "machine-id"), "", { mode: 0o444 });
    machineId = "emptied";
  }
  await linkDbusMachineId(root);
  return { removedKeys: keys.map((k) => `/etc/ssh/${k}`), machineId, keygen };
}

// D-Bus reads /var/lib/dbus/machine-id: a symlink to /etc/machine-id, so it has no ID of its own.
async function linkDbusMachineId(root: string): Promise<void> {
  const file = path.join(root, "var/lib/dbus/machine-id");
  if (!existsSync(path.dirname(file))) return;
  const info = await lstat(file).catch(() => undefined);
  if (info?.isSymbolicLink()) return;
  await rm(file, { force: true });
  await symlink("/etc/machine-id", file);
}

async function installKeygenUnit(root: string): Promise<void> {
  const dir = path.join(root, "etc/systemd/system");
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, KEYGEN_UNIT), keygenUnitText(), { mode: 0o644 });
  for (const target of ["multi-user.target.wants", "ssh.service.wants"]) {
    const wants = path.join(dir, target);
    await mkdir(wants, { recursive: true });
    const link = path.join(wants, KEYGEN_UNIT);
    await rm(link, { force: true });
    await symlink(`/etc/systemd/system/${KEYGEN_UNIT}`, link);
  }
}

// The command registry: every kickstart command ksimage knows, one module each.
// A meta-test walks this list (schema, fixtures, README row), so adding a command here is the whole registration.
import type { CommandDef } from "../command.js";
import { partCommand } from "./part.js";
import { logvolCommand } from "./logvol.js";
import { volgroupCommand } from "./volgroup.js";
import { raidCommand } from "./raid.js";
import { btrfsCommand } from "./btrfs.js";
import { reqpartCommand } from "./reqpart.js";
import { autopartCommand } from "./autopart.js";
import { clearpartCommand } from "./clearpart.js";
import { zerombrCommand } from "./zerombr.js";
import { ignorediskCommand } from "./ignoredisk.js";
import { bootloaderCommand } from "./bootloader.js";
import { ziplCommand } from "./zipl.js";
import { mountCommand } from "./mount.js";
import { snapshotCommand } from "./snapshot.js";
import { iscsiCommand } from "./iscsi.js";
import { iscsinameCommand } from "./iscsiname.js";
import { fcoeCommand } from "./fcoe.js";
import { zfcpCommand } from "./zfcp.js";
import { nvdimmCommand } from "./nvdimm.js";
import { hmcCommand } from "./hmc.js";
import { rootpwCommand } from "./rootpw.js";
import { userCommand } from "./user.js";
import { groupCommand } from "./group.js";
import { sshkeyCommand } from "./sshkey.js";
import { sshpwCommand } from "./sshpw.js";
import { timezoneCommand } from "./timezone.js";
import { timesourceCommand } from "./timesource.js";
import { langCommand } from "./lang.js";
import { keyboardCommand } from "./keyboard.js";
import { selinuxCommand } from "./selinux.js";
import { firewallCommand } from "./firewall.js";
import { servicesCommand } from "./services.js";
import { authselectCommand } from "./authselect.js";
import { realmCommand } from "./realm.js";
import { eulaCommand } from "./eula.js";
import { firstbootCommand } from "./firstboot.js";
import { rebootCommand } from "./reboot.js";
import { displaymodeCommand } from "./displaymode.js";
import { skipxCommand } from "./skipx.js";
import { xconfigCommand } from "./xconfig.js";
import { loggingCommand } from "./logging.js";
import { mediacheckCommand } from "./mediacheck.js";
import { rescueCommand } from "./rescue.js";
import { rdpCommand } from "./rdp.js";
import { vncCommand } from "./vnc.js";
import { networkCommand } from "./network.js";
import { repoCommand } from "./repo.js";
import { urlCommand } from "./url.js";
import { liveimgCommand } from "./liveimg.js";
import { cdromCommand } from "./cdrom.js";
import { nfsCommand } from "./nfs.js";
import { harddriveCommand } from "./harddrive.js";
import { driverdiskCommand } from "./driverdisk.js";
import { updatesCommand } from "./updates.js";
import { moduleCommand } from "./module.js";
import { ostreesetupCommand } from "./ostreesetup.js";
import { ostreecontainerCommand } from "./ostreecontainer.js";
import { bootcCommand } from "./bootc.js";
import { rhsmCommand } from "./rhsm.js";
import { syspurposeCommand } from "./syspurpose.js";
import { removedCommands } from "./removed.js";

/** All command definitions, in documentation order. */
export const commandList: readonly CommandDef[] = [
  partCommand,
  logvolCommand,
  volgroupCommand,
  raidCommand,
  btrfsCommand,
  reqpartCommand,
  autopartCommand,
  clearpartCommand,
  zerombrCommand,
  ignorediskCommand,
  bootloaderCommand,
  ziplCommand,
  mountCommand,
  snapshotCommand,
  iscsiCommand,
  iscsinameCommand,
  fcoeCommand,
  zfcpCommand,
  nvdimmCommand,
  hmcCommand,
  rootpwCommand,
  userCommand,
  groupCommand,
  sshkeyCommand,
  sshpwCommand,
  timezoneCommand,
  timesourceCommand,
  langCommand,
  keyboardCommand,
  selinuxCommand,
  firewallCommand,
  servicesCommand,
  authselectCommand,
  realmCommand,
  eulaCommand,
  firstbootCommand,
  rebootCommand,
  displaymodeCommand,
  skipxCommand,
  xconfigCommand,
  loggingCommand,
  mediacheckCommand,
  rescueCommand,
  rdpCommand,
  vncCommand,
  networkCommand,
  repoCommand,
  urlCommand,
  liveimgCommand,
  cdromCommand,
  nfsCommand,
  harddriveCommand,
  driverdiskCommand,
  updatesCommand,
  moduleCommand,
  ostreesetupCommand,
  ostreecontainerCommand,
  bootcCommand,
  rhsmCommand,
  syspurposeCommand,
  ...removedCommands,
];

/** Command definitions by every word that runs them (names and aliases). */
export const commands: ReadonlyMap<string, CommandDef> = new Map(
  commandList.flatMap((c) => (c.words ?? [c.name, ...(c.aliases ?? [])]).map((w) => [w, c] as const)),
);

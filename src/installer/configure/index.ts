// Configure the installed system from the kickstart, in appliance-creator's order; the relabel comes after %post.
import { getLogger, isDryRun } from "../../run/index.js";
import { chooseAccounts } from "./accounts.js";
import { configureFirewall } from "./firewall.js";
import type { ConfigureContext } from "./guest.js";
import { configureKeyboard } from "./keyboard.js";
import { configureLocale } from "./locale.js";
import { configureHostname, configureNetwork } from "./network.js";
import { configureSelinux } from "./selinux.js";
import { configureServices } from "./services.js";
import { installSshKeys } from "./ssh.js";
import { configureTimezone } from "./timezone.js";
import { configureGroups, configureRootPassword, configureUsers } from "./users.js";

export type { ConfigureContext } from "./guest.js";
export { relabelSystem } from "./selinux.js";

/**
 * Apply lang, keyboard, timezone, firewall, selinux (the config file), rootpw, group, user, sshkey, network and
 * services to the tree at ctx.root, and return the warnings (also logged) for what could not be applied.
 *
 * The order is appliance-creator's (livecd-tools imgcreate/creator.py `configure`: lang, keyboard, timezone,
 * auth, firewall, rootpw, services, X, network; boot loader; %post; SELinux relabel), with these documented
 * differences:
 * - group, user and sshkey, which appliance-creator ignores, come right after rootpw;
 * - network (host name and devices) comes before services, so that `services --disabled=systemd-networkd`
 *   wins over the network step enabling it;
 * - a command the kickstart leaves out leaves the guest as its packages set it up. appliance-creator's
 *   America/New_York time zone and en_US.UTF-8 LANG are not forced, and a missing rootpw does not empty
 *   root's password (appliance-creator runs `passwd -d root`); only the host name is always written
 *   (localhost.localdomain by default), because mmdebstrap copies the build host's;
 * - the SELinux relabel (`relabelSystem`) runs after %post whenever the guest has a policy, not only with a
 *   selinux line.
 */
export async function configureSystem(ctx: ConfigureContext): Promise<string[]> {
  const log = getLogger();
  if (isDryRun()) {
    log.info("dry run: the system configuration (files in the image) is not simulated");
    return [];
  }
  const warnings: string[] = [];
  const step = async (name: string, fn: () => Promise<string[]>): Promise<void> => {
    log.debug({ step: name }, `configure: ${name}`);
    for (const w of await fn()) {
      log.warn({ step: name }, w);
      warnings.push(w);
    }
  };
  await step("lang", () => configureLocale(ctx));
  await step("keyboard", () => configureKeyboard(ctx));
  await step("timezone", () => configureTimezone(ctx));
  await step("firewall", () => configureFirewall(ctx));
  await step("selinux", () => configureSelinux(ctx));
  const accounts = await chooseAccounts(ctx);
  await step("rootpw", () => configureRootPassword(ctx, accounts));
  await step("group", () => configureGroups(ctx, accounts));
  await step("user", () => configureUsers(ctx, accounts));
  await step("sshkey", () => installSshKeys(ctx));
  await step("hostname", () => configureHostname(ctx));
  let enable: string[] = [];
  await step("network", async () => {
    const result = await configureNetwork(ctx);
    enable = result.enable;
    return result.warnings;
  });
  await step("services", () => configureServices(ctx, enable));
  return warnings;
}

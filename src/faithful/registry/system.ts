// Option states of the commands that configure the installed system: accounts, locale, time, security, services, X.
import { applied, perBackend, refused, warned, type OptionState, type Registry } from "../types.js";

const CONF = "tests/integration/installer/configure.test.ts";
const ACCOUNTS = "tests/unit/installer/configure/accounts.test.ts";
const KEYBOARD = "tests/unit/installer/configure/keyboard.test.ts";
const SERVICES = "tests/unit/installer/configure/services.test.ts";
const FAITH = "tests/unit/faithful/applied.test.ts";

const INSTALLER_ONLY = "only changes how the installer runs; an image build has no installer session";
const all = (keys: string[], s: OptionState) => Object.fromEntries(keys.map((k) => [k, s]));

const FEATURES = "tests/integration/build/kickstart-features.test.ts";
const PRE_INSTALL = "%pre-install sees the mounted, empty root; certificate, firstboot --reconfig, graphical target; vfat /data holds the files of %post";
const FIRSTBOOT_OFF = "masks initial-setup and points default.target at multi-user.target; --enable without the unit is a warning";
const NO_INITIAL_SETUP = (option: string) => warned(`firstboot ${option}: Debian has no initial-setup (no initial-setup.service), so nothing runs at first boot`);

export const systemStates: Registry = {
  rootpw: {
    command: applied(CONF, "root: a SHA-512 crypt hash of the password, never the password itself"),
    options: {
      "<password>": applied(CONF, "root: a SHA-512 crypt hash of the password, never the password itself"),
      "--iscrypted": applied(FAITH, "rootpw --iscrypted stores the hash as written"),
      "--plaintext": applied(CONF, "root: a SHA-512 crypt hash of the password, never the password itself"),
      "--lock": applied(FAITH, "rootpw --lock and user --lock lock the accounts"),
      "--allow-ssh": applied("tests/unit/installer/configure/ssh.test.ts", "the drop-in permits root login and lives where Anaconda puts it"),
    },
  },
  user: {
    command: applied(CONF, "groups and users with their options"),
    options: {
      "--name": applied(CONF, "groups and users with their options"),
      "--groups": applied(CONF, "groups and users with their options"),
      "--homedir": applied(CONF, "groups and users with their options"),
      "--iscrypted": applied(CONF, "groups and users with their options"),
      "--plaintext": applied(CONF, "groups and users with their options"),
      "--password": applied(CONF, "groups and users with their options"),
      "--shell": applied(ACCOUNTS, "useradd with every option"),
      "--uid": applied(ACCOUNTS, "useradd with every option"),
      "--gid": applied(ACCOUNTS, "useradd with every option"),
      "--gecos": applied(ACCOUNTS, "useradd with every option"),
      "--lock": applied(FAITH, "rootpw --lock and user --lock lock the accounts"),
    },
  },
  group: {
    command: applied(ACCOUNTS, "groupadd with and without a GID"),
    options: { "--name": applied(ACCOUNTS, "groupadd with and without a GID"), "--gid": applied(ACCOUNTS, "groupadd with and without a GID") },
  },
  sshkey: {
    command: applied(CONF, "authorized_keys with the owner and modes sshd accepts"),
    options: { "--username": applied(CONF, "authorized_keys with the owner and modes sshd accepts"), "<sshkey>": applied(CONF, "authorized_keys with the owner and modes sshd accepts") },
  },
  sshpw: {
    command: warned(`sshpw sets the installer's SSH login; it ${INSTALLER_ONLY} (use rootpw and user for the image)`),
    options: all(["--username", "--iscrypted", "--plaintext", "--lock", "<password>", "--sshkey"], warned(`sshpw sets the installer's SSH login; it ${INSTALLER_ONLY} (use rootpw and user for the image)`)),
  },
  timezone: {
    command: applied(CONF, "time zone, hardware clock, locale and keyboard"),
    options: {
      "<timezone>": applied(CONF, "time zone, hardware clock, locale and keyboard"),
      "--utc": applied(FAITH, "timezone --utc keeps the hardware clock in UTC"),
      "--isUtc": applied(FAITH, "timezone --utc keeps the hardware clock in UTC"),
      "--nontp": refused("the time service (chrony, timesyncd) is not configured by ksimage: configure it in %post"),
      "--ntpservers": refused("the time service (chrony, timesyncd) is not configured by ksimage: configure it in %post"),
    },
  },
  timesource: {
    command: refused("the time service (chrony, timesyncd) is not configured by ksimage: configure it in %post"),
    options: all(["--ntp-server", "--ntp-pool", "--ntp-disable", "--nts"], refused("the time service (chrony, timesyncd) is not configured by ksimage: configure it in %post")),
  },
  lang: {
    command: applied(CONF, "time zone, hardware clock, locale and keyboard"),
    options: {
      "<lang>": applied(CONF, "time zone, hardware clock, locale and keyboard"),
      "--addsupport": applied(CONF, "time zone, hardware clock, locale and keyboard"),
    },
  },
  keyboard: {
    command: applied(KEYBOARD, "layouts from a console keymap"),
    options: {
      "<kbd>": applied(KEYBOARD, "layouts from a console keymap"),
      "--vckeymap": applied(KEYBOARD, "vconsole.conf keeps FONT and replaces KEYMAP"),
      "--xlayouts": applied(KEYBOARD, "--xlayouts win over the keymap"),
      "--switch": applied(FAITH, "keyboard --switch becomes the XKB options"),
    },
  },
  selinux: {
    command: applied(CONF, "SELinux mode in the guest's config"),
    options: {
      "--disabled": applied(FAITH, "selinux --disabled, --enforcing and --permissive set the mode"),
      "--enforcing": applied(FAITH, "selinux --disabled, --enforcing and --permissive set the mode"),
      "--permissive": applied(FAITH, "selinux --disabled, --enforcing and --permissive set the mode"),
    },
  },
  firewall: {
    command: applied(FAITH, "firewall options become firewall-offline-cmd arguments"),
    options: {
      ...Object.fromEntries(
        ["--disable", "--enable", "--port", "--trust", "--service", "--ftp", "--http", "--smtp", "--ssh", "--remove-service"].map((k) => [k, applied(FAITH, "firewall options become firewall-offline-cmd arguments")]),
      ),
      "--use-system-defaults": applied(FAITH, "firewall --use-system-defaults leaves the firewall to the packages"),
    },
  },
  services: {
    command: applied(SERVICES, "enabled, in Anaconda's order"),
    options: { "--disabled": applied(FAITH, "services --enabled and --disabled reach systemctl"), "--enabled": applied(FAITH, "services --enabled and --disabled reach systemctl") },
  },
  authselect: { command: refused("authselect is not run in the image by ksimage: run it in %post"), options: { "<options>": refused("authselect is not run in the image by ksimage: run it in %post") } },
  realm: { command: refused("realm join needs the domain at install time; ksimage does not join realms: join on first boot"), options: { "<args>": refused("realm join needs the domain at install time; ksimage does not join realms: join on first boot") } },
  eula: { command: warned(`eula answers the installer's licence screen; it ${INSTALLER_ONLY}`), options: { "--agreed": warned(`eula answers the installer's licence screen; it ${INSTALLER_ONLY}`) } },
  firstboot: {
    command: applied(FEATURES, FIRSTBOOT_OFF),
    options: {
      "--disable": applied(FEATURES, FIRSTBOOT_OFF),
      "--enable": perBackend(applied(FEATURES, FIRSTBOOT_OFF), { apt: NO_INITIAL_SETUP("--enable") }),
      "--reconfig": perBackend(applied(FEATURES, PRE_INSTALL), { apt: NO_INITIAL_SETUP("--reconfig") }),
    },
  },
  reboot: {
    command: warned(`reboot, poweroff, halt and shutdown say what the installer does when it finishes; it ${INSTALLER_ONLY}`),
    options: all(["--eject", "--kexec"], warned(`reboot, poweroff, halt and shutdown say what the installer does when it finishes; it ${INSTALLER_ONLY}`)),
  },
  displaymode: { command: warned(`text, graphical and cmdline choose the installer's interface; it ${INSTALLER_ONLY}`), options: { "--non-interactive": warned(`the installer's interface ${INSTALLER_ONLY}`) } },
  skipx: { command: applied(FEATURES, FIRSTBOOT_OFF), options: {} },
  xconfig: {
    command: applied(FEATURES, PRE_INSTALL),
    options: {
      "--defaultdesktop": perBackend(applied(FEATURES, FIRSTBOOT_OFF), { apt: warned("xconfig --defaultdesktop writes /etc/sysconfig/desktop, which Debian does not read") }),
      "--startxonboot": applied(FEATURES, PRE_INSTALL),
    },
  },
  logging: { command: warned(`logging sends the installer's log; it ${INSTALLER_ONLY}`), options: all(["--host", "--port"], warned(`logging sends the installer's log; it ${INSTALLER_ONLY}`)) },
  mediacheck: { command: warned(`mediacheck checks the installer's media; it ${INSTALLER_ONLY}`), options: {} },
  rescue: {
    command: refused("rescue starts the installer's rescue shell instead of installing; ksimage only installs"),
    options: all(["--nomount", "--romount"], refused("rescue starts the installer's rescue shell instead of installing; ksimage only installs")),
  },
  rdp: { command: warned(`rdp shares the installer's screen; it ${INSTALLER_ONLY}`), options: all(["--username", "--password"], warned(`rdp shares the installer's screen; it ${INSTALLER_ONLY}`)) },
  vnc: { command: warned(`vnc shares the installer's screen; it ${INSTALLER_ONLY}`), options: {} },
};

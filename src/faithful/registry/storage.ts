// Option states of the storage commands: partitions, btrfs, LVM, RAID, disks and the boot loader.
import { applied, refused, warned, type Registry } from "../types.js";

const LAYOUT = "tests/unit/partition/layout.test.ts";
const FAITH = "tests/unit/faithful/applied.test.ts";
const BL = "tests/unit/installer/bootloader/plan.test.ts";
const GRUB = "tests/unit/installer/bootloader/grub-files.test.ts";
const BTRFS = "tests/integration/build/btrfs.test.ts";
const BTRFS_TITLE = "creates the root and home subvolumes (and home/user nested by --parent) with the --data/--metadata profiles, and installs into them";
const BTRFS_NEST = "nests a subvolume in the one --parent names (by name or mount point), parents first, mounted and listed in fstab by path";

const LUKS_MISSING =
  "LUKS encryption is not built by ksimage: it needs dm-crypt (device-mapper) and cryptsetup on the build host, this host has neither, and LUKS is not implemented for hosts that have them; ksimage refuses rather than write the disk in plain text";
const luks = {
  "--encrypted": refused(LUKS_MISSING),
  "--passphrase": refused(LUKS_MISSING),
  "--escrowcert": refused(`${LUKS_MISSING}; key escrow is not supported either`),
  "--backuppassphrase": refused(`${LUKS_MISSING}; backup passphrases are not supported either`),
  "--cipher": refused(LUKS_MISSING),
  "--luks-version": refused(LUKS_MISSING),
  "--pbkdf": refused(LUKS_MISSING),
  "--pbkdf-memory": refused(LUKS_MISSING),
  "--pbkdf-time": refused(LUKS_MISSING),
  "--pbkdf-iterations": refused(LUKS_MISSING),
};

const NEW_DISKS = "the image's disks are new and empty: there is no existing partition or filesystem to use";
const LVMP = "tests/unit/partition/lvm-plan.test.ts";
const LVMI = "tests/integration/build/lvm.test.ts";
const AUTO = "tests/unit/partition/autopart.test.ts";
const LVMI_T = "RHEL-style /boot + VG (root 2 GiB, swap, /var grown): lvs shows the planned extents, blkid the planned filesystems";
const RHEL_T = "RHEL-style on a 6 GiB disk: the PV, pe_start 1 MiB, 4 MiB extents, root/swap/var contiguous, /var grown to the end";
const TWO_PV_T = "a VG over two PVs on two disks: each LV on one PV, extents counted from each PV's start";
const REQ_T = "hybrid (the default): biosboot and ESP; --add-boot adds /boot of 1 GiB";
const THIN = "thin pools and thin volumes need device-mapper to initialise the pool's metadata, and ksimage does not make them: use linear logical volumes";
const CACHE = "cache volumes need device-mapper's dm-cache, and ksimage does not make them";
const RAID = "software RAID is not built by ksimage: use part lines";
const NOT_ON_IMAGE_STORAGE = "attaches storage to the installer; an image build writes only its own disk files";

export const storageStates: Registry = {
  part: {
    command: applied(LAYOUT, "msdos: /boot then /, 1 MiB aligned, boot flag on /boot, disk = sum of partitions + 1 MiB lead"),
    options: {
      "<mntpoint>": applied(LAYOUT, "msdos: /boot then /, 1 MiB aligned, boot flag on /boot, disk = sum of partitions + 1 MiB lead"),
      "--asprimary": applied(LAYOUT, "--asprimary partitions stay primary when logicals are needed"),
      "--fstype": applied(LAYOUT, "fstab by UUID with labels, options and pass numbers"),
      "--grow": applied(LAYOUT, "grows into an explicit disk size"),
      "--maxsize": applied(LAYOUT, "shares in proportion to base sizes and honours --maxsize, giving the rest to the others"),
      "--noformat": refused(`${NEW_DISKS} (--noformat keeps one)`),
      "--onbiosdisk": refused("BIOS disk numbers do not exist for image files: name the disk with --ondisk"),
      "--ondisk": applied(LAYOUT, "two disks in first-appearance order, each with its own label"),
      "--onpart": refused(`${NEW_DISKS}: use --ondisk and --size`),
      "--recommended": applied(FAITH, "part swap --recommended gets 1024 MiB"),
      "--size": applied(LAYOUT, "msdos: /boot then /, 1 MiB aligned, boot flag on /boot, disk = sum of partitions + 1 MiB lead"),
      "--fsoptions": applied(LAYOUT, "fstab by UUID with labels, options and pass numbers"),
      "--label": applied(LAYOUT, "fstab by UUID with labels, options and pass numbers"),
      "--fsprofile": refused("mkfs usage types (--fsprofile) are not passed to mkfs: use --mkfsoptions=\"-T TYPE\""),
      "--resize": refused(`${NEW_DISKS} (--resize shrinks or grows one)`),
      "--hibernation": refused("swap is not sized for hibernation (that needs the target's RAM): give --size"),
      "--mkfsoptions": applied(LAYOUT, "--mkfsoptions are split like a shell"),
      "--hw-passphrase": warned("OPAL self-encrypting drives are hardware: an image file has no drive to lock"),
      ...luks,
    },
  },
  logvol: {
    command: applied(LVMI, LVMI_T),
    options: {
      "<mntpoint>": applied(LVMP, RHEL_T),
      "--fstype": applied(LVMI, LVMI_T),
      "--grow": applied(LVMP, "two --grow LVs share the free extents in proportion to their sizes"),
      "--maxsize": applied(LVMP, "--maxsize caps --grow; the rest stays free"),
      "--name": applied(LVMI, LVMI_T),
      "--noformat": refused(`${NEW_DISKS} (--noformat keeps a logical volume)`),
      "--percent": applied(LVMP, "--percent takes a share of the group less its reserved space"),
      "--recommended": applied(LVMP, "--recommended swap follows Anaconda's RAM policy for the appliance's RAM"),
      "--size": applied(LVMP, RHEL_T),
      "--useexisting": refused(`${NEW_DISKS} (--useexisting keeps a logical volume)`),
      "--vgname": applied(LVMI, LVMI_T),
      "--fsoptions": applied(LVMI, LVMI_T),
      "--fsprofile": refused("mkfs usage types (--fsprofile) are not passed to mkfs: use --mkfsoptions=\"-T TYPE\""),
      "--label": applied(LVMI, LVMI_T),
      "--resize": refused(`${NEW_DISKS} (--resize shrinks or grows one)`),
      "--hibernation": applied(LVMP, "--recommended swap follows Anaconda's RAM policy for the appliance's RAM"),
      ...Object.fromEntries(["--thinpool", "--thin", "--poolname", "--chunksize", "--metadatasize", "--profile"].map((k) => [k, refused(THIN)])),
      ...Object.fromEntries(["--cachesize", "--cachemode", "--cachepvs"].map((k) => [k, refused(CACHE)])),
      "--mkfsoptions": applied(LVMP, "--mkfsoptions and --fsoptions reach the LV's filesystem plan"),
      ...luks,
    },
  },
  volgroup: {
    command: applied(LVMI, LVMI_T),
    options: {
      "<name>": applied(LVMP, TWO_PV_T),
      "<partitions>": applied(LVMP, TWO_PV_T),
      "--noformat": refused(`${NEW_DISKS} (--noformat keeps a volume group)`),
      "--pesize": applied(LVMP, "--pesize (KiB) sets the extent size; sizes round up to whole extents"),
      "--useexisting": refused(`${NEW_DISKS} (--useexisting keeps a volume group)`),
      "--reserved-space": applied(LVMP, "--reserved-space keeps MiB free even from --grow"),
      "--reserved-percent": applied(LVMP, "--percent takes a share of the group less its reserved space"),
    },
  },
  raid: {
    command: refused(RAID),
    options: Object.fromEntries(
      ["<mntpoint>", "<partitions>", "--device", "--fstype", "--level", "--noformat", "--spares", "--useexisting", "--fsoptions", "--fsprofile", "--label", "--mkfsoptions", "--chunksize", ...Object.keys(luks)].map((k) => [k, refused(RAID)]),
    ),
  },
  btrfs: {
    command: applied(BTRFS, BTRFS_TITLE),
    options: {
      "--noformat": refused(`${NEW_DISKS} (--noformat keeps a btrfs volume)`),
      "--useexisting": refused(`${NEW_DISKS} (--useexisting keeps a btrfs volume)`),
      "--label": applied(BTRFS, BTRFS_TITLE),
      "--data": applied(BTRFS, BTRFS_TITLE),
      "--metadata": applied(BTRFS, BTRFS_TITLE),
      "--subvol": applied(BTRFS, BTRFS_TITLE),
      "--parent": applied("tests/unit/installer/kickstart-features.test.ts", BTRFS_NEST),
      "--name": applied(BTRFS, BTRFS_TITLE),
      "--mkfsoptions": applied(FAITH, "btrfs --mkfsoptions reach mkfs.btrfs"),
    },
  },
  reqpart: {
    command: applied(AUTO, REQ_T),
    options: { "--add-boot": applied(AUTO, REQ_T) },
  },
  autopart: {
    command: applied(AUTO, "no --disk-size: /boot and a PV holding root 1 GiB and swap; the VG named after the appliance"),
    options: {
      "--type": applied(AUTO, "no --disk-size: the smallest disk (gpt, biosboot + ESP for hybrid, /boot 1 GiB, / 1 GiB, swap 2×RAM), no /home"),
      "--nolvm": applied(AUTO, "--nolvm is --type=plain; --hibernation sizes swap as RAM plus the recommended swap"),
      "--fstype": applied(AUTO, "200 GiB: /home appears (50 GiB free), / stops at 70 GiB, /home takes the rest; --fstype applies to all"),
      "--nohome": applied(AUTO, "--nohome, --noswap, --noboot leave those out; msdos has no biosboot"),
      "--noboot": applied(AUTO, "--nohome, --noswap, --noboot leave those out; msdos has no biosboot"),
      "--noswap": applied(AUTO, "--nohome, --noswap, --noboot leave those out; msdos has no biosboot"),
      "--hibernation": applied(AUTO, "--nolvm is --type=plain; --hibernation sizes swap as RAM plus the recommended swap"),
      "--hw-passphrase": refused(`${LUKS_MISSING}; an OPAL self-encrypting drive is hardware an image file does not have`),
      ...luks,
    },
  },
  clearpart: {
    command: applied(LAYOUT, "clearpart --disklabel=gpt makes a gpt disk; swap gets the swap GUID"),
    options: {
      "--all": warned("the image's disks are new and empty: there is nothing to clear"),
      "--drives": applied(FAITH, "clearpart --disklabel applies only to its --drives"),
      "--initlabel": warned("every image disk gets a new label anyway"),
      "--linux": warned("the image's disks are new and empty: there is nothing to clear"),
      "--none": warned("the image's disks are new and empty: there is nothing to keep"),
      "--list": warned("the image's disks are new and empty: there is nothing to clear"),
      "--disklabel": applied(LAYOUT, "clearpart --disklabel=gpt makes a gpt disk; swap gets the swap GUID"),
      "--cdl": warned("DASD compatible disk layout is for s390x DASDs; image files are plain disks"),
    },
  },
  zerombr: { command: warned("the image's disks are new and zeroed: there is no old boot record to clear"), options: {} },
  ignoredisk: {
    command: applied(FAITH, "ignoredisk --only-use refuses a part on another disk"),
    options: {
      "--drives": warned("the build touches only its own disk files; no host disk is ever used"),
      "--only-use": applied(FAITH, "ignoredisk --only-use refuses a part on another disk"),
    },
  },
  bootloader: {
    command: applied(BL, "msdos without ESP: GRUB for BIOS into the MBR gap, /boot separate"),
    options: {
      "--append": applied(BL, "--append, --timeout, --default: kernel arguments split, serial console found"),
      "--location": applied(BL, "--location=none and --disabled: no loader, and says the image cannot boot"),
      "--password": applied(GRUB, "root-only xfs: /boot paths, xfs module, default timeout 5, the password block"),
      "--md5pass": applied(FAITH, "bootloader --md5pass is a hashed password"),
      "--driveorder": applied(FAITH, "bootloader --driveorder picks the boot disk"),
      "--timeout": applied(BL, "--append, --timeout, --default: kernel arguments split, serial console found"),
      "--default": applied(BL, "--append, --timeout, --default: kernel arguments split, serial console found"),
      "--iscrypted": applied(BL, "--iscrypted needs a grub.pbkdf2 hash"),
      "--boot-drive": applied(BL, "--boot-drive picks the disk; an unknown one is an error"),
      "--leavebootorder": warned("an image has no firmware boot entries to keep: it boots from the removable path"),
      "--extlinux": applied(BL, "msdos: extlinux for BIOS, serial console too"),
      "--disabled": applied(BL, "--location=none and --disabled: no loader, and says the image cannot boot"),
      "--nombr": applied(BL, "--nombr: no BIOS boot code; a hybrid layout still boots with UEFI"),
      "--sdboot": refused("systemd-boot is not installed by ksimage: remove --sdboot to get GRUB 2 for BIOS and UEFI"),
    },
  },
  zipl: {
    command: warned("zipl configures the s390x IPL loader; ksimage builds x86 images"),
    options: Object.fromEntries(["--secure-boot", "--force-secure-boot", "--no-secure-boot"].map((k) => [k, warned("zipl configures the s390x IPL loader; ksimage builds x86 images")])),
  },
  mount: {
    command: refused("mount assigns mount points to existing devices; ksimage creates its disks from scratch: use part lines"),
    options: Object.fromEntries(["<device>", "<mntpoint>", "--reformat", "--mkfsoptions", "--mountoptions"].map((k) => [k, refused("mount assigns mount points to existing devices; ksimage creates its disks from scratch: use part lines")])),
  },
  snapshot: {
    command: refused(`snapshots are LVM thin snapshots: ${THIN}`),
    options: { "--name": refused(`snapshots are LVM thin snapshots: ${THIN}`), "--when": refused(`snapshots are LVM thin snapshots: ${THIN}`) },
  },
  iscsi: {
    command: warned(`iscsi ${NOT_ON_IMAGE_STORAGE}`),
    options: Object.fromEntries(["--target", "--ipaddr", "--port", "--user", "--password", "--reverse-user", "--reverse-password", "--iface"].map((k) => [k, warned(`iscsi ${NOT_ON_IMAGE_STORAGE}`)])),
  },
  iscsiname: { command: warned(`iscsiname ${NOT_ON_IMAGE_STORAGE}`), options: { "<iqn>": warned(`iscsiname ${NOT_ON_IMAGE_STORAGE}`) } },
  fcoe: { command: warned(`fcoe ${NOT_ON_IMAGE_STORAGE}`), options: Object.fromEntries(["--nic", "--dcb", "--autovlan"].map((k) => [k, warned(`fcoe ${NOT_ON_IMAGE_STORAGE}`)])) },
  zfcp: { command: warned(`zfcp ${NOT_ON_IMAGE_STORAGE}`), options: Object.fromEntries(["--devnum", "--wwpn", "--fcplun"].map((k) => [k, warned(`zfcp ${NOT_ON_IMAGE_STORAGE}`)])) },
  nvdimm: {
    command: warned(`nvdimm ${NOT_ON_IMAGE_STORAGE}`),
    options: Object.fromEntries(["<action>", "--namespace", "--blockdevs", "--mode", "--sectorsize"].map((k) => [k, warned(`nvdimm ${NOT_ON_IMAGE_STORAGE}`)])),
  },
  hmc: { command: warned("hmc reads the installer's media from an s390x HMC; ksimage builds x86 images"), options: {} },
};

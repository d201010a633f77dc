// The disk half of the build plan: disks, partitions in sectors, filesystems, mounts and fstab, as pure data.
import type { SourceRef } from "../kickstart/model.js";

export const SECTOR = 512;
/** Partitions start and end on 1 MiB boundaries. */
export const ALIGN_SECTORS = 2048;
/** Sectors a GPT needs at the end of the disk for its backup header and entries (rounded up to 1 MiB). */
export const GPT_BACKUP_SECTORS = 2048;

export type LabelType = "msdos" | "gpt";
export type FsType = "ext2" | "ext3" | "ext4" | "xfs" | "btrfs" | "vfat" | "swap";

/** What a partition is for; decides its type code, flags and whether it gets a filesystem. */
export type PartitionRole =
  | "filesystem" // an ordinary mounted filesystem
  | "swap"
  | "esp" // EFI system partition (FAT32, esp flag)
  | "biosboot" // GRUB's BIOS boot partition on GPT (bios_grub flag, no filesystem)
  | "prepboot" // PowerPC PReP boot (prep flag, no filesystem)
  | "extended" // msdos container of logical partitions
  | "lvm-pv" // a physical volume for `volgroup`
  | "raid-member" // a member of a `raid` array
  | "btrfs-member"; // a device of a `btrfs` volume

/** A filesystem to create: on a partition, decided in full before any tool runs. */
export interface FilesystemPlan {
  fstype: FsType;
  /** Filesystem UUID (for vfat, the volume ID as XXXX-XXXX). */
  uuid: string;
  label: string | null;
  /** Extra mkfs words from --mkfsoptions, split like a shell would. */
  mkfsOptions: string[];
  /** Mount options for fstab (--fsoptions), or the type's default. */
  fsoptions: string;
  /** btrfs subvolumes to create on this filesystem (name, mountpoint). */
  subvolumes: { name: string; mountpoint: string }[];
  /** Reproducible builds (SOURCE_DATE_EPOCH): the ext directory hash seed and the time mkfs writes. */
  reproducible?: { hashSeed: string; time: number };
}

export interface PartitionPlan {
  /** Partition number as the kernel and parted know it (logical ones start at 5). */
  number: number;
  kind: "primary" | "extended" | "logical";
  startSector: number;
  /** Last sector, inclusive (parted's `s` unit convention). */
  endSector: number;
  sizeSectors: number;
  sizeBytes: number;
  role: PartitionRole;
  /** Mount point, or null (swap, biosboot, extended, members). */
  mountpoint: string | null;
  /** The kickstart name of the partition (mount point, swap, biosboot, pv.01, raid.01, btrfs.01). */
  ksName: string;
  /** GPT partition type GUID (gpt disks). */
  typeGuid: string | null;
  /** msdos partition type byte as two hex digits (msdos disks). */
  msdosType: string | null;
  /** parted flags to set (boot, esp, bios_grub, prep, lvm, raid, swap). */
  flags: string[];
  /** GPT partition name (PARTLABEL). */
  gptName: string | null;
  filesystem: FilesystemPlan | null;
  /** GPT partition GUID, planned for reproducible builds (SOURCE_DATE_EPOCH); else parted's random one. */
  partUuid?: string;
  /** The kickstart line that asked for it. */
  source: SourceRef | null;
}

export interface DiskPlan {
  /** Disk name from --ondisk (sda, vdb, ...). */
  name: string;
  label: LabelType;
  sizeBytes: number;
  sizeSectors: number;
  partitions: PartitionPlan[];
  /** msdos disk signature (0x........) or GPT disk GUID, planned for reproducible builds; else parted's random one. */
  diskId?: string;
}

/** One mount of the install root, in the order they are mounted. */
export interface MountPlan {
  mountpoint: string;
  /** The disk holding it (for an LV: the disk of its PV). */
  disk: string;
  /** The partition holding it (for an LV: its PV partition). */
  partition: number;
  /** The LVM logical volume holding it ("VG/LV"), or absent for a partition. */
  volume?: string;
  fstype: FsType;
  /** Mount options used while building (e.g. subvol=root). */
  options: string[];
}

/** The whole disk layout: disks, mounts in mount order, and /etc/fstab. */
export interface LayoutPlan {
  disks: DiskPlan[];
  mounts: MountPlan[];
  fstab: string[];
  /** LVM volume groups made on `part pv.*` partitions, extent by extent. */
  volumeGroups: VolumeGroupPlan[];
  /** Something in the layout can only be made with device-mapper (an LV spanning PVs): the build refuses it without. */
  needsDeviceMapper: boolean;
  /** Why device-mapper is needed, one sentence each (empty when it is not). */
  deviceMapperReasons: string[];
  warnings: string[];
}

/** One physical volume: a `part pv.*` partition, its metadata area and its extents. */
export interface PhysicalVolumePlan {
  /** The kickstart name (pv.01). */
  ksName: string;
  disk: string;
  partition: number;
  /** Where the partition starts in the disk file. */
  offsetBytes: number;
  sizeBytes: number;
  /** Where the first extent starts inside the PV (lvm2's default data alignment: 1 MiB). */
  peStartBytes: number;
  /** Extents in the PV: floor((size - peStart) / extent size). */
  extents: number;
}

/** A contiguous run of extents of one LV on one PV. */
export interface LvSegment {
  /** Index into the VG's pvs. */
  pv: number;
  firstExtent: number;
  extents: number;
}

/** One LVM logical volume: where its extents lie, its filesystem, where it is mounted. */
export interface LogicalVolumePlan {
  name: string;
  vg: string;
  /** What the kickstart line named: a mount point, swap or none. */
  ksName: string;
  mountpoint: string | null;
  role: "filesystem" | "swap";
  extents: number;
  sizeBytes: number;
  /** One segment when the LV fits on one PV (a loop device reaches it); several need device-mapper. */
  segments: LvSegment[];
  /** Byte offset of the LV in its PV's disk file (single-segment LVs), or null. */
  offsetBytes: number | null;
  /** The disk holding the LV's first extent. */
  disk: string;
  filesystem: FilesystemPlan | null;
  source: SourceRef | null;
}

/** One LVM volume group: its PVs, extent size, reserved extents and LVs. */
export interface VolumeGroupPlan {
  name: string;
  extentBytes: number;
  pvs: PhysicalVolumePlan[];
  /** Extents of all PVs together. */
  extents: number;
  /** Extents kept free (--reserved-space/--reserved-percent). */
  reservedExtents: number;
  /** Extents no LV uses (including the reserved ones). */
  freeExtents: number;
  lvs: LogicalVolumePlan[];
  source: SourceRef | null;
}

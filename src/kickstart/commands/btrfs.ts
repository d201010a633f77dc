// btrfs: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `btrfs` command. */
export const btrfsCommand = stubCommand("btrfs");

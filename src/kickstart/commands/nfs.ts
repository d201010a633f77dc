// nfs: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `nfs` command. */
export const nfsCommand = stubCommand("nfs");

// iscsi: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `iscsi` command. */
export const iscsiCommand = stubCommand("iscsi");

// snapshot: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `snapshot` command. */
export const snapshotCommand = stubCommand("snapshot");

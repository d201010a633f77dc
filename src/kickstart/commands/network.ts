// network: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `network` command. */
export const networkCommand = stubCommand("network");

// mediacheck: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `mediacheck` command. */
export const mediacheckCommand = stubCommand("mediacheck");

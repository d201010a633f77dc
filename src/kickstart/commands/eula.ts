// eula: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `eula` command. */
export const eulaCommand = stubCommand("eula");

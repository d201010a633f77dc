// displaymode: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `displaymode` command. */
export const displaymodeCommand = { ...stubCommand("displaymode", []), words: ["text", "graphical", "cmdline"] };

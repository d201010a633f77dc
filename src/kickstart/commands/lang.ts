// lang: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `lang` command. */
export const langCommand = stubCommand("lang");

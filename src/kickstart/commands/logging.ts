// logging: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `logging` command. */
export const loggingCommand = stubCommand("logging");

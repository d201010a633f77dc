// skipx: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `skipx` command. */
export const skipxCommand = stubCommand("skipx");

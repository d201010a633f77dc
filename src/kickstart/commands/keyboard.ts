// keyboard: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `keyboard` command. */
export const keyboardCommand = stubCommand("keyboard");

// bootloader: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `bootloader` command. */
export const bootloaderCommand = stubCommand("bootloader");

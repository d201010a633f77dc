// repo: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `repo` command. */
export const repoCommand = stubCommand("repo");

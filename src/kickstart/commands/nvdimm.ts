// nvdimm: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `nvdimm` command. */
export const nvdimmCommand = stubCommand("nvdimm");

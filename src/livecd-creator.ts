#!/usr/bin/env node
// Entry point of the `livecd-creator` drop-in binary (options and exit codes of the original tool).
import { livecdCreatorMain } from "./cli/livecd-creator.js";
import { ignoreClosedPipes } from "./cli/closed-pipe.js";

ignoreClosedPipes();
process.exitCode = await livecdCreatorMain(process.argv.slice(2));

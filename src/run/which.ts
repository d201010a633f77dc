// Find an executable on PATH without spawning anything, for run() hints and preflight checks.
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import path from "node:path";

// Return the absolute path of tool on PATH (or tool itself if it contains a slash), or undefined.
export async function which(tool: string, pathEnv: string | undefined = process.env.PATH): Promise<string | undefined> {
  if (tool === "") return undefined;
  if (tool.includes("/")) return (await isExecutableFile(tool)) ? path.resolve(tool) : undefined;
  for (const dir of (pathEnv ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.resolve(dir, tool);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

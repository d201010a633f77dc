// Outputs are owner-only (directories 0700, files 0600): a disk image holds the whole appliance, password hashes
// and keys included. `--chown USER[:GROUP]` hands them to a user, so a CI job can build as root and upload as another.
import { chmod, lchown, lstat, readdir } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../errors.js";
import { isDryRun, run } from "../run/index.js";

/** Who the finished outputs go to. */
export interface Owner {
  spec: string;
  uid: number;
  gid: number;
}

export const OUTPUT_DIR_MODE = 0o700;
export const OUTPUT_FILE_MODE = 0o600;

// USER[:GROUP], by name or number, as chown(1) reads it; a user alone brings its primary group.
export async function resolveOwner(spec: string): Promise<Owner> {
  const m = /^([^:]+)(?::([^:]*))?$/.exec(spec);
  if (m === null) throw new UsageError(`--chown ${spec}: expected USER or USER:GROUP`);
  const [, user, group] = m as unknown as [string, string, string | undefined];
  const passwd = await getent("passwd", user);
  if (passwd === undefined) throw new UsageError(`--chown ${spec}: there is no user ${user} on this host`);
  const uid = Number(passwd[2]);
  let gid = Number(passwd[3]);
  if (group !== undefined && group !== "") {
    const entry = await getent("group", group);
    if (entry === undefined) throw new UsageError(`--chown ${spec}: there is no group ${group} on this host`);
    gid = Number(entry[2]);
  }
  return { spec, uid, gid };
}

// One entry of a name service database (by name or number), split at ':'; undefined if there is none.
async function getent(db: "passwd" | "group", key: string): Promise<string[] | undefined> {
  const r = await run(["getent", db, key], { allowExitCodes: [2], reason: `look up --chown's ${db === "passwd" ? "user" : "group"}`, dryRun: false });
  if (r.exitCode !== 0) return undefined;
  const fields = r.stdout.split("\n")[0]!.split(":");
  return fields.length >= 4 && /^\d+$/.test(fields[2]!) ? fields : undefined;
}

// Make every directory and file at or below each of PATHS owner-only, and give it to OWNER if set. Symbolic links
// are not followed (lchown); their modes do not exist.
export async function handOver(paths: readonly string[], owner: Owner | undefined): Promise<void> {
  if (isDryRun()) return;
  const visit = async (p: string): Promise<void> => {
    const st = await lstat(p);
    if (st.isDirectory()) {
      await chmod(p, OUTPUT_DIR_MODE);
      for (const name of await readdir(p)) await visit(path.join(p, name));
    } else if (st.isFile()) {
      await chmod(p, OUTPUT_FILE_MODE);
    }
    if (owner !== undefined) await lchown(p, owner.uid, owner.gid);
  };
  for (const p of paths) await visit(p);
}

// Write a tiny root tarball in pure TypeScript (ustar + PAX xattrs), so tests need no setfattr/chown on the host.
import { writeFileSync } from "node:fs";

/** One archive member. Paths are relative ("etc/hostname"); directories end without a slash. */
export interface TarEntry {
  path: string;
  type: "file" | "dir" | "hardlink" | "fifo";
  mode: number;
  uid?: number;
  gid?: number;
  content?: string | Buffer;
  /** For hard links: the path of the file it links to. */
  linkTo?: string;
  xattrs?: Record<string, string>;
}

const BLOCK = 512;

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, "0") + "\0";
}

function header(name: string, e: { mode: number; uid: number; gid: number; size: number; typeflag: string; linkname?: string }): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  if (Buffer.byteLength(name) > 100) throw new Error(`tar test helper: name too long: ${name}`);
  h.write(name, 0, "utf8");
  h.write(octal(e.mode, 8), 100);
  h.write(octal(e.uid, 8), 108);
  h.write(octal(e.gid, 8), 116);
  h.write(octal(e.size, 12), 124);
  h.write(octal(1_700_000_000, 12), 136);
  h.write("        ", 148); // checksum field counts as spaces while summing
  h.write(e.typeflag, 156);
  if (e.linkname) h.write(e.linkname, 157);
  h.write("ustar\0", 257);
  h.write("00", 263);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(octal(sum, 7) + " ", 148);
  return h;
}

function padded(data: Buffer): Buffer {
  const rest = data.length % BLOCK;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - rest, 0)]);
}

// A PAX record "LEN key=value\n", where LEN counts the whole record including itself.
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

/** The tar archive bytes for ENTRIES (in order), ending with the two zero blocks. */
export function tarBytes(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const name = e.type === "dir" ? `./${e.path}/` : `./${e.path}`;
    if (e.xattrs && Object.keys(e.xattrs).length > 0) {
      const pax = Buffer.from(Object.entries(e.xattrs).map(([k, v]) => paxRecord(`SCHILY.xattr.${k}`, v)).join(""));
      parts.push(header(`./PaxHeaders/${e.path.split("/").pop()}`, { mode: 0o644, uid: 0, gid: 0, size: pax.length, typeflag: "x" }), padded(pax));
    }
    const content = e.type === "file" ? Buffer.from(e.content ?? "") : Buffer.alloc(0);
    const typeflag = { file: "0", dir: "5", hardlink: "1", fifo: "6" }[e.type];
    const linkname = e.type === "hardlink" ? `./${e.linkTo}` : undefined;
    parts.push(header(name, { mode: e.mode, uid: e.uid ?? 0, gid: e.gid ?? 0, size: content.length, typeflag, linkname }), padded(content));
  }
  parts.push(Buffer.alloc(2 * BLOCK, 0));
  return Buffer.concat(parts);
}

/** The test root: dirs, a file owned by 1234:1234, a setuid file, a hard link, a file with user.ksimage=1, an fstab to replace. */
export const TEST_ROOT: TarEntry[] = [
  { path: "etc", type: "dir", mode: 0o755 },
  { path: "etc/hostname", type: "file", mode: 0o644, content: "from-tarball\n" },
  { path: "etc/fstab", type: "file", mode: 0o644, content: "# the tarball's fstab, to be replaced\n" },
  { path: "etc/xattr-file", type: "file", mode: 0o640, content: "has an xattr\n", xattrs: { "user.ksimage": "1" } },
  { path: "home", type: "dir", mode: 0o755 },
  { path: "home/user", type: "dir", mode: 0o700, uid: 1234, gid: 1234 },
  { path: "home/user/notes", type: "file", mode: 0o600, uid: 1234, gid: 1234, content: "owned by 1234\n" },
  { path: "usr", type: "dir", mode: 0o755 },
  { path: "usr/bin", type: "dir", mode: 0o755 },
  { path: "usr/bin/tool", type: "file", mode: 0o4755, content: "#!/bin/sh\necho setuid\n" },
  { path: "usr/bin/tool-link", type: "hardlink", mode: 0o4755, linkTo: "usr/bin/tool" },
  { path: "boot", type: "dir", mode: 0o755 },
  { path: "boot/vmlinuz-test", type: "file", mode: 0o644, content: "not a kernel\n" },
];

/** Write the test root tarball to FILE. */
export function writeTestRootTarball(file: string, entries: TarEntry[] = TEST_ROOT): void {
  writeFileSync(file, tarBytes(entries));
}

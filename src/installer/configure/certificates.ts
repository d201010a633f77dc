// %certificate: write each certificate into the image at DIR/FILENAME before %post, as Anaconda's ImportCertificatesTask does.
import path from "node:path";
import type { Kickstart } from "../../kickstart/model.js";
import { getLogger, isDryRun } from "../../run/index.js";
import { writeGuestFile } from "./guest.js";

/** One %certificate section, typed. */
export interface Certificate {
  filename: string;
  dir: string;
  text: string;
}

// The certificates of KS (the plan has refused any without --dir), with their text ending in one newline.
export function certificates(ks: Kickstart): Certificate[] {
  return ks.certificates.map((c) => ({ filename: String(c.filename), dir: String(c.dir), text: `${String(c.cert ?? "").trim()}\n` }));
}

// The guest path a certificate is written to.
export function certificatePath(c: Certificate): string {
  return path.posix.join(path.posix.resolve("/", c.dir), c.filename);
}

// Write every certificate into ROOT (directories created, an existing file replaced), mode 0644: certificates are public.
export async function writeCertificates(ks: Kickstart, root: string): Promise<string[]> {
  const written: string[] = [];
  for (const c of certificates(ks)) {
    const guestPath = certificatePath(c);
    getLogger().info({ certificate: guestPath }, `write the certificate ${guestPath}`);
    if (!isDryRun()) await writeGuestFile(root, guestPath, c.text, 0o644);
    written.push(guestPath);
  }
  return written;
}

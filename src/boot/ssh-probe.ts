// `ksimage boot --ssh`: after the console text, wait until the guest's SSH server answers on a forwarded port and
// read its public host keys (ssh-keyscan). Proves the server started with keys, however the console was used.
import { createServer } from "node:net";
import { run } from "../run/index.js";

/** One public host key the guest's SSH server offered. */
export interface HostKey {
  type: string;
  /** The base64 public key: not a secret, it is what ~/.ssh/known_hosts records. */
  key: string;
}

/** A free TCP port on the loopback address, for QEMU's hostfwd (the port is closed again before QEMU binds it). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no free loopback port"))));
    });
  });
}

/** ssh-keyscan's lines ("[127.0.0.1]:PORT ssh-ed25519 AAAA..."); comments and blank lines are skipped. */
export function parseKeyscan(stdout: string): HostKey[] {
  const keys: HostKey[] = [];
  for (const line of stdout.split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 3 || fields[0]!.startsWith("#")) continue;
    const [, type, key] = fields as [string, string, string];
    if (/^(ssh-|ecdsa-|sk-)/.test(type) && /^[A-Za-z0-9+/]+=*$/.test(key)) keys.push({ type, key });
  }
  return keys.sort((a, b) => a.type.localeCompare(b.type));
}

/** The ssh-keyscan argv for one attempt: every key type, a short per-connection timeout. */
export function keyscanArgs(port: number): string[] {
  return ["ssh-keyscan", "-T", "5", "-p", String(port), "-t", "rsa,ecdsa,ed25519", "127.0.0.1"];
}

/** The key types keyscanArgs asks for, as ssh-keyscan names them. */
export const WANTED_KEY_TYPES = ["ecdsa-sha2-nistp256", "ssh-ed25519", "ssh-rsa"];

/** KEYS with those of MORE added (one per type), sorted by type. */
export function mergeKeys(keys: readonly HostKey[], more: readonly HostKey[]): HostKey[] {
  const byType = new Map(keys.map((k) => [k.type, k]));
  for (const k of more) if (!byType.has(k.type)) byType.set(k.type, k);
  return [...byType.values()].sort((a, b) => a.type.localeCompare(b.type));
}

/**
 * Ask until the server offers keys or the deadline passes; the keys, or null. `stopped` ends the wait early (QEMU exited).
 * ssh-keyscan makes one connection per key type, and a guest still busy booting under TCG may let one of them time out:
 * once some keys came, it asks up to EXTRA more times for the types still missing (a server may offer fewer types).
 */
export async function waitForHostKeys(port: number, deadline: number, stopped: () => boolean, pollMs = 2000, extra = 3): Promise<HostKey[] | null> {
  let keys: HostKey[] = [];
  let tries = 0;
  for (;;) {
    // Before sshd listens, QEMU accepts the connection and closes it: ssh-keyscan prints nothing.
    const r = await run(keyscanArgs(port), { reason: "read the guest's SSH host keys", allowExitCodes: [0, 1], timeoutMs: 30_000, dryRun: false });
    keys = mergeKeys(keys, parseKeyscan(r.stdout));
    if (keys.length > 0) {
      if (WANTED_KEY_TYPES.every((t) => keys.some((k) => k.type === t)) || tries >= extra) return keys;
      tries += 1;
    }
    if (stopped() || Date.now() >= deadline) return keys.length > 0 ? keys : null;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

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

/** Ask until the server offers keys or the deadline passes; the keys, or null. `stopped` ends the wait early (QEMU exited). */
export async function waitForHostKeys(port: number, deadline: number, stopped: () => boolean, pollMs = 2000): Promise<HostKey[] | null> {
  for (;;) {
    // Before sshd listens, QEMU accepts the connection and closes it: ssh-keyscan prints nothing.
    const r = await run(keyscanArgs(port), { reason: "read the guest's SSH host keys", allowExitCodes: [0, 1], timeoutMs: 30_000, dryRun: false });
    const keys = parseKeyscan(r.stdout);
    if (keys.length > 0) return keys;
    if (stopped() || Date.now() >= deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

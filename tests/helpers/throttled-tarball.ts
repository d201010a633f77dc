// Feed a root tarball to a build through a FIFO: quickly up to the header of a big file, then a trickle, so the
// build is reliably busy in its install step (mounts up) until the test lets the rest through.
import { closeSync, constants, openSync, writeSync } from "node:fs";
import { run } from "../../src/run/index.js";
import { tarBytes, TEST_ROOT } from "./root-tarball.js";

/** A running feed: finish() sends the rest at full speed and closes the FIFO; stop() just closes it. */
export interface TarballFeed {
  finish(): Promise<void>;
  stop(): void;
}

// Make FIFO and start feeding the test root plus a BIG_MIB file of zeros through it.
export async function feedTarball(fifo: string, bigMiB = 8): Promise<TarballFeed> {
  await run(["mkfifo", fifo]);
  // O_RDWR never blocks on a FIFO and never gets EPIPE, whether or not tar has opened it yet.
  const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
  const bytes = tarBytes([...TEST_ROOT, { path: "big", type: "file", mode: 0o644, content: Buffer.alloc(bigMiB * 2 ** 20) }]);
  let offset = 0;
  let closed = false;
  const send = (n: number): void => {
    if (closed) return;
    try {
      offset += writeSync(fd, bytes, offset, Math.min(n, bytes.length - offset));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
    }
  };
  const close = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    closeSync(fd);
  };
  send(16 * 1024);
  let timer = setInterval(() => send(4096), 50);
  return {
    stop: close,
    finish: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        timer = setInterval(() => {
          send(1 << 20);
          if (offset >= bytes.length) {
            close();
            resolve();
          }
        }, 5);
      }),
  };
}

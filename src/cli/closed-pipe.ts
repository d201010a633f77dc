// A reader that goes away (`ksimage build --help | head -1`, `ksimage plan KS | head`) closes ksimage's stdout. Node
// then raises EPIPE as an unhandled 'error' event, which ended ksimage with a stack trace and, during a build, without
// its teardown. Like other command-line tools ksimage drops what the closed pipe would have carried and goes on: a build
// still finishes or cleans up (its progress also goes to its log file). Other errors of the stream stay fatal.
export function ignoreClosedPipes(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
    });
  }
}

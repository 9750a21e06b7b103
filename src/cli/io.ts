// Where a command writes: injectable so that tests read what a user would see.

/** Io: standard output and error as line writers (each call ends its own line). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/**
 * lineWriter: writes each text to `stream` as a line, until the reader goes away. A reader that
 * closes early (`kubebundle generate | head -1`: EPIPE) ends the writing and nothing else: the run
 * goes on (generate still swaps out/ in whole) and exits with its own code. Other write errors
 * are left unhandled, as before: they crash the run loudly.
 */
function lineWriter(stream: NodeJS.WriteStream): (text: string) => void {
  let watched = false;
  return (t) => {
    if (!watched) {
      watched = true;
      stream.on("error", (e: NodeJS.ErrnoException) => {
        if (e.code !== "EPIPE") throw e;
      });
    }
    // A stream that failed (EPIPE) is destroyed and no longer writable.
    if (stream.writable) stream.write(t.endsWith("\n") ? t : `${t}\n`);
  };
}

/** processIo: the real terminal. */
export const processIo: Io = {
  out: lineWriter(process.stdout),
  err: lineWriter(process.stderr),
};

/** Ctx: what a command handler gets besides its argv: the writer and a slot for the exit code. */
export interface Ctx {
  io: Io;
  /** The exit code the handler decided (0 unless set). */
  code: number;
}

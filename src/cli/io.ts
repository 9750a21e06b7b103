// Where a command writes: injectable so that tests read what a user would see.

/** Io: standard output and error as line writers (each call ends its own line). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** processIo: the real terminal. */
export const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith("\n") ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith("\n") ? t : `${t}\n`),
};

/** Ctx: what a command handler gets besides its argv: the writer and a slot for the exit code. */
export interface Ctx {
  io: Io;
  /** The exit code the handler decided (0 unless set). */
  code: number;
}

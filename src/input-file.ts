// Reading a file kubebundle takes as input (the spec, CA files, out/pki, manifest.json, what inspect is given): a regular
// file of bounded size, checked on the open file itself, so that a FIFO, a device, a socket or a folder (also behind a
// symlink) can neither block a run nor fill its memory.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { InputError } from "./errors.js";

/** CAPS: the largest file of each kind kubebundle reads, in bytes. */
export const CAPS = {
  /** A cluster spec. */
  spec: 1 << 20,
  /** One PEM file (a certificate, a key, a chain). */
  pem: 1 << 20,
  /** out/manifest.json. */
  manifest: 16 << 20,
  /** A node tarball given to inspect, compressed. */
  tarball: 64 << 20,
  /** The same tarball unpacked (gzip can expand a thousandfold). */
  unpacked: 256 << 20,
} as const;

/** kindOf: what a non-regular file is, for a message. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return "a folder";
  if (st.isFIFO()) return "a FIFO";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  return "not a regular file";
}

/** mib: a cap as a message names it ("1 MiB"). */
export const mib = (bytes: number) => `${bytes / (1 << 20)} MiB`;

/** InputFileOptions: what the file is (for messages), its cap, the error code's prefix, a hint when it is missing. */
export interface InputFileOptions {
  what: string;
  cap: number;
  code: string;
  missingHint?: string;
}

/** refuse: an InputError for `file` with one whole-file problem. */
function refuse(file: string, o: InputFileOptions, suffix: string, message: string): InputError {
  const hint = suffix === "not-found" && o.missingHint ? ` (${o.missingHint})` : "";
  return new InputError(`${o.code}-${suffix}`, `${file}: ${message}${hint}`, [{ file, pointer: "", message, severity: "error" }]);
}

/** readInputFile: the bytes of `file` (symlinks followed) when it is a regular file of at most `cap` bytes; otherwise an
 *  InputError saying what it is. The file is opened without blocking (a FIFO opens at once) and checked before a byte is read. */
export function readInputFile(file: string, o: InputFileOptions): Buffer {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw refuse(file, o, "not-found", "no such file");
    if (code === "ENXIO") throw refuse(file, o, "not-regular", `is a socket, not ${o.what}`);
    throw refuse(file, o, "unreadable", `cannot be read (${code ?? String(e)})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw refuse(file, o, st.isDirectory() ? "is-directory" : "not-regular", `is ${kindOf(st)}, not ${o.what} (kubebundle reads regular files only)`);
    if (st.size > o.cap) throw refuse(file, o, "too-large", `is ${st.size} bytes, larger than ${o.what} may be (at most ${mib(o.cap)})`);
    // Read up to one byte past the cap: a file that grows while it is read is refused too.
    const buf = Buffer.alloc(Math.min(st.size, o.cap) + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, null);
    if (n > o.cap) throw refuse(file, o, "too-large", `grew past ${mib(o.cap)} while it was read; not ${o.what}`);
    return buf.subarray(0, n);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw refuse(file, o, "unreadable", `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  } finally {
    closeSync(fd);
  }
}

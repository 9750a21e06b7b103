// Reading the spec file: a missing file, a folder or an unreadable file is the user's mistake.
import { readFileSync, statSync } from "node:fs";
import { InputError } from "../errors.js";

/** readSpecFile: the file's bytes, or an InputError naming why it cannot be read. */
export function readSpecFile(file: string): Buffer {
  const shown = file;
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new InputError("spec-not-found", `${shown}: no such file (give the cluster spec's path, e.g. kubebundle validate cluster.json)`, [
      { file: shown, pointer: "", message: "no such file", severity: "error" },
    ]);
  }
  if (st.isDirectory()) {
    throw new InputError("spec-is-directory", `${shown}: is a directory, not a cluster spec file`, [
      { file: shown, pointer: "", message: "is a directory, not a cluster spec file", severity: "error" },
    ]);
  }
  try {
    return readFileSync(file);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? "unreadable";
    throw new InputError("spec-unreadable", `${shown}: cannot be read (${why})`, [
      { file: shown, pointer: "", message: `cannot be read (${why})`, severity: "error" },
    ]);
  }
}

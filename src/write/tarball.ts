// A node's tarball: one top folder named after the node, entries and metadata from tar-options.
import { gzipSync } from "node:zlib";
import { parentDirs } from "../paths.js";
import { DIR_MODE, GZIP_LEVEL, GZIP_OS, OWNER, entryOrder, tarMtime } from "./tar-options.js";

/** BundleEntry: a file inside the bundle folder (path relative to it). */
export interface BundleEntry {
  path: string;
  mode: number;
  content: Buffer;
}

/** buildTar: the uncompressed tar of `files` under `<top>/`, deterministic (see tar-options.ts). */
export async function buildTar(top: string, files: BundleEntry[], mtime: Date = tarMtime()): Promise<Buffer> {
  const { TarArchive } = await import("archiver");
  const archive = new TarArchive({});
  const entries = [
    ...[top, ...parentDirs(files.map((f) => f.path)).map((d) => `${top}/${d}`)].map((name) => ({ name: `${name}/`, dir: true as const })),
    ...files.map((f) => ({ name: `${top}/${f.path}`, file: f })),
  ].sort((a, b) => entryOrder(a.name, b.name));
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    archive.on("data", (c: Buffer) => chunks.push(c));
    archive.on("end", () => resolve(Buffer.concat(chunks)));
    archive.on("error", reject);
    archive.on("warning", reject);
  });
  for (const e of entries) {
    const meta = { ...OWNER, date: mtime };
    if ("dir" in e) archive.append(Buffer.alloc(0), { ...meta, name: e.name, type: "directory", mode: DIR_MODE });
    else archive.append(e.file.content, { ...meta, name: e.name, mode: e.file.mode });
  }
  await archive.finalize();
  return done;
}

/** gzipPinned: gzip with a pinned level, mtime 0, no name and a fixed OS byte. */
export function gzipPinned(tar: Buffer): Buffer {
  const gz = gzipSync(tar, { level: GZIP_LEVEL });
  gz[9] = GZIP_OS;
  return gz;
}

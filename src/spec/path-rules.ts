// Semantic rules for `paths`: safe, absolute, normalised, and never a file inside another file.
import path from "node:path";
import { workingDir } from "../components/layout.js";
import { componentsOfSpec, nodeFiles } from "../components/registry.js";
import { err, isObj, q, str, type Rule } from "./_rule.js";
import { LIMITS, type Spec } from "./schema.js";

/** SAFE_PATH: characters allowed in a path that lands in a script or unit. */
const SAFE_PATH = /^[A-Za-z0-9._/-]+$/;
/** MAX_PATH, MAX_NAME: the longest node path and path component kubebundle takes; Linux's own limits are 4095 and 255
 *  bytes, and a node path also lands under out/nodes/<node>/rootfs/ on the build host, inside its tar entry. */
export const MAX_PATH = LIMITS.nodePath;
export const MAX_NAME = 255;

/** paths: every node path absolute, normalised, free of ".." and of characters a script or unit would read. */
export const paths: Rule = (s, out) => {
  if (!isObj(s.paths)) return;
  for (const [field, v] of Object.entries(s.paths)) {
    if (!str(v)) continue;
    const at = `/paths/${field}`;
    const norm = path.posix.normalize(v).replace(/(.)\/+$/, "$1");
    if (!SAFE_PATH.test(v)) out.push(err(at, `${q(v)} may hold only letters, digits and "._-/" (no spaces or shell characters)`));
    else if (!v.startsWith("/")) out.push(err(at, `${q(v)} must be absolute`, `/${norm}`));
    else if (v.split("/").includes("..")) out.push(err(at, `${q(v)} must not contain ".."`));
    else if (norm !== v) out.push(err(at, `${q(v)} is not normalised`, norm));
    else if (v === "/") out.push(err(at, `must not be the root folder`));
    else if (v.length > MAX_PATH) out.push(err(at, `is ${v.length} characters long; kubebundle takes node paths of at most ${MAX_PATH}`));
    else if (v.split("/").some((c) => c.length > MAX_NAME)) out.push(err(at, `has a folder name longer than ${MAX_NAME} characters, which no Linux file system takes`));
  }
};

/** overlaps: every pair of node paths where one is the other or lies inside it (a file cannot also be a folder), over the
 *  files of every component the spec generates; each binary `<binDir>/<binary>`, not shipped but on the node, counts as a file,
 *  each working folder as a folder. */
export const overlaps: Rule = (s, out) => {
  if (!isObj(s.paths)) return;
  const given = Object.entries(s.paths).filter((e): e is [string, string] => str(e[1]));
  if (given.length !== Object.keys(s.paths).length || !given.every(([, v]) => SAFE_PATH.test(v) && v.startsWith("/"))) return;
  const owner = { spec: { paths: s.paths as Spec["paths"] } };
  const components = componentsOfSpec(s);
  const works = new Set(components.map((k) => workingDir(owner, k.id)));
  const binDir = str(s.paths.binDir) ? s.paths.binDir : undefined;
  const binaries = new Map(binDir === undefined ? [] : components.map((k) => [path.posix.join(binDir, k.binary), k.binary] as const));
  const layout = nodeFiles(components).map((r) => r.target(owner));
  const files = [...layout, ...binaries.keys()];
  const others = [...files, ...works];
  const named = (p: string) => (binaries.has(p) ? `the ${binaries.get(p)} binary ${p}` : works.has(p) ? `the working folder ${p}` : p);
  for (const f of files) {
    const inside = works.has(f) ? f : others.find((g) => g !== f && g.startsWith(`${f}/`));
    if (inside === undefined) continue;
    if (binaries.has(f) || binaries.has(inside)) {
      const message =
        f === inside
          ? `puts ${named(f)} at the service's working folder: one path cannot be both a file and a folder`
          : binaries.has(f)
            ? `makes ${named(f)} a folder holding ${named(inside)}: one path cannot be both a file and a folder`
            : `puts ${named(inside)} inside the file ${f}: one path cannot be both a file and a folder`;
      out.push(err("/paths/binDir", message));
      continue;
    }
    // Blame the field whose folder holds the misplaced path (the longest matching one).
    const field = given.filter(([, v]) => inside.startsWith(`${v}/`)).sort((a, b) => b[1].length - a[1].length)[0]?.[0] ?? "dataDir";
    out.push(err(`/paths/${field}`, `puts ${inside} inside the file ${f}: one path cannot be both a file and a folder`));
  }
};

// A component's objects for the cluster (out/admin/<file>) as one multi-document YAML file with a header that says how to
// apply them.
import { stringify } from "yaml";

/** AdminManifestInput: the objects, who needs them, and where the file and the admin kubeconfig sit under out/. */
export interface AdminManifestInput {
  /** The component that needs them, e.g. "kube-apiserver". */
  component: string;
  /** One line: what the objects are for. */
  about: string;
  /** The file, relative to out/ ("admin/apiserver-rbac.yaml"). */
  file: string;
  /** The admin kubeconfig, relative to out/ ("admin/admin.kubeconfig"). */
  kubeconfig: string;
  objects: readonly object[];
  /** kubebundle's version, named in the header. */
  version: string;
}

/** renderAdminManifest: "# ..." header lines, then each object as a YAML document, "---" between them; throws on no object
 *  or a newline in a header value. */
export function renderAdminManifest(input: AdminManifestInput): string {
  if (input.objects.length === 0) throw new Error(`${input.file}: no objects`);
  for (const v of [input.component, input.about, input.file, input.kubeconfig, input.version]) {
    if (/[\r\n]/.test(v)) throw new Error(`${input.file}: a newline in ${JSON.stringify(v)}`);
  }
  const header = [
    `# ${input.file}: ${input.about}.`,
    `# Written by kubebundle ${input.version} for ${input.component}; change the cluster spec, not this file.`,
    "# Apply it once, from out/ on the admin host, when the cluster's API answers (it holds no secret):",
    `#   kubectl --kubeconfig ${input.kubeconfig} apply -f ${input.file}`,
  ];
  // YAML 1.1, as kubectl reads it (sigs.k8s.io/yaml): strings such as "y" or "on" are quoted, not read back as booleans;
  // lineWidth 0: no folded lines.
  const docs = input.objects.map((o) => stringify(o, { version: "1.1", lineWidth: 0 }));
  return `${header.join("\n")}\n${docs.join("---\n")}`;
}

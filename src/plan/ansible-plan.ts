// out/ansible/: an inventory of the nodes and a playbook that rolls the bundles out component by component, in registry
// (rollout) order, as every row's `rollout` says; plus the defaults of the variables the playbook documents.
import { stringify } from "yaml";
import type { Component, HealthGate } from "../components/component.js";
import { MODES } from "../components/layout.js";
import { componentsOf, fileTarget } from "../components/registry.js";
import { servingOf } from "../render/flags.js";
import { renderTemplate } from "../render/_templates.js";
import type { Cluster, ClusterNode } from "../spec/cluster.js";
import type { AdminFile } from "./admin-plan.js";

/** groupName: a component's inventory group (Ansible group names take no "-"). */
export function groupName(id: string): string {
  return id.replaceAll("-", "_");
}

/** NODES_GROUP: the group of every node. */
export const NODES_GROUP = "kubebundle_nodes";

/** VARIABLES: the playbook's variables with their defaults (group_vars/all.yml) and what each does (site.yml's header). */
export const VARIABLES: readonly { name: string; value: string | number | boolean; doc: string }[] = [
  { name: "kubebundle_out", value: "{{ playbook_dir }}/..", doc: "the out/ folder on the controller (manifest.json, bundles/)" },
  { name: "kubebundle_root", value: "/", doc: "install root on the host; any other value runs install.sh --root DIR: files only, no service touched, no health gate" },
  { name: "kubebundle_work_dir", value: "/var/lib/kubebundle", doc: "where the host keeps each bundle, unpacked into a folder named by its sha256" },
  { name: "kubebundle_new_cluster", value: false, doc: "true on the first install of a new cluster: components that need their peers (etcd) go on every host at once" },
  { name: "kubebundle_no_start", value: false, doc: "true: install.sh --no-start (files only, units neither enabled nor restarted; no health gate)" },
  { name: "kubebundle_become", value: true, doc: "become root on the hosts" },
  { name: "kubebundle_health_retries", value: 60, doc: "health checks after each host: attempts" },
  { name: "kubebundle_health_delay", value: 2, doc: "health checks after each host: seconds between attempts" },
];

/** planAnsible: out/ansible/inventory.ini, site.yml and group_vars/all.yml. */
export function planAnsible(c: Cluster, version: string): AdminFile[] {
  const components = componentsOf(c);
  const inventory = renderTemplate("ansible-inventory.ini.ejs", {
    clusterName: c.spec.clusterName,
    version,
    nodesGroup: NODES_GROUP,
    nodes: c.nodes.map((n) => ({ name: iniWord(n.name), ip: iniWord(n.ip) })),
    groups: components.map((k) => ({ name: groupName(k.id), nodes: c.nodes.map((n) => iniWord(n.name)) })),
  });
  const plays = [stagePlay(), ...components.map((k) => componentPlay(c, k, components))];
  const site = renderTemplate("ansible-site.yml.ejs", {
    clusterName: c.spec.clusterName,
    version,
    components: components.map((k) => ({ id: k.id, group: groupName(k.id), allAtOnce: k.rollout.allAtOnceOnNewCluster })),
    variables: VARIABLES,
    body: stringify(plays, { lineWidth: 150, minContentWidth: 60 }),
  });
  const defaults = `---\n# Defaults of the variables site.yml documents; set them in the inventory or with -e rather than here (regenerated).\n${stringify(Object.fromEntries(VARIABLES.map((v) => [v.name, v.value])), { lineWidth: 0 })}`;
  return [
    { path: "ansible/inventory.ini", mode: MODES.config, content: Buffer.from(inventory) },
    { path: "ansible/site.yml", mode: MODES.config, content: Buffer.from(site) },
    { path: "ansible/group_vars/all.yml", mode: MODES.config, content: Buffer.from(defaults) },
  ];
}

// --- internal ---

/** iniWord: a node name or IP as an INI word; the spec validated both, this refuses anything else (a bug). */
function iniWord(v: string): string {
  if (!/^[A-Za-z0-9.:_-]+$/.test(v)) throw new Error(`inventory.ini: refusing ${JSON.stringify(v)}`);
  return v;
}

const BECOME = "{{ kubebundle_become | bool }}";

/** stagePlay: every host gets its bundle: copied, its sha256 checked against manifest.json before it is unpacked, unpacked
 *  once into a folder named by that sha256. Runs in --check too (install.sh --dry-run needs the bundle): it changes
 *  nothing under kubebundle_root. */
function stagePlay(): object {
  const tarball = "{{ kubebundle_work_dir }}/{{ inventory_hostname }}-{{ kubebundle_sha256 }}.tar.gz";
  return {
    name: "Stage each node's bundle",
    hosts: NODES_GROUP,
    gather_facts: false,
    any_errors_fatal: true,
    become: BECOME,
    tags: ["always"],
    tasks: [
      {
        name: "Read the bundle's sha256 from manifest.json",
        "ansible.builtin.set_fact": {
          kubebundle_sha256: "{{ (lookup('ansible.builtin.file', kubebundle_out ~ '/manifest.json') | from_json).nodes | selectattr('name', 'equalto', inventory_hostname) | map(attribute='bundle') | map(attribute='sha256') | first }}",
        },
      },
      { name: "Create the work folder", "ansible.builtin.file": { path: "{{ kubebundle_work_dir }}", state: "directory", mode: "0700" }, check_mode: false },
      {
        name: "Copy the bundle",
        "ansible.builtin.copy": { src: "{{ kubebundle_out }}/bundles/{{ inventory_hostname }}.tar.gz", dest: tarball, mode: "0600" },
        check_mode: false,
      },
      { name: "Read the copied bundle's sha256", "ansible.builtin.stat": { path: tarball, checksum_algorithm: "sha256" }, register: "kubebundle_copied" },
      {
        name: "Refuse a bundle that does not match manifest.json",
        "ansible.builtin.assert": {
          that: ["kubebundle_copied.stat.checksum == kubebundle_sha256"],
          fail_msg: "{{ tarball_name }}: sha256 {{ kubebundle_copied.stat.checksum }}, but manifest.json says {{ kubebundle_sha256 }}: nothing was installed on this host",
          quiet: true,
        },
        vars: { tarball_name: "bundles/{{ inventory_hostname }}.tar.gz" },
      },
      { name: "Create the bundle's folder", "ansible.builtin.file": { path: "{{ kubebundle_work_dir }}/{{ kubebundle_sha256 }}", state: "directory", mode: "0700" }, check_mode: false },
      {
        name: "Unpack the bundle",
        "ansible.builtin.unarchive": {
          src: tarball,
          dest: "{{ kubebundle_work_dir }}/{{ kubebundle_sha256 }}",
          remote_src: true,
          creates: "{{ kubebundle_work_dir }}/{{ kubebundle_sha256 }}/{{ inventory_hostname }}/install.sh",
        },
        check_mode: false,
      },
    ],
  };
}

/** componentPlay: install.sh --only <id> --json on each host of the component's group, one at a time (or all at once on a
 *  new cluster, where the row says so), `changed` from install.sh's result, then the row's health gate on a real install. */
function componentPlay(c: Cluster, k: Component, components: readonly Component[]): object {
  const id = k.id;
  const result = `kubebundle_${groupName(id)}`;
  const argv =
    `{{ [kubebundle_work_dir ~ '/' ~ kubebundle_sha256 ~ '/' ~ inventory_hostname ~ '/install.sh', '--only', '${id}', '--json']` +
    ` + (['--root', kubebundle_root] if kubebundle_root != '/' else []) + (['--no-start'] if kubebundle_no_start | bool else [])` +
    ` + (['--dry-run'] if ansible_check_mode else []) }}`;
  const serial = k.rollout.allAtOnceOnNewCluster ? "{{ '100%' if kubebundle_new_cluster | default(false) | bool else 1 }}" : 1;
  return {
    name: `Roll out ${id}`,
    hosts: groupName(id),
    serial,
    gather_facts: false,
    any_errors_fatal: true,
    become: BECOME,
    tags: [id],
    tasks: [
      {
        name: `Install ${id}`,
        "ansible.builtin.command": { argv },
        register: result,
        changed_when: `(${result}.stdout | from_json).components['${id}'].changed`,
        check_mode: false,
      },
      gateTask(c, k, components),
    ],
  };
}

/** gateTask: the row's health gate as a task that retries; only on a real install on / with services started. */
function gateTask(c: Cluster, k: Component, components: readonly Component[]): object {
  const gate: HealthGate = k.rollout.gate;
  const byHost = Object.fromEntries(c.nodes.map((n) => [n.name, gateOn(c, k, n, gate, components)]));
  const common = {
    vars: { kubebundle_gate: `{{ kubebundle_gates[inventory_hostname] }}`, kubebundle_gates: byHost },
    when: "kubebundle_root == '/' and not (kubebundle_no_start | bool) and not ansible_check_mode",
    register: "kubebundle_health",
    retries: "{{ kubebundle_health_retries | int }}",
    delay: "{{ kubebundle_health_delay | int }}",
    changed_when: false,
  };
  if (gate.kind === "https") {
    return {
      name: `Wait until ${k.id} answers ${gate.path}`,
      "ansible.builtin.uri": {
        url: "{{ kubebundle_gate.url }}",
        ca_path: "{{ kubebundle_gate.ca }}",
        ...(gate.cert ? { client_cert: "{{ kubebundle_gate.cert }}", client_key: "{{ kubebundle_gate.key }}" } : {}),
        status_code: 200,
      },
      until: "kubebundle_health.status == 200",
      ...common,
    };
  }
  return {
    name: `Wait until ${k.id} is healthy`,
    "ansible.builtin.command": { argv: "{{ kubebundle_gate.argv }}" },
    until: "kubebundle_health.rc == 0",
    ...common,
  };
}

/** gateOn: the gate's values on one node (URL and file paths as on the node). */
function gateOn(c: Cluster, k: Component, n: ClusterNode, gate: HealthGate, components: readonly Component[]): object {
  if (gate.kind === "command") return { argv: gate.argv(c, n) };
  const { host, port } = servingOf(k, c, n);
  const file = (id: string) => fileTarget(c, components, id);
  const url = `https://${host.includes(":") ? `[${host}]` : host}:${port}${gate.path}`;
  return { url, ca: file(gate.ca), ...(gate.cert && gate.key ? { cert: file(gate.cert), key: file(gate.key) } : {}) };
}

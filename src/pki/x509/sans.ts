// Subject alternative names: host strings <-> GeneralNames, in one canonical order.
import ipaddr from "ipaddr.js";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { parseIp } from "../../spec/ip.js";
import { byteOrder } from "../../paths.js";

/** GeneralName tags RFC 5280 defines for the two kinds kubebundle writes. */
const DNS_NAME = 2;
const IP_ADDRESS = 7;

function ipKey(bytes: Uint8Array): string {
  return `${bytes.length === 4 ? "4" : "6"}:${Buffer.from(bytes).toString("hex")}`;
}

/** sortHosts: DNS names alphabetically first, then IPv4, then IPv6 addresses numerically; IPs canonical, duplicates removed. */
export function sortHosts(hosts: readonly string[]): string[] {
  const dns = new Set<string>();
  const ips = new Map<string, string>();
  for (const h of hosts) {
    const ip = parseIp(h);
    if (ip) ips.set(ipKey(ip.bytes), ip.text);
    else dns.add(h.toLowerCase());
  }
  const sortedIps = [...ips.entries()].sort(([a], [b]) => byteOrder(a, b)).map(([, t]) => t);
  return [...[...dns].sort(byteOrder), ...sortedIps];
}

/** toGeneralNames: `hosts` (already sorted) as GeneralNames: IPs as 4 or 16 raw bytes (type 7), anything else as a dNSName. */
export function toGeneralNames(hosts: readonly string[]): pkijs.GeneralNames {
  const names = hosts.map((h) => {
    const ip = parseIp(h);
    if (ip) return new pkijs.GeneralName({ type: IP_ADDRESS, value: new asn1js.OctetString({ valueHex: ip.bytes }) });
    return new pkijs.GeneralName({ type: DNS_NAME, value: h });
  });
  return new pkijs.GeneralNames({ names });
}

/** fromGeneralNames: the host strings of parsed GeneralName entries (dNSName and iPAddress; other kinds as "type:N"), sorted. */
export function fromGeneralNames(names: readonly pkijs.GeneralName[]): string[] {
  return sortHosts(
    names.map((n) => {
      if (n.type === DNS_NAME) return String(n.value);
      if (n.type === IP_ADDRESS) {
        const bytes = new Uint8Array((n.value as asn1js.OctetString).valueBlock.valueHexView);
        return bytes.length === 4 || bytes.length === 16 ? ipaddr.fromByteArray([...bytes]).toString() : `ip:${Buffer.from(bytes).toString("hex")}`;
      }
      return `type:${n.type}`;
    }),
  );
}

/** diffHosts: the hosts `want` adds to and removes from `have`, as "SAN 10.0.0.4 added" lines. */
export function diffHosts(have: readonly string[], want: readonly string[]): string[] {
  const added = want.filter((h) => !have.includes(h)).map((h) => `SAN ${h} added`);
  const removed = have.filter((h) => !want.includes(h)).map((h) => `SAN ${h} removed`);
  return [...added, ...removed];
}

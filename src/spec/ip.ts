// IP, CIDR and port parsing (addresses through ipaddr.js), strict about the forms it accepts.
import ipaddr from "ipaddr.js";

/** ParsedIp: a valid address, its family and its canonical text. */
export interface ParsedIp {
  family: "ipv4" | "ipv6";
  text: string;
  bytes: Uint8Array;
  range: string;
}

/** parseIp: a dotted-quad IPv4 or an IPv6 address without zone; null for anything else ("010.0.0.1", "1.2.3"). */
export function parseIp(text: string): ParsedIp | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
    if (text.split(".").some((p) => p.length > 1 && p.startsWith("0"))) return null;
    const a = ipaddr.IPv4.parse(text);
    return { family: "ipv4", text: a.toString(), bytes: Uint8Array.from(a.toByteArray()), range: a.range() };
  }
  if (text.includes(":") && !text.includes("%") && ipaddr.IPv6.isValid(text)) {
    const a = ipaddr.IPv6.parse(text);
    return { family: "ipv6", text: a.toString(), bytes: Uint8Array.from(a.toByteArray()), range: a.range() };
  }
  return null;
}

/** mappedIpv4: the IPv4 address inside an IPv4-mapped IPv6 address (::ffff:127.0.0.1), else null. */
export function mappedIpv4(ip: ParsedIp): ParsedIp | null {
  return ip.range === "ipv4Mapped" ? parseIp(ipaddr.IPv6.parse(ip.text).toIPv4Address().toString()) : null;
}

/** ParsedCidr: a network, its family and whether `text` names the network address itself. */
export interface ParsedCidr {
  family: "ipv4" | "ipv6";
  prefix: number;
  network: string;
  contains(ip: string): boolean;
}

/** parseCidr: "10.254.0.0/16" -> ParsedCidr; null when not a valid CIDR. */
export function parseCidr(text: string): ParsedCidr | null {
  const slash = text.indexOf("/");
  // The prefix as a number without leading zeros ("/016" is refused: it would be written verbatim into flags).
  if (slash < 0 || !/^(0|[1-9]\d{0,2})$/.test(text.slice(slash + 1))) return null;
  const ip = parseIp(text.slice(0, slash));
  if (!ip) return null;
  const prefix = Number(text.slice(slash + 1));
  if (prefix > (ip.family === "ipv4" ? 32 : 128)) return null;
  const [addr] = ipaddr.parseCIDR(`${ip.text}/${prefix}`);
  const network =
    ip.family === "ipv4"
      ? ipaddr.IPv4.networkAddressFromCIDR(`${ip.text}/${prefix}`).toString()
      : ipaddr.IPv6.networkAddressFromCIDR(`${ip.text}/${prefix}`).toString();
  return {
    family: ip.family,
    prefix,
    network: `${network}/${prefix}`,
    contains(other) {
      const o = parseIp(other);
      if (!o || o.family !== ip.family) return false;
      return ipaddr.parse(o.text).match(addr, prefix);
    },
  };
}

/** parsePort: a decimal TCP port 1-65535 without sign or leading zero ("10257"); null for anything else. */
export function parsePort(text: string): number | null {
  if (!/^[1-9][0-9]{0,4}$/.test(text)) return null;
  const n = Number(text);
  return n <= 65535 ? n : null;
}

/**
 * Which IP addresses a feed fetch may connect to. A feed URL is user input:
 * without this check, a config entry or a redirect could make the deployed
 * function read the instance metadata service (169.254.169.254) or anything
 * else inside the VPC. The check runs on the address the socket will really
 * connect to (after DNS, on every redirect hop), so DNS tricks and numeric
 * encodings of 127.0.0.1 do not get around it.
 */
import { BlockList, isIPv4, isIPv6 } from "node:net";

/** Why an address is not an ordinary public unicast address. */
export type AddressKind =
  | "public"
  | "loopback"
  | "private"
  | "shared" // carrier-grade NAT, 100.64/10
  | "link-local"
  | "unique-local"
  | "unspecified"
  | "multicast"
  | "reserved"
  | "invalid";

const KIND_LABEL: Record<Exclude<AddressKind, "public">, string> = {
  loopback: "a loopback",
  private: "a private",
  shared: "a carrier-grade NAT (shared)",
  "link-local": "a link-local",
  "unique-local": "a unique-local",
  unspecified: "an unspecified",
  multicast: "a multicast",
  reserved: "a reserved",
  invalid: "not a valid IP",
};

/** Strips URL brackets (`[::1]`) and an IPv6 zone id (`fe80::1%eth0`). */
function bare(address: string): string {
  let a = address.trim();
  if (a.startsWith("[") && a.endsWith("]")) a = a.slice(1, -1);
  const zone = a.indexOf("%");
  return zone === -1 ? a : a.slice(0, zone);
}

function ipv4Bytes(address: string): number[] | null {
  if (!isIPv4(address)) return null;
  return address.split(".").map(Number);
}

/** The 16 bytes of an IPv6 address, including the `::ffff:1.2.3.4` dotted tail form. */
function ipv6Bytes(address: string): number[] | null {
  if (!isIPv6(address) || !URL.canParse(`http://[${address}]`)) return null;
  // The URL parser writes a dotted IPv4 tail as two hex groups: every group is 16 bits.
  const halves = new URL(`http://[${address}]`).hostname.slice(1, -1).split("::");
  const groups = (s: string | undefined) => (s ? s.split(":") : []);
  const left = groups(halves[0]);
  const right = groups(halves[1]);
  const fill = halves.length === 2 ? 8 - left.length - right.length : 0;
  const all = [...left, ...Array<string>(Math.max(0, fill)).fill("0"), ...right];
  if (all.length !== 8) return null;
  return all.flatMap((g) => {
    const n = Number.parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

/** IPv4 ranges that are not public unicast: prefix, length, kind (the first that holds an address says). */
const V4_RANGES: [string, number, AddressKind][] = [
  ["0.0.0.0", 8, "unspecified"], // "this network"; 0.0.0.0 reaches localhost on Linux
  ["127.0.0.0", 8, "loopback"],
  ["10.0.0.0", 8, "private"],
  ["172.16.0.0", 12, "private"],
  ["192.168.0.0", 16, "private"],
  ["100.64.0.0", 10, "shared"],
  ["169.254.0.0", 16, "link-local"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"], // includes 255.255.255.255
  ["192.0.0.0", 24, "reserved"], // IETF protocol assignments
  ["192.0.2.0", 24, "reserved"], // documentation
  ["198.51.100.0", 24, "reserved"],
  ["203.0.113.0", 24, "reserved"],
  ["192.88.99.0", 24, "reserved"], // old 6to4 relays
  ["198.18.0.0", 15, "reserved"], // benchmarking
];
const V4_LISTS = V4_RANGES.map(([prefix, bits, kind]) => {
  const list = new BlockList();
  list.addSubnet(prefix, bits, "ipv4");
  return { list, kind };
});

function classifyV4(b: number[]): AddressKind {
  const address = b.join(".");
  return V4_LISTS.find(({ list }) => list.check(address, "ipv4"))?.kind ?? "public";
}

function startsWith(b: number[], prefix: number[]): boolean {
  return prefix.every((v, i) => b[i] === v);
}

function classifyV6(b: number[]): AddressKind {
  const zeros = (n: number) => Array<number>(n).fill(0);
  if (b.every((v) => v === 0)) return "unspecified";
  if (startsWith(b, [...zeros(15), 1])) return "loopback";
  // Forms that carry an IPv4 address: judge the IPv4 address they lead to.
  // The kernel treats a mapped address as the IPv4 address itself.
  if (startsWith(b, [...zeros(10), 0xff, 0xff])) return classifyV4(b.slice(12)); // ::ffff:a.b.c.d
  // Tunnelled and translated forms: never loopback for the kernel, but they can
  // lead to the embedded IPv4 address, so they are refused when it would be.
  const tunnelled = (v4: number[]): AddressKind => {
    const kind = classifyV4(v4);
    return kind === "loopback" ? "reserved" : kind;
  };
  if (startsWith(b, zeros(12))) return tunnelled(b.slice(12)); // ::a.b.c.d compatible
  if (startsWith(b, [...zeros(8), 0xff, 0xff, 0, 0])) return tunnelled(b.slice(12)); // SIIT
  if (startsWith(b, [0, 0x64, 0xff, 0x9b, ...zeros(8)])) return tunnelled(b.slice(12)); // NAT64
  if (startsWith(b, [0, 0x64, 0xff, 0x9b, 0, 1])) return "private"; // local-use NAT64 64:ff9b:1::/48
  if (startsWith(b, [0x20, 0x02])) return tunnelled(b.slice(2, 6)); // 6to4 2002::/16
  if (startsWith(b, [0x20, 0x01, 0x0d, 0xb8])) return "reserved"; // documentation
  if (startsWith(b, [0x20, 0x01, 0, 0])) return "reserved"; // Teredo: tunnels to an embedded address
  const first = b[0] ?? 0;
  const second = b[1] ?? 0;
  if (first === 0xff) return "multicast";
  if (first === 0xfe && (second & 0xc0) === 0x80) return "link-local";
  if (first === 0xfe && (second & 0xc0) === 0xc0) return "private"; // deprecated site-local
  if ((first & 0xfe) === 0xfc) return "unique-local";
  // Only 2000::/3 is allocated as global unicast; everything else is special.
  if ((first & 0xe0) !== 0x20) return "reserved";
  return "public";
}

/** Classifies an IP address literal (IPv4, IPv6, with or without brackets). */
export function classifyAddress(address: string): AddressKind {
  const a = bare(address);
  const v4 = ipv4Bytes(a);
  if (v4) return classifyV4(v4);
  const v6 = ipv6Bytes(a);
  if (v6) return classifyV6(v6);
  return "invalid";
}

/** True when `host` (a URL hostname) is an IP literal rather than a name to resolve. */
export function isIpLiteral(host: string): boolean {
  const a = bare(host);
  return isIPv4(a) || isIPv6(a);
}

/**
 * Why a fetch must not connect to `address`, as a sentence a user understands
 * ("refused: 10.0.0.1 is a private address"), or null when it may.
 * `allowLoopback` (the local runner) lets loopback through and nothing else.
 */
export function refusalReason(address: string, allowLoopback: boolean): string | null {
  const kind = classifyAddress(address);
  if (kind === "public") return null;
  if (kind === "loopback" && allowLoopback) return null;
  const shown = bare(address);
  if (kind === "invalid") return `refused: ${shown} is not a valid IP address`;
  return `refused: ${shown} is ${KIND_LABEL[kind]} address`;
}

// who sent a request, as far as a Worker can tell: the address Cloudflare's edge puts in
// CF-Connecting-IP (a client cannot set it), or the real IPv6 address in Cf-Connecting-IPv6 when
// Cloudflare's Pseudo IPv4 ("overwrite headers") has put a made-up IPv4 address in CF-Connecting-IP.
// and the network that address counts as: an IPv4 address whole, an IPv6 address by a prefix (a
// single host can pick any of its /64's 2^64 addresses, and a customer is usually given a /48 or /56).

/** an address as numbers: 4 bytes, or 8 groups of 16 bits */
export type ParsedIp = { v4: number[] } | { v6: number[] };

function parseV4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.map(Number);
}

function parseV6(text: string): number[] | null {
  if (text.length > 45 || !/^[0-9a-f:.]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string, last: boolean): number[] | null => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (let i = 0; i < parts.length; i++) {
      // only the address's very end may be a dotted quad, which fills two groups
      const v4 = last && i === parts.length - 1 ? parseV4(parts[i]) : null;
      if (v4) out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      else if (/^[0-9a-f]{1,4}$/.test(parts[i])) out.push(parseInt(parts[i], 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0], halves.length === 1);
  const tail = halves.length === 2 ? groups(halves[1], true) : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** IPv4, IPv6 and IPv4-mapped IPv6 (::ffff:a.b.c.d) as one IPv4 address; null for anything else */
export function parseIp(text: string): ParsedIp | null {
  const t = text.trim().toLowerCase();
  const v4 = parseV4(t);
  if (v4) return { v4 };
  const v6 = parseV6(t);
  if (!v6) return null;
  const mapped = v6.slice(0, 5).every((g) => g === 0) && v6[5] === 0xffff;
  return mapped ? { v4: [v6[6] >> 8, v6[6] & 0xff, v6[7] >> 8, v6[7] & 0xff] } : { v6 };
}

export function isLoopback(ip: string): boolean {
  const parsed = parseIp(ip);
  if (parsed === null) return false;
  if ('v4' in parsed) return parsed.v4[0] === 127;
  return parsed.v6.every((g, i) => g === (i === 7 ? 1 : 0));
}

/** Pseudo IPv4 hands out class E addresses (240.0.0.0/4), which no real client has */
function isPseudoIpv4(ip: string): boolean {
  const parsed = parseIp(ip);
  return parsed !== null && 'v4' in parsed && parsed.v4[0] >= 240;
}

/**
 * the sender's address, or null when there is none (a request that did not come through Cloudflare's
 * edge: tests, or `wrangler dev` without its loopback header). Cf-Connecting-IPv6 is read only when
 * CF-Connecting-IP is a Pseudo IPv4 address or absent: that is when Cloudflare sends it, and
 * otherwise a client could set it to mint a fresh address on every request.
 */
export function clientAddress(header: (name: string) => string | undefined): string | null {
  const ip = header('cf-connecting-ip');
  const ipv6 = header('cf-connecting-ipv6');
  if (ipv6 && (ip === undefined || isPseudoIpv4(ip))) {
    const parsed = parseIp(ipv6);
    if (parsed && 'v6' in parsed) return ipv6;
  }
  return ip ?? null;
}

/** how much of an IPv6 address names one client: its /64 (one network: a host), or its /48 (one site or customer) */
export type V6Prefix = 48 | 64;

/**
 * whom a request counts against: an IPv4 address whole, an IPv6 address by its /64 or /48.
 * anything unparsable shares one bucket, so odd header values cannot mint fresh ones.
 */
export function networkKey(ip: string, prefix: V6Prefix = 64): string {
  const parsed = parseIp(ip);
  if (parsed === null) return 'unparsable';
  if ('v4' in parsed) return parsed.v4.join('.');
  return `${parsed.v6.slice(0, prefix / 16).map((g) => g.toString(16)).join(':')}::/${prefix}`;
}

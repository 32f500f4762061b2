import { sha256Hex } from '../shared/checksum';
import { clientAddress, isLoopback, networkKey } from './client-address';

// the sender of a correction, as the daily quota counts it and the export groups it: a pseudonym of
// its network (an IPv4 address, or an IPv6 /48: a customer or site; its 65,536 /64s are one sender),
// for one UTC day. the address itself is never stored. the day is in the hash so that pseudonyms do
// not link a sender across days; FEEDBACK_SOURCE_SECRET, when set, keeps anyone who reads the
// database from finding an IPv4 sender by hashing all 2^32 addresses.

/** hex digits kept: 64 bits, so two senders of one day never share a pseudonym in practice */
const SOURCE_HEX_DIGITS = 16;

/** the pseudonym of the network `ip` belongs to, on `day` (YYYY-MM-DD) */
export async function sourcePseudonym(ip: string, day: string, secret = ''): Promise<string> {
  const text = `mnist-feedback-source\n${secret}\n${day}\n${networkKey(ip, 48)}`;
  return (await sha256Hex(new TextEncoder().encode(text))).slice(0, SOURCE_HEX_DIGITS);
}

/**
 * the request's sender on `day`, or null when it has none to count: no address (a request that did not
 * come through Cloudflare's edge) or loopback (wrangler dev), which the rate limiters skip too
 */
export async function senderOf(header: (name: string) => string | undefined, day: string, secret?: string): Promise<string | null> {
  const ip = clientAddress(header);
  if (ip === null || isLoopback(ip)) return null;
  return sourcePseudonym(ip, day, secret);
}

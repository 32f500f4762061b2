// SHA-256 through Web Crypto: the same native code under Node, workerd and browsers.

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // web crypto refuses views of shared memory: hash a copy then
  const data = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
  const digest = await crypto.subtle.digest('SHA-256', data);
  return toHex(new Uint8Array(digest));
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += bytes[i].toString(16).padStart(2, '0');
  return s;
}

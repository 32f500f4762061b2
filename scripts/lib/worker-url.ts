// reaching a running Worker (npm start serves one on http://localhost:8787).

export const DEFAULT_URL = 'http://localhost:8787';

/** waits for /readyz; fails with a message that says how to start the Worker */
export async function waitReady(url: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) return;
      last = `${r.status} ${await r.text()}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((ok) => setTimeout(ok, 250));
  }
  throw new Error(`no ready Worker at ${url} (${last}); start one with \`npm start\` or pass --url`);
}

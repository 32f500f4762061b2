import { parseArgs } from 'node:util';

// npm start's flags: --port N (or PORT=N; default 8787) and --persist-to DIR are its own, every
// other flag goes to \`wrangler dev\` as it is.

export const DEFAULT_PORT = 8787;

export interface StartOptions {
  port: number;
  persistTo: string | undefined;
  wranglerArgs: string[]; // the rest, for wrangler dev
}

/** --port N / --port=N (else PORT, else 8787) and --persist-to are ours; the rest is wrangler dev's */
export function startOptions(argv: string[], env: Record<string, string | undefined>): StartOptions {
  const { values, tokens } = parseArgs({ args: argv, strict: false, tokens: true, options: { port: { type: 'string' }, 'persist-to': { type: 'string' } } });
  const raw = (values.port as string | undefined) ?? env.PORT ?? String(DEFAULT_PORT);
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port (or PORT) must be a port number 1..65535, got "${raw}"`);
  const ours = new Set(['port', 'persist-to']);
  const wranglerArgs: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'option' && ours.has(t.name)) continue;
    if (t.kind === 'option-terminator') wranglerArgs.push('--');
    else wranglerArgs.push(...argv.slice(t.index, t.index + (t.kind === 'option' && t.value !== undefined && !t.inlineValue ? 2 : 1)));
  }
  return { port, persistTo: values['persist-to'] as string | undefined, wranglerArgs };
}

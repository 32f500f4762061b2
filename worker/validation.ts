import type { Hook } from '@hono/zod-openapi';
import type { z } from '@hono/zod-openapi';
import { ApiError } from './errors';

// the zod-openapi defaultHook: turns the first few zod issues into one readable 400 message.

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

const MAX_REPORTED = 3;

export function formatPath(path: Path, root: string): string {
  let s = '';
  for (const key of path) s += typeof key === 'number' ? `[${key}]` : s === '' ? String(key) : `.${String(key)}`;
  return s === '' ? root : s;
}

function depth(issues: readonly Issue[]): number {
  let d = 0;
  for (const i of issues) d = Math.max(d, i.path.length + (i.code === 'invalid_union' ? 1 + Math.max(0, ...i.errors.map(depth)) : 0));
  return d;
}

/** a union failed in every branch: report the branch that got furthest into the value (ties: the first) */
function flatten(issues: readonly Issue[], prefix: Path = []): { path: Path; message: string }[] {
  const out: { path: Path; message: string }[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      let best = issue.errors[0];
      for (const branch of issue.errors) if (depth(branch) > depth(best)) best = branch;
      out.push(...flatten(best, path));
    } else {
      out.push({ path, message: issue.message });
    }
  }
  return out;
}

export function describeIssues(issues: readonly Issue[], root: string): string {
  const all = flatten(issues);
  const shown = all.slice(0, MAX_REPORTED).map((i) => `${formatPath(i.path, root)} ${i.message}`);
  const more = all.length - shown.length;
  return shown.join('; ') + (more > 0 ? `; and ${more} more problem${more > 1 ? 's' : ''}` : '');
}

const ROOTS: Record<string, string> = { json: 'the body', form: 'the form', query: 'the query', param: 'the path', header: 'the headers' };

export const validationHook: Hook<unknown, any, any, void> = (result) => {
  if (!result.success) {
    throw new ApiError(400, 'invalid_input', describeIssues(result.error.issues, ROOTS[result.target] ?? 'the request'));
  }
};

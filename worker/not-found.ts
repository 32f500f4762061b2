import type { Context } from 'hono';
import type { RouterRoute } from 'hono/types';
import { ApiError, errorResponse } from './errors';

// app.notFound: a path that exists under other methods is a 405 with Allow, anything else a 404.

export function allowedMethods(routes: readonly RouterRoute[], path: string): string[] {
  const methods = new Set<string>();
  for (const r of routes) if (r.path === path && r.method !== 'ALL') methods.add(r.method.toUpperCase());
  if (methods.size === 0) return [];
  if (methods.has('GET')) methods.add('HEAD'); // hono answers HEAD from the GET handler
  methods.add('OPTIONS'); // CORS preflight
  return [...methods];
}

export function notFound(routes: () => readonly RouterRoute[]) {
  return (c: Context): Response => {
    const path = c.req.path.slice(0, 200);
    const allowed = allowedMethods(routes(), path);
    if (allowed.length > 0) {
      const allow = allowed.join(', ');
      return errorResponse(c, new ApiError(405, 'method_not_allowed', `${c.req.method} is not allowed on ${path}; use ${allow}`, { Allow: allow }));
    }
    return errorResponse(c, new ApiError(404, 'not_found', `there is no ${path}; see /docs for the routes`));
  };
}

import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';

// headers on every answer, errors included (both run around onError/notFound).

const EXPOSE_HEADERS = ['Retry-After', 'ETag', 'Allow'];

/** any site may call the API from a browser; no cookies or auth, so no credentials */
export const crossOrigin = cors({
  origin: '*',
  allowMethods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
  allowHeaders: ['Content-Type', 'If-None-Match'],
  exposeHeaders: EXPOSE_HEADERS,
  maxAge: 86400,
});

/** what crossOrigin puts on an error, for an answer given before it runs (the limiter in front of preflights) */
export const CORS_ERROR_HEADERS: Record<string, string> = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': EXPOSE_HEADERS.join(',') };

/**
 * hono's defaults minus what would break embedding: the drawing page and widget will be iframed by
 * other sites (no X-Frame-Options) and embed.js / the weights are loaded cross-origin
 * (Cross-Origin-Resource-Policy cross-origin instead of same-origin).
 */
export const securityHeaders = secureHeaders({
  xFrameOptions: false,
  crossOriginResourcePolicy: 'cross-origin',
  crossOriginOpenerPolicy: false,
  referrerPolicy: 'strict-origin-when-cross-origin',
});

/** /docs has no scripts and no external resources */
export const DOCS_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

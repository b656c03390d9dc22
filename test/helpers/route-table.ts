/**
 * The routes of a @koa/router instance, read from its `stack`, for tests that must cover every
 * route, including routes added after the test was written: each method and path, a concrete
 * path for its parameters, and the staff permission its guard declares.
 *
 * The permission is read from the route itself, not from a list kept in the test: the
 * middleware before the handler (admin/context.ts `guard(permission)`: requireStaff, verifyCsrf,
 * requirePermission) is run against a signed-in staff member whose permission set records what
 * it is asked (`has`) and answers no. A route whose middleware asks nothing declares no permission.
 */
import type Router from '@koa/router';

type Layer = Router['stack'][number];

export interface RouteEntry {
  /** GET, POST, … (HEAD, which @koa/router adds to every GET, is left out). */
  method: string;
  /** The path as declared, e.g. `/admin/customers/:id`. */
  path: string;
  layer: Layer;
}

/** Every method of every route of `router`, in declaration order. */
export function routesOf(router: { stack: Layer[] }): RouteEntry[] {
  return router.stack.flatMap((layer) => layer.methods.filter((m) => m !== 'HEAD').map((method) => ({ method, path: String(layer.path), layer })));
}

/** `METHOD /path`, the key tests use for a route. */
export const routeKey = (r: { method: string; path: string }): string => `${r.method} ${r.path}`;

/**
 * `path` with each `:name` replaced by `values[name]`, else by `fallback` (a number no row has),
 * each URI-encoded.
 */
export function concretePath(path: string, values: Record<string, string | number> = {}, fallback = '999999999'): string {
  return path.replace(/:([A-Za-z_]\w*)/g, (_m, name: string) => encodeURIComponent(String(values[name] ?? fallback)));
}

/**
 * The permissions the route's middleware asks for before its handler runs (empty: none). Only
 * the guard middleware runs, on a fake GET request with a signed-in staff member who holds
 * nothing: the handler is never called.
 * @throws Error when that middleware fails otherwise than with a 403 (it needs more of the request).
 */
export async function declaredPermissions(route: RouteEntry): Promise<string[]> {
  const gates = route.layer.stack.slice(0, -1);
  const asked: string[] = [];
  const permissions = {
    has: (p: string): boolean => {
      asked.push(p);
      return false;
    },
  };
  const ctx = {
    method: 'GET', path: route.path, originalUrl: route.path, params: {}, query: {}, request: { body: {} },
    state: { staff: { id: 0, username: 'probe', must_change_password: false, permissions }, session: { csrf: 'probe' } },
    get: (): string => '', set: (): void => {}, redirect: (): void => {}, cookies: { get: (): undefined => undefined },
  };
  const run = async (i: number): Promise<void> => {
    if (i < gates.length) await (gates[i] as (c: unknown, next: () => Promise<void>) => Promise<void>)(ctx, () => run(i + 1));
  };
  try {
    await run(0);
  } catch (err) {
    if ((err as { status?: number }).status !== 403) throw new Error(`${routeKey(route)}: its guard failed on the probe: ${(err as Error).message}`);
  }
  return asked;
}

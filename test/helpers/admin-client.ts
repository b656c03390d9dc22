/**
 * The staff console for tests: a client that keeps its cookie like a browser, does not follow
 * redirects (so tests see them), and reads the CSRF token from the pages it gets. Staff accounts
 * come from factories.ts (createStaff).
 */

export interface AdminResponse {
  status: number;
  location: string | null;
  text: string;
  headers: Headers;
}

export interface AdminClient {
  get(path: string, headers?: Record<string, string>): Promise<AdminResponse>;
  /** A form POST; adds the CSRF token of the last page unless `_csrf` is given (null: none at all). */
  post(path: string, form: Record<string, string | null>, headers?: Record<string, string>): Promise<AdminResponse>;
  /** POST /admin/login; the response (302 on success). */
  signIn(username: string, password: string): Promise<AdminResponse>;
  /**
   * A GET whose body is left unread (an event stream): the raw Response with this client's
   * cookies; abort `signal` to disconnect.
   */
  open(path: string, signal?: AbortSignal, headers?: Record<string, string>): Promise<Response>;
  /** The CSRF token of the last page that carried one. */
  csrf: string | null;
}

export function adminClient(baseUrl: string): AdminClient {
  let cookies = new Map<string, string>();
  const request = async (method: string, path: string, body?: URLSearchParams, headers: Record<string, string> = {}): Promise<AdminResponse> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(cookies.size ? { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...headers,
      },
      body,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (!value || /max-age=0|expires=Thu, 01 Jan 1970/i.test(c)) cookies.delete(name);
      else cookies.set(name, value);
    }
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) client.csrf = token;
    return { status: res.status, location: res.headers.get('location'), text, headers: res.headers };
  };
  const client: AdminClient = {
    csrf: null,
    get: (path, headers) => request('GET', path, undefined, headers),
    post(path, form, headers) {
      const body = new URLSearchParams();
      const withToken = '_csrf' in form ? form : { ...form, _csrf: client.csrf };
      for (const [k, v] of Object.entries(withToken)) if (v !== null && v !== undefined) body.set(k, v);
      return request('POST', path, body, headers);
    },
    open(path, signal, headers = {}) {
      return fetch(`${baseUrl}${path}`, {
        redirect: 'manual', signal,
        headers: { ...(cookies.size ? { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}), ...headers },
      });
    },
    signIn(username, password) {
      cookies = new Map([...cookies].filter(([k]) => k !== 'isp_staff'));
      return request('POST', '/admin/login', new URLSearchParams({ username, password }));
    },
  };
  return client;
}

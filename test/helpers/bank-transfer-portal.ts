/**
 * A customer's phone for the bank-transfer portal tests: signs in with a password, keeps its
 * cookies, echoes the page's CSRF token, and can post `multipart/form-data` (a receipt upload),
 * which the shared admin-client.ts cannot. Redirects are not followed. Also the console form that
 * switches bank transfer on or off.
 */
import assert from 'node:assert/strict';
import type { AdminClient } from './admin-client.js';
import { formVersion } from './settings-fixtures.js';

export interface PhoneResponse { status: number; location: string | null; text: string }

export interface Phone {
  get(path: string): Promise<PhoneResponse>;
  post(path: string, form: Record<string, string>): Promise<PhoneResponse>;
  /** A multipart POST: the fields (with `_csrf` of the last page unless given) and one file. */
  upload(path: string, fields: Record<string, string>, file: { field: string; name: string; type: string; content: Buffer } | null): Promise<PhoneResponse>;
  csrf: string | null;
}

export async function signedInPhone(baseUrl: string, identifier: string, password: string): Promise<Phone> {
  const cookies = new Map<string, string>();
  const send = async (method: string, path: string, body?: URLSearchParams | FormData): Promise<PhoneResponse> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method, redirect: 'manual', body,
      headers: { 'accept-language': 'en', ...(cookies.size ? { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}) },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      if (/max-age=0|expires=Thu, 01 Jan 1970/i.test(c) || i === pair!.length - 1) cookies.delete(pair!.slice(0, i));
      else cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) phone.csrf = token;
    return { status: res.status, location: res.headers.get('location'), text };
  };
  const phone: Phone = {
    csrf: null,
    get: (path) => send('GET', path),
    post: (path, form) => send('POST', path, new URLSearchParams({ _csrf: phone.csrf ?? '', ...form })),
    upload(path, fields, file) {
      const fd = new FormData();
      for (const [k, v] of Object.entries('_csrf' in fields ? fields : { _csrf: phone.csrf ?? '', ...fields })) fd.append(k, v);
      if (file) fd.append(file.field, new Blob([file.content], { type: file.type }), file.name);
      return send('POST', path, fd);
    },
  };
  assert.equal((await phone.get('/portal/account/login')).status, 200);
  const signedIn = await phone.post('/portal/account/login', { identifier, password });
  assert.equal(signedIn.status, 302, 'signed in');
  return phone;
}

/** Staff save the bank-transfer settings form (version read from the page); the response. */
export async function saveBankTransfer(staff: AdminClient, form: Record<string, string>): Promise<{ status: number; text: string }> {
  const page = await staff.get('/admin/settings/bank-transfer');
  assert.equal(page.status, 200);
  return staff.post('/admin/settings/bank-transfer', { version: formVersion(page.text, '/admin/settings/bank-transfer'), ...form });
}

/** A tiny valid PNG header and the 8-byte signature (RFC 2083 §3.1) + filler. */
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('0000000dIHDR receipt')]);

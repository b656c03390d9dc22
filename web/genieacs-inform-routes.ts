/**
 * POST /integrations/genieacs/inform: called by GenieACS's extension on a CPE's inform
 * (network/genieacs/handle-inform.ts; the provision script and extension are in README.md "CPE
 * management (GenieACS)"). JSON body `{ "deviceId": "<GenieACS _id>" }` (4 kB at most), the shared
 * token as `Authorization: Bearer <token>` (RFC 6750 §2.1); a wrong or missing token is 401 and
 * changes nothing. Not under /admin: no session, no CSRF (a machine caller with its own token).
 */
import Router from '@koa/router';
import type { SyncDeps } from '../network/genieacs/sync-cpes.js';
import { handleInform } from '../network/genieacs/handle-inform.js';
import { readRawBody } from '../lib/http/raw-body.js';

const MAX_BODY = 4096;

/** The JSON body; undefined when over MAX_BODY, null when not JSON. */
async function jsonBody(req: NodeJS.ReadableStream): Promise<unknown> {
  const raw = await readRawBody(req, MAX_BODY);
  if (raw === null) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return null;
  }
}

export function createGenieAcsInformRouter(deps: SyncDeps): Router {
  const router = new Router();
  router.post('/integrations/genieacs/inform', async (ctx) => {
    const token = /^Bearer ([\x21-\x7e]{1,200})$/.exec(ctx.get('authorization'))?.[1] ?? '';
    const body = await jsonBody(ctx.req);
    if (body === undefined) {
      ctx.status = 413;
      ctx.body = { ok: false, error: 'too_large' };
      return;
    }
    const outcome = await handleInform(deps, token, body);
    if (outcome.status === 401) deps.log.warn({ ip: ctx.ip }, 'GenieACS inform with a bad token refused');
    ctx.status = outcome.status;
    ctx.body = outcome.body;
  });
  return router;
}

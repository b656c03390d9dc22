/**
 * The embedded PostgreSQL and Redis this process supervises, as an entry of /health's `roles`
 * (server/main.ts adds it): `{ ok, postgres?: SupervisionState, redis?: SupervisionState }`, ok while
 * each runs. Absent when both come from DATABASE_URL / REDIS_URL or belong to another process.
 */
import type { RunningRole } from '../role.js';
import type { SupervisionState } from './supervisor.js';

interface Supervisable { supervision?(): SupervisionState | null }

export function embeddedRole(services: { postgres: Supervisable; redis: Supervisable }): RunningRole | null {
  const watched = Object.entries(services).filter(([, s]) => s.supervision?.());
  if (!watched.length) return null;
  return {
    name: 'embedded',
    health: async () => {
      const states = Object.fromEntries(watched.map(([name, s]) => [name, s.supervision!()!]));
      return { ok: Object.values(states).every((st) => st.running), ...states };
    },
    // The services are stopped by server/main.ts after the roles, not here.
    stop: async () => {},
  };
}

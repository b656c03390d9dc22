/** What each role (radius, web, worker) hands back to server/main.ts when started. */
export interface RoleHealth {
  ok: boolean;
  [detail: string]: unknown;
}

export interface RunningRole {
  /** A role, or `embedded`: the supervised embedded PostgreSQL / Redis (server/main.ts), reported like a role in /health. */
  name: 'radius' | 'web' | 'worker' | 'embedded';
  health(): Promise<RoleHealth>;
  /** Graceful stop: finish work in progress (accounting commits, running jobs), then close. */
  stop(): Promise<void>;
}

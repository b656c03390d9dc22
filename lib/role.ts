/** What each role (radius, web, worker) hands back to lib/main.ts when started. */
export interface RoleHealth {
  ok: boolean;
  [detail: string]: unknown;
}

export interface RunningRole {
  name: 'radius' | 'web' | 'worker';
  health(): Promise<RoleHealth>;
  /** Graceful stop: finish work in progress (accounting commits, running jobs), then close. */
  stop(): Promise<void>;
}

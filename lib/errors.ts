/**
 * Failures that cross module boundaries. Expected outcomes are values (`{ ok: false, code }`);
 * an AppError is for a request that cannot go on. `expose` says whether `message` may be shown
 * to the user (a validation message) or must be replaced by a generic one (a bug, a lost database).
 */
export class AppError extends Error {
  constructor(
    /** Stable machine code, e.g. `not_found`, `csrf_invalid`. */
    readonly code: string,
    message: string,
    /** HTTP status the web layer answers with. */
    readonly status = 500,
    readonly expose = status < 500,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/**
 * A staff member as the console's requests carry them: the columns of `staff_users` that sign-in
 * and every later request read (the password hash and lockout columns stay in the database).
 */

/** One `staff_users` row, as far as a request needs it. */
export interface StaffRow {
  id: number;
  username: string;
  name: string;
  /** A role of lib/permissions.ts (e.g. `admin`, `cashier`); unknown roles get no permission. */
  role: string;
  locale: 'id' | 'en';
  is_active: boolean;
  must_change_password: boolean;
  /** Raised to end every session of the staff member at once (staff-sessions.ts). */
  session_version: number;
}

/** A StaffRow from a `staff_users` row as the driver returns it (bigint ids as text, etc.). */
export function pickStaff(row: Record<string, unknown>): StaffRow {
  return {
    id: Number(row.id),
    username: String(row.username),
    name: String(row.name),
    role: String(row.role),
    locale: row.locale === 'en' ? 'en' : 'id',
    is_active: Boolean(row.is_active),
    must_change_password: Boolean(row.must_change_password),
    session_version: Number(row.session_version),
  };
}

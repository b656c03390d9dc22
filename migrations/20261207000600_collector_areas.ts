/**
 * Areas and the collector role (issue 11, "Daily money"; ARCHITECTURE.md "Roles"):
 * - `customers.area`: the area a customer belongs to (at most one; NULL: none), free text as the
 *   ISP names its areas ("RT 03", "Dusun Krajan"), 1–60 characters without leading or trailing
 *   blanks (billing/customers/save-customer.ts trims and collapses spaces). Indexed for the
 *   console's area filter and for a collector's scope (`area = ANY(…)`).
 * - `staff_areas (staff_user_id, area)`: the areas assigned to a staff member; a collector reaches
 *   only the customers of their areas (billing/customers/customer-scope.ts). Rows go with their staff member.
 * - the staff role `collector` (lib/permissions.ts).
 */
import type { Knex } from 'knex';

const AREA_CHECK = (column: string): string => `length(${column}) BETWEEN 1 AND 60 AND ${column} = btrim(${column})`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE customers ADD COLUMN area text CONSTRAINT customers_area_check CHECK (${AREA_CHECK('area')});
    CREATE INDEX customers_area ON customers (area) WHERE area IS NOT NULL;

    CREATE TABLE staff_areas (
      staff_user_id bigint NOT NULL REFERENCES staff_users ON DELETE CASCADE,
      area text NOT NULL CONSTRAINT staff_areas_area_check CHECK (${AREA_CHECK('area')}),
      PRIMARY KEY (staff_user_id, area)
    );

    ALTER TABLE staff_users DROP CONSTRAINT staff_users_role_check;
    ALTER TABLE staff_users ADD CONSTRAINT staff_users_role_check CHECK (role IN ('admin', 'cashier', 'technician', 'viewer', 'collector'));
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    UPDATE staff_users SET role = 'viewer', session_version = session_version + 1 WHERE role = 'collector';
    ALTER TABLE staff_users DROP CONSTRAINT staff_users_role_check;
    ALTER TABLE staff_users ADD CONSTRAINT staff_users_role_check CHECK (role IN ('admin', 'cashier', 'technician', 'viewer'));
    DROP TABLE staff_areas;
    DROP INDEX customers_area;
    ALTER TABLE customers DROP COLUMN area;
  `);
}

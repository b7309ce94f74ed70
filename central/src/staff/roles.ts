/** Staff roles and what each may do; one table, checked on every route. */
export const ROLES = [
  'admin',
  'billing-clerk',
  'cashier',
  'supervisor',
  'auditor',
  'technician',
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'records.read',
  'records.write',
  'payments.post',
  'payments.reverse',
  'payments.close',
  'ledger.read',
  'ledger.adjust',
  'tariffs.read',
  'tariffs.write',
  'gateways.write',
  'users.admin',
  'audit.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = ['records.read', 'ledger.read', 'tariffs.read'];

/**
 * Role → permissions.
 *
 * @example can('cashier', 'payments.post') === true; can('billing-clerk', 'users.admin') === false
 */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  'billing-clerk': [...READ, 'records.write', 'ledger.adjust', 'tariffs.write'],
  cashier: [...READ, 'payments.post', 'payments.close'],
  supervisor: [
    ...READ,
    'payments.post',
    'payments.reverse',
    'payments.close',
    'ledger.adjust',
    'audit.read',
  ],
  auditor: [...READ, 'audit.read'],
  technician: ['records.read', 'tariffs.read', 'gateways.write'],
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export { type Actor, searchAudit, writeAudit } from './audit.js';
export { hashPassword, verifyPassword } from './passwords.js';
export {
  can,
  isRole,
  PERMISSIONS,
  type Permission,
  ROLE_PERMISSIONS,
  ROLES,
  type Role,
} from './roles.js';
export { addUser, issueApiToken, signIn, signOut, type StaffUser, userForSecret } from './users.js';

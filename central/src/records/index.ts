export {
  ACCOUNT_MODES,
  type AccountMode,
  accountBalance,
  accountTimeline,
  addAccount,
  findAccount,
  switchMode,
} from './accounts.js';
export {
  addCustomer,
  addPremise,
  addServicePoint,
  mustExist,
  searchCustomers,
} from './customers.js';
export { addGateway, assignMeter, gatewayCredentialOk } from './gateways.js';
export {
  addMeter,
  currentInstall,
  exchangeMeter,
  installMeter,
  metersOfPremise,
  removeMeter,
} from './meters.js';
export { auditedWrite } from './write.js';
export {
  addBillingCycle,
  addDiscountProgramme,
  addRoute,
  assignTariff,
  type DiscountRule,
  enrolAccount,
  listPlans,
} from './plans.js';

export {
  getTariffVersion,
  importTariffVersions,
  listTariffs,
  TARIFF_SIGNING_CONTEXT,
  validateTariffDocument,
  verifyTariffSignature,
} from './tariff-records.js';

// Money, tax, calendar and catalog: the pure billing kernel. No I/O, no clock: dates and
// instants come in as arguments.
export { currencyCodes, isCurrencyCode, minorUnitExponent, type CurrencyCode } from './currency';
export {
  addMoney,
  addUnrounded,
  allocateMoney,
  basisPoints,
  compareMoney,
  equalsMoney,
  money,
  MoneyError,
  moneySchema,
  multiplyByFraction,
  multiplyByQuantity,
  multiplyByRate,
  negateMoney,
  parseMoney,
  roundHalfUp,
  subtractMoney,
  sumMoney,
  toDecimalString,
  toUnrounded,
  zeroMoney,
  type Money,
  type MoneyErrorReason,
  type Rate,
  type UnroundedMoney,
} from './money';
export { euMemberStates, isCountryCode, isEuMemberState, vatTerritoryOf, type CountryCode } from './countries';
export { isWellFormedVatNumber, normalizeVatNumber, readVatNumber, type VatNumberReading } from './vat-number';
export { standardVatRateOn, vatRateTable, type VatRateEntry } from './vat-rates';
export { memoised } from './memo';
export {
  computeInvoiceTotals,
  determineTax,
  legalMentions,
  TaxError,
  type AppliedTax,
  type CustomerTaxProfile,
  type InvoiceTotals,
  type TaxableLine,
  type TaxErrorReason,
  type TaxPerRate,
  type TaxTreatment,
} from './tax';
export {
  allSubsidiaries,
  findSubsidiary,
  isSubsidiaryCode,
  subsidiary,
  subsidiaryCodes,
  type Subsidiary,
  type SubsidiaryCode,
  type TaxRegime,
} from './subsidiaries';
export {
  daysBetween,
  isPeriod,
  monthsInPeriod,
  periods,
  startOfSubsidiaryDay,
  term,
  termContaining,
  termEnd,
  toSubsidiaryDate,
  type Period,
  type Term,
} from './calendar';
export { prorateByDays, prorateChangeOfPlan, prorateRestOfTerm, type PlanChangeProration } from './proration';
export {
  defaultRenewalBillingWindowDays,
  isRenewDay,
  renewalBillingDate,
  renewalReminders,
  type RenewalBillingDate,
  type RenewalReminder,
  type RenewDay,
} from './renew-day';
export {
  CatalogError,
  catalogVersionOn,
  engagementEndDate,
  findPlan,
  loadCatalog,
  planPrice,
  plansSoldIn,
  purchaseBillCategory,
  renewalPrice,
  universes,
  type Catalog,
  type CatalogVersion,
  type EngagementEndRule,
  type EngagementOption,
  type Plan,
  type PlanPriceQuery,
  type PurchaseBillCategory,
  type RenewalPriceQuery,
  type SubsidiaryPrices,
  type Universe,
} from './catalog';
export { catalogFiles, shippedCatalog } from './shipped-catalog';
export { PricingError, pricingErrorKinds, type PricingErrorKind, type PricingErrorReason } from './pricing-error';
export {
  maxQuantityPerItem,
  priceCart,
  type CartItem,
  type CartPricingRequest,
  type PricedCart,
  type PricedLine,
} from './pricing';

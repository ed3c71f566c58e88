// The invoicing service's schema, in the order migrations apply.
export const invoicingMigrations = [];

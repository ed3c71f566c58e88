// The order service's schema, in the order migrations apply.
export const orderMigrations = [];

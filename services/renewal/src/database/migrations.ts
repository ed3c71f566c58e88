// The renewal service's schema, in the order migrations apply.
export const renewalMigrations = [];

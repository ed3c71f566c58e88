// The subscription service's schema, in the order migrations apply.
export const subscriptionMigrations = [];

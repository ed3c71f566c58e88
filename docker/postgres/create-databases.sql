-- One database per service, as `npm run db:setup` creates them locally; each service migrates its
-- own at boot. Run once by the postgres image, on an empty data volume.
CREATE DATABASE billing_order;
CREATE DATABASE billing_subscription;
CREATE DATABASE billing_renewal;
CREATE DATABASE billing_invoicing;

// The catalog we sell, from the versioned data files in libs/billing-kernel/catalog. Adding a
// version means adding a file here; it is checked when the kernel is first imported, so a
// service with an inconsistent catalog fails at start-up, naming the faulty entry.
import { loadCatalog, type Catalog } from './catalog';
import catalog20250101 from '../catalog/catalog-2025-01-01.json';
import catalog20260601 from '../catalog/catalog-2026-06-01.json';

export const catalogFiles: readonly unknown[] = [catalog20250101, catalog20260601];

export const shippedCatalog: Catalog = loadCatalog(catalogFiles);

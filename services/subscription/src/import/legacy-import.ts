// Imports legacy services in bulk, as read from the export line by line: checked, turned into
// ServiceImported by the decider, appended a batch at a time (one multi-stream append per batch,
// the next batch parsed while the previous one is written). Service ids derive from the legacy
// ids, so re-running an import reports the services as already present and creates nothing.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { shippedCatalog } from '@billing/billing-kernel';
import { derivedEventId, PostgresEventStore, type EventStore } from '@billing/eventsourcing';
import { CLOCK, EVENT_STORE, instantText, type Clock } from '@billing/platform';
import { serviceIdOfLegacyService } from '../commands/service-ids';
import { serviceStreamId, type ServiceImported } from '../domain/service';
import { serviceDecider } from '../domain/service.decide';
import { SUBSCRIPTION_SETTINGS, type SubscriptionSettings } from '../subscription-settings';
import { LegacyImportStore, type FirstEvent } from './legacy-import-store';
import { csvFields, csvRecord, legacyExportColumns, readJsonLine, readLegacyRecord, type LegacyExportFormat, type LegacyService, type LineReading } from './legacy-service-lines';

export type ImportReport = { imported: number; alreadyPresent: number; rejected: { line: number; reason: string }[] };

@Injectable()
export class LegacyImport {
  private readonly logger = new Logger(LegacyImport.name);
  private readonly store: LegacyImportStore;

  constructor(
    @Inject(EVENT_STORE) eventStore: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SUBSCRIPTION_SETTINGS) private readonly settings: SubscriptionSettings,
  ) {
    if (!(eventStore instanceof PostgresEventStore)) throw new Error('the legacy import writes to the PostgreSQL event store');
    this.store = new LegacyImportStore(eventStore.pool);
  }

  async importLines(lines: AsyncIterable<string>, format: LegacyExportFormat): Promise<ImportReport> {
    const report: ImportReport = { imported: 0, alreadyPresent: 0, rejected: [] };
    const importId = randomUUID();
    const importedAt = instantText(this.clock.now());
    const firstLineOf = new Map<string, number>();
    let header: string[] | undefined;
    let lineNumber = 0;
    let batch: FirstEvent[] = [];
    // one batch is written while the next one is read; a failed write stops the import
    let writing: Promise<void> = Promise.resolve();
    let failure: unknown;
    const settle = async () => {
      await writing;
      if (failure !== undefined) throw failure;
    };
    const flush = async () => {
      const full = batch;
      batch = [];
      await settle();
      writing = this.store.appendFirstEvents(full).then(
        (created) => {
          report.imported += created.size;
          report.alreadyPresent += full.length - created.size;
        },
        (error: unknown) => {
          failure = error;
        },
      );
    };

    for await (const raw of lines) {
      lineNumber++;
      const line = raw.trim();
      if (!line) continue;
      if (format === 'csv' && !header) {
        header = csvFields(line).map((column) => column.trim());
        const missing = legacyExportColumns.filter((column) => !['currency', 'anchorDate'].includes(column) && !header?.includes(column));
        if (missing.length > 0) {
          report.rejected.push({ line: lineNumber, reason: `MISSING_COLUMNS: ${missing.join(', ')}` });
          break;
        }
        continue;
      }
      const reading: LineReading = format === 'csv' ? readLegacyRecord(csvRecord(header as string[], line), shippedCatalog) : readJsonLine(line, shippedCatalog);
      if ('rejection' in reading) {
        report.rejected.push({ line: lineNumber, reason: reading.rejection });
        continue;
      }
      const first = firstLineOf.get(reading.service.legacyServiceId);
      if (first !== undefined) {
        report.rejected.push({ line: lineNumber, reason: `DUPLICATE_LEGACY_ID: ${reading.service.legacyServiceId} is on line ${first} already` });
        continue;
      }
      firstLineOf.set(reading.service.legacyServiceId, lineNumber);
      batch.push(this.firstEventOf(reading.service, importId, importedAt));
      if (batch.length >= this.settings.importBatchSize) await flush();
    }
    if (batch.length > 0) await flush();
    await settle();
    this.logger.log({ msg: 'legacy import done', importId, imported: report.imported, alreadyPresent: report.alreadyPresent, rejected: report.rejected.length });
    return report;
  }

  /** The service's first event, as the decider decides it, with an id of its own service id. */
  private firstEventOf(service: LegacyService, importId: string, importedAt: string): FirstEvent {
    const serviceId = serviceIdOfLegacyService(service.legacyServiceId);
    const [event] = serviceDecider.decide(
      {
        type: 'ImportService',
        data: {
          serviceId,
          customerId: service.customerId,
          legacyServiceId: service.legacyServiceId,
          subsidiary: service.subsidiary,
          universe: service.universe,
          planCode: service.planCode,
          period: service.period,
          price: service.price,
          anchorDate: service.anchorDate,
          expirationDate: service.expirationDate,
          renewMode: service.legacyContract ? 'manual' : 'automatic',
          legacy: service.legacyContract,
          importedAt,
        },
      },
      serviceDecider.initialState(),
    ) as ServiceImported[];
    return {
      streamId: serviceStreamId(serviceId),
      event: { ...event, eventId: derivedEventId(serviceId, 'imported'), metadata: { correlationId: importId, occurredAt: importedAt, partitionKey: service.customerId } },
    };
  }
}

import 'reflect-metadata';
import { runService } from '@billing/platform';
import { invoicingService } from './service';

void runService(invoicingService);

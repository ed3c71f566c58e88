import 'reflect-metadata';
import { runService } from '@billing/platform';
import { renewalService } from './service';

void runService(renewalService);

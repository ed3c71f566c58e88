import 'reflect-metadata';
import { runService } from '@billing/platform';
import { subscriptionService } from './service';

void runService(subscriptionService);

import 'reflect-metadata';
import { runService } from '@billing/platform';
import { orderService } from './service';

void runService(orderService);

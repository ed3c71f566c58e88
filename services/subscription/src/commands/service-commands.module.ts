import { Module } from '@nestjs/common';
import { ServiceCommands } from './service-commands';

@Module({ providers: [ServiceCommands], exports: [ServiceCommands] })
export class ServiceCommandsModule {}

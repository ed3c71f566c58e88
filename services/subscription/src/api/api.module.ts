import { Module } from '@nestjs/common';
import { ServiceCommandsModule } from '../commands/service-commands.module';
import { LegacyImport } from '../import/legacy-import';
import { ReadModelsModule } from '../read-models/read-models.module';
import { OperatorImportController } from './operator-import.controller';
import { ServicesController } from './services.controller';

@Module({ imports: [ServiceCommandsModule, ReadModelsModule], providers: [LegacyImport], controllers: [ServicesController, OperatorImportController] })
export class ApiModule {}

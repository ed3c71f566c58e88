import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AutorenewSetting } from './autorenew-setting.entity';

@Injectable()
export class AutorenewSettingsQuery {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  ofCustomer(customerId: string): Promise<AutorenewSetting | null> {
    return this.dataSource.getRepository(AutorenewSetting).findOneBy({ customerId });
  }
}

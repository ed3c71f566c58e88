// The customer's services, from the read model: one, or a page ordered by service id.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, MoreThan } from 'typeorm';
import { ServiceRecord } from './service-record.entity';

@Injectable()
export class ServicesQuery {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The service if it is this customer's (another customer's is as good as unknown). */
  ofCustomer(customerId: string, serviceId: string): Promise<ServiceRecord | null> {
    return this.dataSource.getRepository(ServiceRecord).findOneBy({ customerId, serviceId });
  }

  async pageOfCustomer(customerId: string, limit: number, after?: string): Promise<{ services: ServiceRecord[]; nextCursor?: string }> {
    const rows = await this.dataSource.getRepository(ServiceRecord).find({
      where: { customerId, ...(after ? { serviceId: MoreThan(after) } : {}) },
      order: { serviceId: 'ASC' },
      take: limit + 1,
    });
    const services = rows.slice(0, limit);
    return rows.length > limit ? { services, nextCursor: services[services.length - 1].serviceId } : { services };
  }
}

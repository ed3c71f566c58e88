// Operators list a service's projections with where each stands, and rebuild one: replayed from
// the beginning of its topics into fresh tables, then swapped in while the live one runs on.
// A service gets both endpoints by importing this module; the projections are the ones it
// registered with the messaging runtime.
import { ConflictException, Controller, Get, HttpCode, Inject, Module, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '@billing/auth';
import { MessagingRuntime, ProjectionRebuildRefused, readCheckpoints } from '@billing/messaging';
import { DataSource } from 'typeorm';

@ApiTags('operations')
@ApiBearerAuth()
@OperatorOnly()
@ApiResponse({ status: 401, description: 'No valid bearer token' })
@ApiResponse({ status: 403, description: 'OPERATOR_ROLE_REQUIRED' })
@Controller('operator/projections')
class OperatorProjectionsController {
  constructor(
    @Inject(MessagingRuntime) private readonly runtime: MessagingRuntime,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  @Get()
  @ApiOperation({ summary: "The service's projections: topics, tables and the next offset each has to apply per partition" })
  async list() {
    const projections = await Promise.all(
      this.runtime.registeredProjections().map(async (projection) => ({
        name: projection.name,
        topics: projection.topics,
        readModelTables: projection.readModelTables,
        checkpoints: (await readCheckpoints(this.dataSource.manager, projection.name)).map(({ topic, partition, nextOffset }) => ({
          topic,
          partition,
          nextOffset,
        })),
      })),
    );
    return { projections };
  }

  @Post(':name/rebuild')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rebuild a projection',
    description: 'Replays the projection from the beginning of its topics into fresh tables and swaps them in; answers when the swap is done.',
  })
  @ApiResponse({ status: 404, description: 'UNKNOWN_PROJECTION' })
  @ApiResponse({ status: 409, description: 'REBUILD_RUNNING' })
  async rebuild(@Param('name') name: string) {
    try {
      const replay = await this.runtime.rebuildProjection(name);
      return { projection: name, replayedUpTo: replay.replayedUpTo, durationMs: Math.round(replay.durationMs) };
    } catch (error) {
      if (!(error instanceof ProjectionRebuildRefused)) throw error;
      if (error.reason === 'unknown-projection') throw new NotFoundException({ statusCode: 404, code: 'UNKNOWN_PROJECTION', message: error.message });
      throw new ConflictException({ statusCode: 409, code: 'REBUILD_RUNNING', message: error.message });
    }
  }
}

/** `GET /operator/projections` and `POST /operator/projections/:name/rebuild`, operators only. */
@Module({ controllers: [OperatorProjectionsController] })
export class OperatorProjectionsModule {}

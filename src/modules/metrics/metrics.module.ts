import { Module } from '@nestjs/common';
import { MetricsRepository } from './metrics.repository.js';
import { MetricsResolver } from './metrics.resolver.js';
import { MetricsService } from './metrics.service.js';

@Module({
  providers: [MetricsRepository, MetricsService, MetricsResolver],
})
export class MetricsModule {}

import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { UsersModule } from '../users/users.module.js';
import { DemoDataService, demoDataEnabled } from './demo-data.service.js';

@Module({})
export class DemoModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DemoModule,
      imports: [UsersModule],
      providers: demoDataEnabled(config) ? [DemoDataService] : [],
    };
  }
}

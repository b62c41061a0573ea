import { type DynamicModule, Global, Module } from '@nestjs/common';
import { API_CONFIG, type ApiEnv } from './api-config.js';

/** Makes the validated configuration injectable everywhere as API_CONFIG. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: ApiEnv): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: API_CONFIG, useValue: config }],
      exports: [API_CONFIG],
    };
  }
}

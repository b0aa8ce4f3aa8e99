import { Module } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { UsersModule } from '../users/users.module.js';
import { AuthGuard } from './auth.guard.js';
import { AuthRepository } from './auth.repository.js';
import { AuthResolver } from './auth.resolver.js';
import { AuthService, JWT_ALGORITHM } from './auth.service.js';
import { BootstrapAdminService } from './bootstrap-admin.service.js';

@Module({
  imports: [
    UsersModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // A key object built once: given a string, jsonwebtoken re-parses it as a PEM key on every call.
        secret: createSecretKey(Buffer.from(config.jwtSecret!, 'utf8')) as unknown as string,
        signOptions: { algorithm: JWT_ALGORITHM, expiresIn: config.jwtTtl as `${number}h` },
        verifyOptions: { algorithms: [JWT_ALGORITHM] },
      }),
    }),
  ],
  providers: [
    AuthRepository,
    AuthService,
    AuthResolver,
    BootstrapAdminService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, JwtModule],
})
export class AuthModule {}

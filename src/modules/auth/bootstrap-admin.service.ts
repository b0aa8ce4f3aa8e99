import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Role } from '../../common/enums.js';
import { UsersRepository } from '../users/users.repository.js';
import { hashPassword } from './passwords.js';

/** Creates BOOTSTRAP_ADMIN_EMAIL as an administrator when the database has no active admin. */
@Injectable()
export class BootstrapAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger('BootstrapAdmin');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.bootstrapAdmin;
    if (!admin || (await this.users.adminExists())) return;
    const passwordHash = await hashPassword(admin.password);
    await this.db.transaction(async (m) => {
      if (await this.users.emailExists(m, admin.email)) return;
      await this.users.insert(m, {
        email: admin.email.toLowerCase(),
        name: 'Administrator',
        passwordHash,
        roles: [Role.ADMIN],
        agencyId: null,
        active: true,
      });
      this.logger.log('created the bootstrap administrator');
    });
  }
}

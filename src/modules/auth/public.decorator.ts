import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'isPublic';
/** Marks an operation that needs no token (only `login`). Everything else is denied by default. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

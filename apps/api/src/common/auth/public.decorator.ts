import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'netmortem:public';

/** Opts a route out of authentication (health probes, login, the collector script). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

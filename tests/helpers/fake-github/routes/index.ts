import type { FakeRoute } from '../index.js';
import { checkRoutes } from './checks.js';
import { commentRoutes } from './comments.js';
import { deploymentRoutes } from './deployments.js';
import { environmentRoutes } from './environments.js';
import { statusRoutes } from './statuses.js';
import { userRoutes } from './users.js';

/** Every route the fake answers without being told; artifacts come from their own module. */
export const builtInRoutes: FakeRoute[] = [
  ...commentRoutes,
  ...checkRoutes,
  ...statusRoutes,
  ...deploymentRoutes,
  ...environmentRoutes,
  ...userRoutes,
];

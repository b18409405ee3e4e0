/** `idParams`: the schema of the `:id` of a route's path (its own module, so that only what declares routes builds it). */
import { z } from 'zod';

export const idParams = z.object({ id: z.string().min(1) }).strict();

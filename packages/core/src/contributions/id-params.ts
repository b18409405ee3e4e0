/** `idParams`: the schema of the `:id` of a route's path (built only where something uses it, so a CLI command never does). */
import { z } from 'zod';

function idParamsSchema() {
  return z.object({ id: z.string().min(1) }).strict();
}

// Pure: a bundle that uses no route leaves it out.
export const idParams = /* @__PURE__ */ idParamsSchema();

/** `/api/secret-kinds` and `/api/secrets`: kinds with their field declarations, secrets as masked views, tests with their reports. */
import type { Container } from 'inversify';
import { CORE, TOKEN_ACTIVITY_HOURS, isDestinationField, type ApiRouteRegistrar, type Clock, type SecretKindRegistry, type SecretStore, type SecretTester, type SecretView, type TokenActivityLog } from '@tessera/core';
import type { LastTest, TestResults } from '../secret-tests/test-results.js';
import { SERVER } from '../tokens.js';
import { z } from 'zod';
import { secretKindView, secretView, testReport, tokenActivity } from './api-responses.js';
import { idParams, secretCreate, secretDraft, secretList, secretPatch, secretTestChanges } from './api-schemas.js';

export type SecretWithTest = SecretView & { lastTest: LastTest | null };

export function secretRoutes(routes: ApiRouteRegistrar, container: Container): void {
  const secrets = container.get<SecretStore>(CORE.SecretStore);
  const kinds = container.get<SecretKindRegistry>(CORE.SecretKindRegistry);
  const tester = container.get<SecretTester>(CORE.SecretTester);
  const results = container.get<TestResults>(SERVER.TestResults);
  const clock = container.get<Clock>(CORE.Clock);
  // Made now, so it counts from the server's start.
  const activity = container.get<TokenActivityLog>(CORE.TokenActivity);
  const withTest = async (view: SecretView, last?: LastTest | null): Promise<SecretWithTest> => ({ ...view, lastTest: last === undefined ? await results.get(view.id) : last });

  routes.add({
    method: 'GET',
    url: '/api/secret-kinds',
    tag: 'secrets',
    summary: 'Kinds of secret and the fields each declares (labels, types, help, which are sensitive)',
    response: z.array(secretKindView),
    handler: async () =>
      kinds.list().map((kind) => ({
        id: kind.id,
        label: kind.label,
        description: kind.description ?? '',
        // Every field says whether it is a destination (the console asks for the credentials again when one changes).
        fields: kind.fields.map((field) => ({ ...field, destination: isDestinationField(field) })),
        defaults: kind.defaults,
      })),
  });
  routes.add({
    method: 'GET',
    url: '/api/secrets',
    tag: 'secrets',
    summary: 'Secrets as masked views, with their last test',
    response: z.array(secretView),
    query: secretList,
    handler: async ({ query }) => {
      const last = await results.all();
      return Promise.all((await secrets.list(query)).map((view) => withTest(view, last.get(view.id) ?? null)));
    },
  });
  routes.add({
    method: 'POST',
    url: '/api/secrets',
    tag: 'secrets',
    summary: 'Create a secret (sensitive fields are encrypted and never returned)',
    body: secretCreate,
    response: secretView,
    status: 201,
    handler: async ({ body }) => withTest(await secrets.create(body), null),
  });
  routes.add({
    method: 'POST',
    url: '/api/secrets/test',
    response: testReport,
    tag: 'secrets',
    summary: 'Test a draft: run its real token request and report what happened',
    body: secretDraft,
    handler: async ({ body }) => tester.test(body),
  });
  routes.add({
    method: 'GET',
    url: '/api/secrets/:id',
    tag: 'secrets',
    summary: 'One secret as a masked view',
    params: idParams,
    response: secretView,
    handler: async ({ params }) => withTest(await secrets.get(params.id)),
  });
  routes.add({
    method: 'PATCH',
    url: '/api/secrets/:id',
    tag: 'secrets',
    summary: 'Change a secret; its cached token is dropped',
    params: idParams,
    body: secretPatch,
    response: secretView,
    handler: async ({ params, body }) => withTest(await secrets.update(params.id, body)),
  });
  routes.add({
    method: 'DELETE',
    url: '/api/secrets/:id',
    tag: 'secrets',
    summary: 'Delete a secret (refused with 409 while a webhook or connector uses it)',
    params: idParams,
    status: 204,
    handler: async ({ params }) => {
      await secrets.delete(params.id);
      await results.forget(params.id);
    },
  });
  routes.add({
    method: 'GET',
    url: '/api/secrets/:id/token-activity',
    tag: 'secrets',
    summary: "This secret's token requests of the last hours in this server process: issued, refreshed, failed, cache hits, and the last requests",
    params: idParams,
    query: z.object({ hours: z.coerce.number().int().min(1).max(TOKEN_ACTIVITY_HOURS).optional().describe(`Whole hours ending with the current one, 1 to ${TOKEN_ACTIVITY_HOURS} (default ${TOKEN_ACTIVITY_HOURS})`) }).strict(),
    response: tokenActivity,
    handler: async ({ params, query }) => {
      await secrets.get(params.id);
      return activity.of(params.id, query.hours);
    },
  });
  routes.add({
    method: 'POST',
    url: '/api/secrets/:id/test',
    response: testReport,
    tag: 'secrets',
    summary: 'Test a saved secret (or, with params, the saved secret with unsaved changes): run its real token request and report what happened',
    params: idParams,
    body: secretTestChanges,
    handler: async ({ params, body }) => {
      await secrets.get(params.id);
      if (body.params === undefined) {
        // Stamped when it started: of two tests at once, the one begun later is the last test.
        const startedAt = clock.now();
        const report = await tester.test(params.id);
        await results.record(params.id, report, startedAt);
        return report;
      }
      // A form's unsaved changes, merged with the stored values by the store itself: no sensitive value leaves it.
      return tester.test(await secrets.draftWithChanges(params.id, body.params));
    },
  });
}

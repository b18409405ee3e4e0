/** The OpenAPI 3.1 document of `/api`, built from the same zod schemas that validate each route. */
import { z } from 'zod';
import type { RouteDoc } from './api-route.js';

export function openApiDocument(routes: readonly RouteDoc[], version: string, groups: ReadonlyArray<{ tags: ReadonlyArray<{ name: string; description: string }> }> = []): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters = [
      ...objectProperties(route.params).map(([name, schema]) => ({ name, in: 'path', required: true, schema })),
      ...objectProperties(route.query).map(([name, schema, required]) => ({ name, in: 'query', required, schema })),
    ];
    (paths[path] ??= {})[route.method.toLowerCase()] = {
      operationId: operationId(route.method, route.url),
      summary: route.summary,
      description: route.description,
      tags: [route.tag],
      security: [{ adminToken: [] }],
      ...(parameters.length > 0 && { parameters }),
      ...(route.body && { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } } }),
      responses: {
        [String(route.status)]: {
          description: route.status === 204 ? 'Done, no content.' : route.status === 202 ? 'Accepted: persisted, and delivered in the background.' : 'Success.',
          ...(route.response && { content: { 'application/json': { schema: jsonSchema(route.response, 'output') } } }),
        },
        '400': { $ref: '#/components/responses/Error' },
        '401': { $ref: '#/components/responses/Error' },
        ...(route.url.includes(':id') && { '404': { $ref: '#/components/responses/Error' } }),
        ...(route.method !== 'GET' && { '409': { $ref: '#/components/responses/Error' }, '422': { $ref: '#/components/responses/Error' } }),
        '500': { $ref: '#/components/responses/Error' },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tessera API',
      version,
      description: 'Secrets that produce bearer tokens, webhooks that use them, and the deliveries of events.',
      license: { name: 'MIT', identifier: 'MIT' },
      contact: { name: 'The operators of this Tessera server' },
    },
    servers: [{ url: '/', description: 'The Tessera server that serves this document' }],
    // Each tag once, described by the group that contributed it.
    tags: [...new Map(groups.flatMap((group) => group.tags.map((tag) => [tag.name, tag.description] as const))).entries()].map(([name, description]) => ({ name, description })),
    paths,
    components: {
      securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'The admin token (TESSERA_ADMIN_TOKEN, or the dev token file).' } },
      responses: {
        Error: {
          description: 'An error: a stable code, a message that says what to do, and details such as field issues.',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['error'],
                properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
              },
            },
          },
        },
      },
    },
  };
}

/** `POST /api/secrets/:id/test` → `postSecretsByIdTest`. */
function operationId(method: string, url: string): string {
  const words = url
    .replace(/^\/api\//, '')
    .split(/[/-]/)
    .filter(Boolean)
    .map((word) => (word.startsWith(':') ? `By${word[1]?.toUpperCase()}${word.slice(2)}` : word[0]?.toUpperCase() + word.slice(1)));
  return method.toLowerCase() + words.join('');
}

/** What a request gives (`input`: defaults may be left out) or a response holds (`output`). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): unknown {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' });
}


function objectProperties(schema: z.ZodType | undefined): Array<[string, unknown, boolean]> {
  if (!schema) return [];
  const json = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => [name, property, (json.required ?? []).includes(name)]);
}

/** The OpenAPI document lints clean: no error and no warning under Redocly's recommended rules or Spectral's `spectral:oas`. */
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { Document, Spectral, type RulesetDefinition } from '@stoplight/spectral-core';
import { Json } from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../support/start-test-server.js';

describe('OpenAPI lint', () => {
  it("has no problem under Redocly's recommended rules or Spectral's oas ruleset", async () => {
    const server = await startTestServer();
    const source = (await server.api('GET', '/api/openapi.json')).body;
    const redocly = await lintFromString({ source, absoluteRef: '/api/openapi.json', config: await createConfig({ extends: ['recommended'] }) });
    expect(redocly.map((problem) => `${problem.severity} ${problem.ruleId}: ${problem.message} at ${problem.location[0]?.pointer ?? ''}`)).toEqual([]);
    const spectral = new Spectral();
    // The rulesets package types its rule set more loosely than spectral-core's RulesetDefinition.
    spectral.setRuleset({ extends: [[oas as RulesetDefinition, 'recommended']] });
    const results = await spectral.run(new Document(source, Json));
    expect(results.map((result) => `${result.code}: ${result.message} at ${result.path.join('.')}`)).toEqual([]);
  });
});

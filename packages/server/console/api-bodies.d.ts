// The bodies the console reads and sends, named: each taken from the generated OpenAPI types (api-types.d.ts).
import type { operations } from './api-types';

/** The answer of an operation's success status (200, 201 or 202). */
type Success<R> = R extends { 200: infer A } ? A : R extends { 201: infer A } ? A : R extends { 202: infer A } ? A : never;

/** The JSON body an operation answers on success. */
type Answer<O extends keyof operations> = Success<operations[O]['responses']> extends { content: { 'application/json': infer B } } ? B : never;

/** The JSON body an operation takes. */
type Body<O extends keyof operations> = operations[O]['requestBody'] extends { content: { 'application/json': infer B } } | undefined ? B : never;

export type SecretKind = Answer<'getSecretKinds'>[number];
export type Secret = Answer<'getSecretsById'>;
export type SecretChange = Body<'patchSecretsById'>;
export type NewSecret = Body<'postSecrets'>;
export type TestReport = Answer<'postSecretsTest'>;
export type Diagnostic = TestReport['diagnostics'][number];
export type TokenActivity = Answer<'getSecretsByIdTokenActivity'>;
export type Webhook = Answer<'getWebhooksById'>;
export type CreatedWebhook = Answer<'postWebhooks'>;
export type WebhookChange = Body<'patchWebhooksById'>;
export type RotatedSigningSecret = Answer<'postWebhooksByIdRotateSigningSecret'>;
export type Recovered = Answer<'postWebhooksByIdRecover'>;
export type SentTest = Answer<'postWebhooksByIdTest'>;
export type DeliveryActivity = Answer<'getWebhooksByIdActivity'>;
export type DeliverySummary = Answer<'getDeliveries'>[number];
export type Delivery = Answer<'getDeliveriesById'>;
export type Storage = Answer<'getStorage'>;

/**
 * One field of a kind, as core declares it (FieldDeclaration): the document describes fields only as
 * objects, so their shape is written here.
 */
export interface FieldDeclaration {
  name: string;
  label: string;
  type: 'text' | 'url' | 'select';
  required: boolean;
  sensitive: boolean;
  destination?: boolean;
  default?: string;
  options?: string[];
  help?: string;
}

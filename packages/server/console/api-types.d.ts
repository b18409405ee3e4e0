// The types of the Tessera API, generated from GET /api/openapi.json by `npm run console:types` (openapi-typescript). Do not edit.

export interface paths {
    "/api/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Webhook endpoints
         * @description Webhook endpoints
         */
        get: operations["getWebhooks"];
        put?: never;
        /**
         * Create a webhook endpoint; a generated signing secret is in this answer only
         * @description Create a webhook endpoint; a generated signing secret is in this answer only
         */
        post: operations["postWebhooks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One webhook endpoint
         * @description One webhook endpoint
         */
        get: operations["getWebhooksById"];
        put?: never;
        post?: never;
        /**
         * Delete a webhook endpoint; its waiting deliveries fail
         * @description Delete a webhook endpoint; its waiting deliveries fail
         */
        delete: operations["deleteWebhooksById"];
        options?: never;
        head?: never;
        /**
         * Change a webhook endpoint (enabled: true re-enables a disabled one)
         * @description Change a webhook endpoint (enabled: true re-enables a disabled one)
         */
        patch: operations["patchWebhooksById"];
        trace?: never;
    };
    "/api/webhooks/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a test event (tessera.test) to this endpoint only
         * @description Send a test event (tessera.test) to this endpoint only
         */
        post: operations["postWebhooksByIdTest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhooks/{id}/rotate-signing-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A new signing secret, shown once; the old one is still sent during the grace period
         * @description A new signing secret, shown once; the old one is still sent during the grace period
         */
        post: operations["postWebhooksByIdRotateSigningSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhooks/{id}/recover": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Retry every failed delivery of this endpoint created since a time, with their own webhook-ids
         * @description After an outage of the receiver: each failed delivery created at or after `since` is queued again now, its retry schedule started over.
         */
        post: operations["postWebhooksByIdRecover"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhooks/{id}/activity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This endpoint's deliveries of the last hours, per hour: by outcome, with latency percentiles
         * @description Deliveries are counted in the hour they were created, where they are now (succeeded, failed, pending, delivering); latencies are those of their attempts the receiver answered.
         */
        get: operations["getWebhooksByIdActivity"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Publish an event: one delivery per matching endpoint, persisted before anything is sent
         * @description Publish an event: one delivery per matching endpoint, persisted before anything is sent
         */
        post: operations["postEvents"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Deliveries, newest first, filtered by endpoint, status, event type and time
         * @description Deliveries, newest first, filtered by endpoint, status, event type and time
         */
        get: operations["getDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/deliveries/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One delivery with its payload and every attempt
         * @description One delivery with its payload and every attempt
         */
        get: operations["getDeliveriesById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/deliveries/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a delivery now, with the same webhook-id: a failed one again, a waiting one before its next attempt
         * @description A failed delivery is queued again, its retry schedule started over; a pending one waiting for its next attempt is due now, its schedule going on. One being sent right now answers 409 delivery-in-flight, one that succeeded 409 delivery-not-failed.
         */
        post: operations["postDeliveriesByIdRetry"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/secret-kinds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Kinds of secret and the fields each declares (labels, types, help, which are sensitive)
         * @description Kinds of secret and the fields each declares (labels, types, help, which are sensitive)
         */
        get: operations["getSecretKinds"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/secrets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Secrets as masked views, with their last test
         * @description Secrets as masked views, with their last test
         */
        get: operations["getSecrets"];
        put?: never;
        /**
         * Create a secret (sensitive fields are encrypted and never returned)
         * @description Create a secret (sensitive fields are encrypted and never returned)
         */
        post: operations["postSecrets"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/secrets/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Test a draft: run its real token request and report what happened
         * @description Test a draft: run its real token request and report what happened
         */
        post: operations["postSecretsTest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/secrets/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One secret as a masked view
         * @description One secret as a masked view
         */
        get: operations["getSecretsById"];
        put?: never;
        post?: never;
        /**
         * Delete a secret (refused with 409 while a webhook or connector uses it)
         * @description Delete a secret (refused with 409 while a webhook or connector uses it)
         */
        delete: operations["deleteSecretsById"];
        options?: never;
        head?: never;
        /**
         * Change a secret; its cached token is dropped
         * @description Change a secret; its cached token is dropped
         */
        patch: operations["patchSecretsById"];
        trace?: never;
    };
    "/api/secrets/{id}/token-activity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This secret's token requests of the last hours in this server process: issued, refreshed, failed, cache hits, and the last requests
         * @description This secret's token requests of the last hours in this server process: issued, refreshed, failed, cache hits, and the last requests
         */
        get: operations["getSecretsByIdTokenActivity"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/secrets/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Test a saved secret (or, with params, the saved secret with unsaved changes): run its real token request and report what happened
         * @description Test a saved secret (or, with params, the saved secret with unsaved changes): run its real token request and report what happened
         */
        post: operations["postSecretsByIdTest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/plugins": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The plugins loaded (TESSERA_PLUGINS, --plugin, tessera.config.json), in load order, with the secret kinds each contributes
         * @description The plugins loaded (TESSERA_PLUGINS, --plugin, tessera.config.json), in load order, with the secret kinds each contributes
         */
        get: operations["getPlugins"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/storage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Rows per table, the database's size and the oldest delivery kept
         * @description The figures /metrics shows too, measured at most every 30 s (measuredAt says when): exact counts, except PostgreSQL tables above 100,000 rows, which give the planner estimate (exact: false).
         */
        get: operations["getStorage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: never;
    responses: {
        /** @description An error: a stable code, a message that says what to do, and details such as field issues. */
        Error: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    error: {
                        code: string;
                        message: string;
                        details?: unknown;
                    };
                };
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        url: string;
                        secretId: string;
                        events: string[];
                        enabled: boolean;
                        disabledReason: string | null;
                        timeoutMs: number;
                        retrySchedule: number[] | null;
                        /** @description Header names, each value masked '••••' */
                        headers: {
                            [key: string]: string;
                        };
                        signing: {
                            enabled: boolean;
                            preview: string | null;
                            previousValidUntil: string | null;
                        };
                        failingSince: string | null;
                        /** @description This webhook's own retention periods in ms, null where it keeps the server's */
                        retention: {
                            succeededMs: number | null;
                            failedMs: number | null;
                        };
                        revision: number;
                        /** @description An ISO 8601 time */
                        createdAt: string;
                        /** @description An ISO 8601 time */
                        updatedAt: string;
                    }[];
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    postWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    url: string;
                    /** @description The secret whose bearer token authorises every request */
                    secretId: string;
                    /** @description Exact types, '*', or prefixes like invoice.* */
                    events?: string[];
                    enabled?: boolean;
                    timeoutMs?: number;
                    /** @description Delays after failed attempts, in seconds */
                    retrySchedule?: number[];
                    /** @description Extra static headers; Authorization is refused (it comes from the secret) */
                    headers?: {
                        [key: string]: string;
                    };
                    /** @description This webhook's own retention periods */
                    retention?: {
                        /** @description How long this webhook's succeeded deliveries are kept, in ms; null: the server's (--retention-succeeded) */
                        succeededMs?: number | null;
                        /** @description How long this webhook's failed deliveries are kept, in ms; null: the server's (--retention-failed) */
                        failedMs?: number | null;
                    };
                    /** @description 'generate' (default): a whsec_ signing secret, shown once in the answer */
                    signing?: "generate" | "none" | {
                        secret: string;
                    };
                };
            };
        };
        responses: {
            /** @description Success. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description A webhook endpoint; header values and the signing secret never in clear */
                        endpoint: {
                            id: string;
                            name: string;
                            url: string;
                            secretId: string;
                            events: string[];
                            enabled: boolean;
                            disabledReason: string | null;
                            timeoutMs: number;
                            retrySchedule: number[] | null;
                            /** @description Header names, each value masked '••••' */
                            headers: {
                                [key: string]: string;
                            };
                            signing: {
                                enabled: boolean;
                                preview: string | null;
                                previousValidUntil: string | null;
                            };
                            failingSince: string | null;
                            /** @description This webhook's own retention periods in ms, null where it keeps the server's */
                            retention: {
                                succeededMs: number | null;
                                failedMs: number | null;
                            };
                            revision: number;
                            /** @description An ISO 8601 time */
                            createdAt: string;
                            /** @description An ISO 8601 time */
                            updatedAt: string;
                        };
                        /** @description The signing secret, shown this once */
                        signingSecret?: string;
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            409: components["responses"]["Error"];
            422: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    getWebhooksById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        url: string;
                        secretId: string;
                        events: string[];
                        enabled: boolean;
                        disabledReason: string | null;
                        timeoutMs: number;
                        retrySchedule: number[] | null;
                        /** @description Header names, each value masked '••••' */
                        headers: {
                            [key: string]: string;
                        };
                        signing: {
                            enabled: boolean;
                            preview: string | null;
                            previousValidUntil: string | null;
                        };
                        failingSince: string | null;
                        /** @description This webhook's own retention periods in ms, null where it keeps the server's */
                        retention: {
                            succeededMs: number | null;
                            failedMs: number | null;
                        };
                        revision: number;
                        /** @description An ISO 8601 time */
                        createdAt: string;
                        /** @description An ISO 8601 time */
                        updatedAt: string;
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            404: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    deleteWebhooksById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done, no content. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            404: components["responses"]["Error"];
            409: components["responses"]["Error"];
            422: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    patchWebhooksById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    url?: string;
                    secretId?: string;
                    /** @description Exact types, '*', or prefixes like invoice.* */
                    events?: string[];
                    enabled?: boolean;
                    timeoutMs?: number;
                    retrySchedule?: number[] | null;
                    /** @description Extra static headers; Authorization is refused (it comes from the secret) */
                    headers?: {
                        [key: string]: string;
                    };
                    /** @description Replaces this webhook's own retention periods; null: the server's for both */
                    retention?: {
                        /** @description How long this webhook's succeeded deliveries are kept, in ms; null: the server's (--retention-succeeded) */
                        succeededMs?: number | null;
                        /** @description How long this webhook's failed deliveries are kept, in ms; null: the server's (--retention-failed) */
                        failedMs?: number | null;
                    } | null;
                    /** @description Refuse the change with 409 revision-mismatch if the webhook changed since this revision */
                    expectedRevision?: number;
                };
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        url: string;
                        secretId: string;
                        events: string[];
                        enabled: boolean;
                        disabledReason: string | null;
                        timeoutMs: number;
                        retrySchedule: number[] | null;
                        /** @description Header names, each value masked '••••' */
                        headers: {
                            [key: string]: string;
                        };
                        signing: {
                            enabled: boolean;
                            preview: string | null;
                            previousValidUntil: string | null;
                        };
                        failingSince: string | null;
                        /** @description This webhook's own retention periods in ms, null where it keeps the server's */
                        retention: {
                            succeededMs: number | null;
                            failedMs: number | null;
                        };
                        revision: number;
                        /** @description An ISO 8601 time */
                        createdAt: string;
                        /** @description An ISO 8601 time */
                        updatedAt: string;
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            404: components["responses"]["Error"];
            409: components["responses"]["Error"];
            422: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    postWebhooksByIdTest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted: persisted, and delivered in the background. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deliveryId?: string;
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            404: components["responses"]["Error"];
            409: components["responses"]["Error"];
            422: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    postWebhooksByIdRotateSigningSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description How long receivers still get the old secret's signature too, in seconds (default the server's grace period, 24 h); 0 ends the old ones at once, after a leak */
                    graceSeconds?: number;
                };
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description A webhook endpoint; header values and the signing secret never in clear */
                        endpoint: {
                            id: string;
                            name: string;
                            url: string;
                            secretId: string;
                            events: string[];
                            enabled: boolean;
                            disabledReason: string | null;
                            timeoutMs: number;
                            retrySchedule: number[] | null;
                            /** @description Header names, each value masked '••••' */
                            headers: {
                                [key: string]: string;
                            };
                            signing: {
                                enabled: boolean;
                                preview: string | null;
                                previousValidUntil: string | null;
                            };
                            failingSince: string | null;
                            /** @description This webhook's own retention periods in ms, null where it keeps the server's */
                            retention: {
                                succeededMs: number | null;
                                failedMs: number | null;
                            };
                            revision: number;
                            /** @description An ISO 8601 time */
                            createdAt: string;
                            /** @description An ISO 8601 time */
                            updatedAt: string;
                        };
                        /** @description The signing secret, shown this once */
                        signingSecret?: string;
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            404: components["responses"]["Error"];
            409: components["responses"]["Error"];
            422: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    postWebhooksByIdRecover: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Retry the failed deliveries created at or after this time */
                    since: string;
                };
            };
        };
        responses: {
            /** @description Accepted: persisted, and delivered in the background. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description How many failed deliveries were queued again */
                        recovered: number;
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            404: components["responses"]["Error"];
            409: components["responses"]["Error"];
            422: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    getWebhooksByIdActivity: {
        parameters: {
            query?: {
                hours?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        endpointId: string;
                        /** @description An ISO 8601 time */
                        from: string;
                        /** @description An ISO 8601 time */
                        to: string;
                        /** @description One per hour, oldest first; deliveries by the hour they were created, counted where they are now */
                        hours: {
                            /** @description An ISO 8601 time */
                            start: string;
                            succeeded: number;
                            failed: number;
                            pending: number;
                            delivering: number;
                            /** @description Attempts the receiver answered (any HTTP status) */
                            answered: number;
                            /** @description Milliseconds, nearest rank, over the attempts the receiver answered; null when none was */
                            latencyMs: {
                                p50: number | null;
                                p95: number | null;
                                p99: number | null;
                            };
                        }[];
                        totals: {
                            succeeded: number;
                            failed: number;
                            pending: number;
                            delivering: number;
                            /** @description Attempts the receiver answered (any HTTP status) */
                            answered: number;
                            /** @description Milliseconds, nearest rank, over the attempts the receiver answered; null when none was */
                            latencyMs: {
                                p50: number | null;
                                p95: number | null;
                                p99: number | null;
                            };
                        };
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            404: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    postEvents: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Your event id: publishing it again creates no new deliveries */
                    id?: string;
                    /** @description Dot-separated words, e.g. invoice.paid */
                    type: string;
                    /** @description The event's content, any JSON value */
                    data: unknown;
                };
            };
        };
        responses: {
            /** @description Accepted: persisted, and delivered in the background. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deliveryIds: string[];
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            409: components["responses"]["Error"];
            422: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    getDeliveries: {
        parameters: {
            query?: {
                endpointId?: string;
                status?: "pending" | "delivering" | "succeeded" | "failed";
                eventType?: string;
                since?: string;
                until?: string;
                limit?: number;
                before?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        eventId: string;
                        eventType: string;
                        endpointId: string;
                        /** @enum {string} */
                        status: "pending" | "delivering" | "succeeded" | "failed";
                        attempts: number;
                        nextAttemptAt: string | null;
                        lastStatus: number | null;
                        lastError: string | null;
                        /** @description An ISO 8601 time */
                        createdAt: string;
                        /** @description An ISO 8601 time */
                        updatedAt: string;
                    }[];
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    getDeliveriesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        eventId: string;
                        eventType: string;
                        endpointId: string;
                        /** @enum {string} */
                        status: "pending" | "delivering" | "succeeded" | "failed";
                        attempts: number;
                        nextAttemptAt: string | null;
                        lastStatus: number | null;
                        lastError: string | null;
                        /** @description An ISO 8601 time */
                        createdAt: string;
                        /** @description An ISO 8601 time */
                        updatedAt: string;
                        /** @description The event as sent: { type, timestamp, data } */
                        payload: unknown;
                        attemptLog: {
                            /** @description An ISO 8601 time */
                            attemptedAt: string;
                            status: number | null;
                            latencyMs: number;
                            errorCode: string | null;
                            errorMessage: string | null;
                            responseBody: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            404: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    postDeliveriesByIdRetry: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted: persisted, and delivered in the background. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        eventId: string;
                        eventType: string;
                        endpointId: string;
                        /** @enum {string} */
                        status: "pending" | "delivering" | "succeeded" | "failed";
                        attempts: number;
                        nextAttemptAt: string | null;
                        lastStatus: number | null;
                        lastError: string | null;
                        /** @description An ISO 8601 time */
                        createdAt: string;
                        /** @description An ISO 8601 time */
                        updatedAt: string;
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            404: components["responses"]["Error"];
            409: components["responses"]["Error"];
            422: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    getSecretKinds: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        label: string;
                        description: string;
                        /** @description Field declarations: name, label, type, required, sensitive, destination, default, options, help */
                        fields: {
                            [key: string]: unknown;
                        }[];
                        defaults: {
                            /** @enum {string} */
                            encoding: "json" | "form";
                            /** @enum {string} */
                            scopeFormat: "tuple" | "plain" | "space";
                        };
                    }[];
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    getSecrets: {
        parameters: {
            query?: {
                kind?: string;
                origin?: "manual" | "connector";
                limit?: number;
                after?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        kind: string;
                        description: string;
                        /** @enum {string} */
                        origin: "manual" | "connector";
                        owner: string | null;
                        /** @description The kind's fields, each sensitive one masked '••••'; for a kind not loaded, only those it stored in clear */
                        params: {
                            [key: string]: unknown;
                        };
                        /** @description False when no loaded module or plugin declares the kind: it can be listed, shown and deleted, not used */
                        kindKnown: boolean;
                        revision: number;
                        /** @description An ISO 8601 time */
                        createdAt: string;
                        /** @description An ISO 8601 time */
                        updatedAt: string;
                        lastTest: {
                            ok: boolean;
                            /** @description An ISO 8601 time */
                            testedAt: string;
                            summary: string;
                        } | null;
                    }[];
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    postSecrets: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Unique name, e.g. crm-hook */
                    name: string;
                    /** @description A kind id from GET /api/secret-kinds, e.g. general */
                    kind: string;
                    description?: string;
                    /** @description The kind's fields (see GET /api/secret-kinds); a masked value '••••' keeps the stored one. */
                    params: {
                        [key: string]: unknown;
                    };
                };
            };
        };
        responses: {
            /** @description Success. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        kind: string;
                        description: string;
                        /** @enum {string} */
                        origin: "manual" | "connector";
                        owner: string | null;
                        /** @description The kind's fields, each sensitive one masked '••••'; for a kind not loaded, only those it stored in clear */
                        params: {
                            [key: string]: unknown;
                        };
                        /** @description False when no loaded module or plugin declares the kind: it can be listed, shown and deleted, not used */
                        kindKnown: boolean;
                        revision: number;
                        /** @description An ISO 8601 time */
                        createdAt: string;
                        /** @description An ISO 8601 time */
                        updatedAt: string;
                        lastTest: {
                            ok: boolean;
                            /** @description An ISO 8601 time */
                            testedAt: string;
                            summary: string;
                        } | null;
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            409: components["responses"]["Error"];
            422: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    postSecretsTest: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    kind: string;
                    /** @description The kind's fields (see GET /api/secret-kinds); a masked value '••••' keeps the stored one. */
                    params: {
                        [key: string]: unknown;
                    };
                };
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        ok: boolean;
                        /** @description The HTTP status of the token endpoint's answer, when there was one */
                        status?: number;
                        durationMs: number;
                        /** @description A description of the token, never the token */
                        token?: {
                            type: string;
                            expiresInSeconds: number;
                            preview: string;
                        };
                        diagnostics: {
                            /** @enum {string} */
                            level: "info" | "warning" | "error";
                            code: string;
                            message: string;
                            hint?: string;
                            /**
                             * @description The secret's setting that fixes it
                             * @enum {string}
                             */
                            setting?: "encoding" | "scopeFormat" | "extraParams" | "responseFields" | "defaultLifetimeSeconds";
                            /** @description The field of the secret's kind that fixes it */
                            field?: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            409: components["responses"]["Error"];
            422: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    getSecretsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        kind: string;
                        description: string;
                        /** @enum {string} */
                        origin: "manual" | "connector";
                        owner: string | null;
                        /** @description The kind's fields, each sensitive one masked '••••'; for a kind not loaded, only those it stored in clear */
                        params: {
                            [key: string]: unknown;
                        };
                        /** @description False when no loaded module or plugin declares the kind: it can be listed, shown and deleted, not used */
                        kindKnown: boolean;
                        revision: number;
                        /** @description An ISO 8601 time */
                        createdAt: string;
                        /** @description An ISO 8601 time */
                        updatedAt: string;
                        lastTest: {
                            ok: boolean;
                            /** @description An ISO 8601 time */
                            testedAt: string;
                            summary: string;
                        } | null;
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            404: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    deleteSecretsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done, no content. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            404: components["responses"]["Error"];
            409: components["responses"]["Error"];
            422: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    patchSecretsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    description?: string;
                    /** @description The kind's fields (see GET /api/secret-kinds); a masked value '••••' keeps the stored one. */
                    params?: {
                        [key: string]: unknown;
                    };
                    /** @description Refuse the change with 409 if the secret changed since this revision */
                    expectedRevision?: number;
                };
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        kind: string;
                        description: string;
                        /** @enum {string} */
                        origin: "manual" | "connector";
                        owner: string | null;
                        /** @description The kind's fields, each sensitive one masked '••••'; for a kind not loaded, only those it stored in clear */
                        params: {
                            [key: string]: unknown;
                        };
                        /** @description False when no loaded module or plugin declares the kind: it can be listed, shown and deleted, not used */
                        kindKnown: boolean;
                        revision: number;
                        /** @description An ISO 8601 time */
                        createdAt: string;
                        /** @description An ISO 8601 time */
                        updatedAt: string;
                        lastTest: {
                            ok: boolean;
                            /** @description An ISO 8601 time */
                            testedAt: string;
                            summary: string;
                        } | null;
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            404: components["responses"]["Error"];
            409: components["responses"]["Error"];
            422: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    getSecretsByIdTokenActivity: {
        parameters: {
            query?: {
                hours?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        secretId: string;
                        /**
                         * @description What this server process did; each instance of a fleet requests and counts for itself
                         * @constant
                         */
                        scope: "this-process";
                        /** @description An ISO 8601 time */
                        from: string;
                        /** @description An ISO 8601 time */
                        to: string;
                        /** @description One per hour, oldest first */
                        hours: {
                            /** @description An ISO 8601 time */
                            start: string;
                            /** @description Tokens requested because none was cached */
                            issued: number;
                            /** @description Tokens requested early, before the cached one expired */
                            refreshed: number;
                            /** @description Token requests that failed */
                            failed: number;
                            /** @description getToken calls answered from the cache */
                            cacheHits: number;
                        }[];
                        totals: {
                            /** @description Tokens requested because none was cached */
                            issued: number;
                            /** @description Tokens requested early, before the cached one expired */
                            refreshed: number;
                            /** @description Token requests that failed */
                            failed: number;
                            /** @description getToken calls answered from the cache */
                            cacheHits: number;
                        };
                        /** @description The last token requests, newest first */
                        recent: {
                            /** @description An ISO 8601 time */
                            at: string;
                            /** @enum {string} */
                            outcome: "issued" | "refreshed" | "failed";
                            durationMs: number;
                            /** @description A failure's stable code */
                            code: string | null;
                            /** @description The token endpoint's HTTP status, when a failure had one */
                            status: number | null;
                            /** @description A failure's message, credentials masked */
                            message: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            404: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    postSecretsByIdTest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Unsaved changes to test with the saved secret: masked values keep the stored ones, null clears a field */
                    params?: {
                        [key: string]: unknown;
                    };
                };
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        ok: boolean;
                        /** @description The HTTP status of the token endpoint's answer, when there was one */
                        status?: number;
                        durationMs: number;
                        /** @description A description of the token, never the token */
                        token?: {
                            type: string;
                            expiresInSeconds: number;
                            preview: string;
                        };
                        diagnostics: {
                            /** @enum {string} */
                            level: "info" | "warning" | "error";
                            code: string;
                            message: string;
                            hint?: string;
                            /**
                             * @description The secret's setting that fixes it
                             * @enum {string}
                             */
                            setting?: "encoding" | "scopeFormat" | "extraParams" | "responseFields" | "defaultLifetimeSeconds";
                            /** @description The field of the secret's kind that fixes it */
                            field?: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            404: components["responses"]["Error"];
            409: components["responses"]["Error"];
            422: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    getPlugins: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        name: string;
                        version: string;
                        specifier: string;
                        path: string;
                        secretKinds: string[];
                    }[];
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    getStorage: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        storage: "sqlite" | "postgres";
                        /** @description When the figures were measured: they are measured again once older than maxAgeSeconds */
                        measuredAt: string;
                        maxAgeSeconds: number;
                        /** @description The database's size: SQLite the file with its WAL; PostgreSQL the sum of pg_total_relation_size of Tessera's tables */
                        bytes: number;
                        /** @description SQLite: free pages in the file, reused before it grows; null on PostgreSQL */
                        freeBytes: number | null;
                        /** @description Every package's tables, in the order contributed */
                        tables: {
                            table: string;
                            /** @description The package (or plugin) that contributed the table */
                            owner: string;
                            rows: number;
                            /** @description False when rows is PostgreSQL's planner estimate (tables above 100,000 rows) */
                            exact: boolean;
                            /** @description The table with its indexes; null where not measured (SQLite, where it would read every page) */
                            bytes: number | null;
                            /** @description The oldest row kept (null when none), for tables that keep a history such as webhook_deliveries */
                            oldest?: {
                                /** @description An ISO 8601 time */
                                at: string;
                                ageSeconds: number;
                            } | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
}

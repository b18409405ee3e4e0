/** The event type of "Send test event" (`POST /api/webhooks/:id/test`, `tessera webhooks send-test`). */
export const TEST_EVENT_TYPE = 'tessera.test';

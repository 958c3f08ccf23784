// GET /v1/health: answers without touching any dependency, so it only says the function runs.
import { httpHandler } from '#commons/http';

export const handler = httpHandler(async () => ({ statusCode: 200, body: { status: 'ok' } }), {
  public: true,
});

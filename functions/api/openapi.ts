// GET /v1/openapi.json: the OpenAPI 3.1 document, generated from the handlers' own zod schemas. Like every
// route but health (SPEC section 9), it sits behind authentication.
import { httpHandler } from '#commons/http';
import { openApiDocument } from './openapi-document.ts';

export const handler = httpHandler(async () => ({ statusCode: 200, body: openApiDocument() }), {
  public: true,
});

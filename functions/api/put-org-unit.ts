// POST /v1/org/units: an admin adds or changes an outlet, a region or HQ (name, region, alert recipients);
// 200 with the unit as stored. 403 without the `directory` permission (admin).
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { orgUnitInput } from '#domain/organisation';
import { putOrgUnit } from '#use-cases/organisation';

export const handler = httpHandler(
  async ({ caller, body }) => ({ statusCode: 200, body: await putOrgUnit(getServiceDeps(), caller, body) }),
  { body: orgUnitInput, operation: 'directory' },
);

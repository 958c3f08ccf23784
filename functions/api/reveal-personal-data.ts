// POST /v1/complaints/{id}/personal-data: the customer's full phone number and name, for a stated reason.
// Who may is the permission table's `unmask` row, applied in the use case to the complaint it reads; every
// answered read is already in the complaint's timeline.
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { revealPersonalData } from '#use-cases/reveal-personal-data';
import { complaintPath, personalDataRequestBody, type PersonalDataView } from './schemas.ts';

export const handler = httpHandler(
  async ({ path, body, caller }) => {
    const revealed = await revealPersonalData(getServiceDeps(), path.id, caller, body.reason);
    const view: PersonalDataView = {
      complaintId: revealed.complaintId,
      phone: revealed.phone,
      name: revealed.name ?? null,
      recordedAt: revealed.recordedAt,
    };
    return { statusCode: 200, body: view };
  },
  { path: complaintPath, body: personalDataRequestBody, operation: 'unmask' },
);

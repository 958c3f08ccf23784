// GET /v1/complaints/{id}/audit: verifies the complaint's audit trail (every event's hash chain against
// the head the complaint keeps) and names the first broken link.
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { verifyAuditTrail } from '#use-cases/audit';
import { complaintPath, type AuditVerdictView } from './schemas.ts';

export const handler = httpHandler(
  async ({ path, caller }) => {
    const verdict = await verifyAuditTrail(getServiceDeps(), path.id, caller);
    const body: AuditVerdictView = {
      complaintId: verdict.complaintId,
      intact: verdict.intact,
      events: verdict.events,
      head: verdict.intact ? (verdict.head ?? null) : null,
      brokenAt: verdict.intact ? null : verdict.brokenAt,
    };
    return { statusCode: 200, body };
  },
  { path: complaintPath, operation: 'read' },
);

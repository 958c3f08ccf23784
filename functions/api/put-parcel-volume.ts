// PUT /v1/parcel-volumes/{outlet}/{month}: an admin records the parcels an outlet handled in a month, the
// denominator of complaints per million parcels (SPEC section 8). Idempotent: the last value stands.
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { putParcelVolume } from '#use-cases/reports';
import { parcelVolumeBody, parcelVolumePath } from './report-schemas.ts';

export const handler = httpHandler(
  async ({ caller, path, body }) => ({
    statusCode: 200,
    body: await putParcelVolume(getServiceDeps(), caller, {
      outletId: path.outlet,
      month: path.month,
      parcels: body.parcels,
    }),
  }),
  { path: parcelVolumePath, body: parcelVolumeBody, operation: 'directory' },
);

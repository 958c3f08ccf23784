// POST /v1/complaints/{id}/feedback: a 1-5 rating an intake system collected from the customer (over the
// phone, in its app); customers rate through their own link (post-public-feedback.ts). The timeline records
// the rating as the customer's, carried by that system. Only in awaiting-feedback, else 409.
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { recordCollectedFeedback } from '#use-cases/act-on-complaint';
import { presentComplaint } from './presenters.ts';
import { complaintPath, feedbackBody } from './schemas.ts';

export const handler = httpHandler(
  async ({ path, body, caller }) => {
    const { expectedVersion, ...feedback } = body;
    const complaint = await recordCollectedFeedback(
      getServiceDeps(),
      path.id,
      feedback,
      caller,
      expectedVersion,
    );
    return { statusCode: 200, body: presentComplaint(complaint) };
  },
  { path: complaintPath, body: feedbackBody, operation: 'feedback' },
);

// POST /v1/complaints/{id}/feedback: the customer's 1-5 rating; only in awaiting-feedback, else 409.
import { getServiceDeps } from '#commons/deps';
import { httpHandler } from '#commons/http';
import { submitFeedback } from '#use-cases/act-on-complaint';
import { presentComplaint } from './presenters.ts';
import { complaintPath, feedbackBody } from './schemas.ts';

// For upstream systems that collect the customer's score themselves; customers rate through their link
// (post-public-feedback.ts). Either way the rating is the customer's.
const FEEDBACK_ACTOR = 'customer';

export const handler = httpHandler(
  async ({ path, body }) => {
    const { expectedVersion, ...feedback } = body;
    const complaint = await submitFeedback(
      getServiceDeps(),
      path.id,
      feedback,
      FEEDBACK_ACTOR,
      expectedVersion,
    );
    return { statusCode: 200, body: presentComplaint(complaint) };
  },
  { path: complaintPath, body: feedbackBody },
);

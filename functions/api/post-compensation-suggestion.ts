// POST /v1/complaints/{id}/compensation/suggestion: the remedy and amount the deployment's rules suggest,
// with the rule and its legal basis, for staff to read before they offer (SPEC section 11). Writes nothing.
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { suggestCompensationFor } from '#use-cases/suggest-compensation';
import { complaintPath, suggestionBody } from './schemas.ts';

export const handler = httpHandler(
  async ({ path, body, caller }) => {
    const answer = await suggestCompensationFor(getServiceDeps(), path.id, body, caller);
    const { suggestion } = answer;
    return {
      statusCode: 200,
      body: {
        remedy: 'money' as const,
        kind: answer.kind,
        amount: suggestion?.amount ?? null,
        rule: suggestion?.rule ?? null,
        basis: suggestion?.basis ?? null,
        legalBasis: suggestion?.legalBasis ?? null,
        otherRemedies: answer.otherRemedies,
      },
    };
  },
  { path: complaintPath, body: suggestionBody, operation: 'work' },
);

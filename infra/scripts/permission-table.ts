// `npm run permissions`: the permission table (functions/domain/permissions.ts) as the Markdown table
// docs/ARCHITECTURE.md carries; tests/domain/permissions.test.ts fails when the two differ.
import { permissionTableMarkdown } from '#domain/permissions';

console.log(permissionTableMarkdown());

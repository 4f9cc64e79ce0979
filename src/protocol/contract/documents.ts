import { buildAsyncApi } from './asyncapi.js';
import { buildOpenApi } from './openapi.js';

/** The generated contract: file name under `docs/` → its text (2-space JSON, one trailing newline). */
export const contractDocuments = (version: string): Record<string, string> => ({
  'asyncapi.json': `${JSON.stringify(buildAsyncApi(version), null, 2)}\n`,
  'openapi.json': `${JSON.stringify(buildOpenApi(version), null, 2)}\n`,
});

/** The token's `sub`, read without verifying (the server verifies): whose role the views describe. */
export const subjectOf = (token: string): string => {
  try {
    const part = token.split('.')[1] ?? '';
    const json = typeof atob === 'function' ? atob(part.replace(/-/g, '+').replace(/_/g, '/')) : '';
    const claims: unknown = JSON.parse(json);
    const sub = typeof claims === 'object' && claims !== null && 'sub' in claims ? claims.sub : undefined;
    return typeof sub === 'string' ? sub : '';
  } catch {
    return '';
  }
};

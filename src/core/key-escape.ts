/**
 * The characters composite keys use as separators or markers (`/` leg, `:` timer id, `|` stored timer id,
 * `@` reserved keys) and `%` itself. Valid ids (PROTOCOL §2) contain none of them, so escaping leaves every
 * valid id as it is and stored keys keep their format; anything else still round-trips instead of colliding.
 */
const RESERVED = /[%/:|@]/g;
const ESCAPE = /%([0-9A-F]{2})/g;

const hex = (ch: string): string => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

/** A key part with no separator left in it. */
export const escapeKeyPart = (part: string): string => part.replace(RESERVED, hex);

/** The part `escapeKeyPart` was given. */
export const unescapeKeyPart = (escaped: string): string =>
  escaped.replace(ESCAPE, (_, code: string) => String.fromCharCode(parseInt(code, 16)));

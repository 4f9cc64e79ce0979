/** Ids of rooms and users: 1–64 characters of [A-Za-z0-9_-] (PROTOCOL §2). */
export type RoomId = string;
export type UserId = string;
/** An AliLive StreamName under the configured AppName. */
export type StreamName = string;

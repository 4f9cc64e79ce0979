import type { RoomId, StreamName } from '../../core/types.js';

/**
 * Where the Redis store's keys live on a Redis Cluster. A script may only touch keys of one hash slot, and a
 * room's commit writes its record, its own streams' index entries, its timers and the live-room set at once,
 * so every room belongs to one of `BUCKETS` buckets, and everything a commit writes carries the bucket's hash
 * tag. The timer schedule and the live-room set are per bucket too: every node polls each bucket's schedule.
 * On a single server the tags change nothing; the layout is the same for both.
 */

const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i += 1) {
    let c = i << 8;
    for (let j = 0; j < 8; j += 1) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

/** CRC16/XMODEM over the UTF-8 bytes: the hash Redis Cluster maps a key (or its hash tag) to a slot with. */
export const crc16 = (s: string): number => {
  let c = 0;
  for (const b of Buffer.from(s, 'utf8')) c = ((c << 8) & 0xffff) ^ TABLE[((c >> 8) ^ b) & 0xff]!;
  return c;
};

export const SLOTS = 16_384;

/** The slot of a key whose hash tag is `tag` (what `CLUSTER KEYSLOT` answers). */
export const slotOf = (tag: string): number => crc16(tag) % SLOTS;

/**
 * Part of the key layout, like the key names: changing it would strand every stored room. 64 buckets spread
 * over up to 64 masters, evenly over 2, 4, 8 or 16 and within one bucket of even otherwise; every node polls
 * 64 small schedules per timer tick (one parallel round trip).
 */
export const BUCKETS = 64;

/**
 * Bucket i's hash tag: `b<i>`, or `b<i>.<n>` with the smallest n that puts it in the i-th 64th of the slot
 * range. Masters own contiguous slot ranges (`redis-cli --cluster create` and `rebalance` split them evenly),
 * so evenly spaced buckets load evenly spaced masters alike.
 */
export const BUCKET_TAGS: readonly string[] = Array.from({ length: BUCKETS }, (_, i) => {
  const width = SLOTS / BUCKETS;
  for (let n = 0; ; n += 1) {
    const tag = n === 0 ? `b${i}` : `b${i}.${n}`;
    if (Math.floor(slotOf(tag) / width) === i) return tag;
  }
});

export const bucketOfRoom = (roomId: RoomId): number => crc16(roomId) % BUCKETS;

const COHOST = /^c[0-9]+-/;

/**
 * The room whose name a stream carries (`a-<room>`, `c<seq>-<room>`, core/names.ts), else null. A room's own
 * streams are indexed in its own bucket, so the usual commit and callback stay within one slot.
 */
export const streamOwner = (name: StreamName): RoomId | null => {
  if (name.startsWith('a-') && name.length > 2) return name.slice(2);
  const co = COHOST.exec(name);
  return co && name.length > co[0].length ? name.slice(co[0].length) : null;
};

/** The bucket of a stream's index entry: its owner's, or (a name no room derives) a hash of the name itself. */
export const bucketOfStream = (name: StreamName): number => bucketOfRoom(streamOwner(name) ?? name);

import { describe, expect, it } from 'vitest';
import {
  BUCKET_TAGS,
  BUCKETS,
  bucketOfRoom,
  bucketOfStream,
  crc16,
  SLOTS,
  slotOf,
  streamOwner,
} from '../../../../src/adapters/store/redis-buckets.js';
import { createRedisKeys } from '../../../../src/adapters/store/redis-keys.js';
import { anchorStream, cohostStream } from '../../../../src/core/names.js';

describe('redis buckets', () => {
  it('hashes as Redis Cluster does (CRC16/XMODEM, the check value of the Redis cluster spec)', () => {
    expect(crc16('123456789')).toBe(0x31c3);
    expect(slotOf('123456789')).toBe(12739);
  });

  it('spreads the bucket tags evenly over the slot range: bucket i in the i-th 64th', () => {
    expect(BUCKET_TAGS).toHaveLength(BUCKETS);
    expect(new Set(BUCKET_TAGS).size).toBe(BUCKETS);
    BUCKET_TAGS.forEach((tag, i) => expect(Math.floor(slotOf(tag) / (SLOTS / BUCKETS))).toBe(i));
    // what redis-cli --cluster create gives three masters
    const ranges = [5460, 10922, 16383];
    const perMaster = [0, 0, 0];
    for (const tag of BUCKET_TAGS) perMaster[ranges.findIndex((end) => slotOf(tag) <= end)]! += 1;
    expect(Math.max(...perMaster) - Math.min(...perMaster)).toBeLessThanOrEqual(1);
  });

  it('files a room’s own streams with the room, whatever its id holds', () => {
    for (const id of ['r1', 'a-b', 'c3-x', 'a-', 'x_mix480', '_-_', 'A'.repeat(64)]) {
      expect(streamOwner(anchorStream(id))).toBe(id);
      expect(streamOwner(cohostStream(id, 12))).toBe(id);
      expect(bucketOfStream(cohostStream(id, 1))).toBe(bucketOfRoom(id));
    }
    expect(streamOwner('a-')).toBeNull();
    expect(streamOwner('c1-')).toBeNull();
    expect(streamOwner('live-stream')).toBeNull();
    expect(bucketOfStream('live-stream')).toBe(bucketOfRoom('live-stream'));
  });

  it('keys: every key of a room and of its own streams under the room bucket’s tag; no brace in a prefix', () => {
    const keys = createRedisKeys('p:');
    const tag = `{${BUCKET_TAGS[bucketOfRoom('r1')]}}`;
    expect(keys.room('r1')).toBe(`p:${tag}:room:r1`);
    expect(keys.stream(anchorStream('r1'))).toBe(`p:${tag}:stream:a-r1`);
    expect(keys.timersDue(bucketOfRoom('r1'))).toBe(`p:${tag}:timers:due`);
    // A stream name with braces of its own cannot move the key: the first tag decides.
    expect(keys.stream('a-r1{x}')).toMatch(/^p:\{b[0-9.]+\}:stream:a-r1\{x\}$/);
    expect(() => createRedisKeys('p{1}:')).toThrow(RangeError);
    expect(() => keys.liveRooms(BUCKETS)).toThrow(RangeError);
  });
});

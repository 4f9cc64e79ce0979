import type { SignedUrls } from '../../app/ports.js';
import type { Push } from '../../core/signals.js';
import type { CoreRoomView, RoomView } from '../../protocol/events.js';

/** The view as sockets get it: with the signed play URLs of the stream it says viewers play, signed now. */
export const wireView = <V extends CoreRoomView>(
  view: V,
  urls: Pick<SignedUrls, 'play'>,
): V & { play: RoomView['play'] } => ({
  ...view,
  play: urls.play(view.playing),
});

/** A push's payload as sent: its view (the payload itself for `room:state`) with play URLs. */
export const wirePayload = (push: Push, urls: Pick<SignedUrls, 'play'>): unknown =>
  push.event === 'room:state'
    ? wireView(push.payload, urls)
    : { ...push.payload, room: wireView(push.payload.room, urls) };

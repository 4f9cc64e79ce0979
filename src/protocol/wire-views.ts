import type {
  AudienceView as CoreAudienceView,
  RequesterView as CoreRequesterView,
  RoomView as CoreRoomView,
  StageView as CoreStageView,
} from '../core/views.js';

/** A view as sockets get it: the room's view, with the signed play URLs of the stream it says viewers play. */
type WithPlay<V> = V & { play: PlayUrls };
export type StageView = WithPlay<CoreStageView>;
export type AudienceView = WithPlay<CoreAudienceView>;
export type RequesterView = WithPlay<CoreRequesterView>;
export type RoomView = StageView | AudienceView | RequesterView;
export type { CoreRoomView };

export interface PlayUrls {
  rtmp: string;
  flv: string;
  hls: string;
}

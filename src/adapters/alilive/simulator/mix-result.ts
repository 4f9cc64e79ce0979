/** A StartMix request as AliLive sees it: the six names plus type and template. */
export interface MixRequest {
  mainDomain: string;
  mainApp: string;
  main: string;
  mixDomain: string;
  mixApp: string;
  mix: string;
  type: string;
  template: string;
}

/** A registered mix. */
export interface Pair extends MixRequest {
  /** MainStreamNotExist was sent: no more results until StartMix re-arms the pair. */
  broken: boolean;
  lastCode: string | null;
}

/**
 * Why StartMix fails when the main stream is not pushing or has no MixAvailable yet. AliLive documents no
 * code for this; `InvalidStream.NotFound` follows the `Invalid<Thing>.NotFound` pattern of the live APIs.
 */
export const MAIN_STREAM_NOT_READY = 'InvalidStream.NotFound';

const MESSAGES: Record<string, string> = {
  Success: 'success',
  MainStreamNotExist: 'main stream not exist',
  MixStreamNotExist: 'mix stream not exist',
  InternalError: 'internal error',
};

/** The MixResult callback's query (seed §2.3). */
export const resultParams = (p: MixRequest, code: string): Record<string, string> => ({
  MainMixDomain: p.mainDomain,
  MainMixApp: p.mainApp,
  MainMixStream: p.main,
  MixDomain: p.mixDomain,
  MixApp: p.mixApp,
  MixStream: p.mix,
  MixType: p.type,
  MixTemplate: p.template,
  Event: 'MixResult',
  Code: code,
  Message: MESSAGES[code] ?? code,
});

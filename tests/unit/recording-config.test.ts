// SIP_RECORDING from the environment to the media setup: the notice in the greeting and rtpengine's folder go
// together, off by default; rtpengine's file names for a call-id.
import { describe, expect, it } from 'vitest';
import { mediaSetup } from '../../channels/sip/media/config.ts';
import { rtpengineFileId } from '../../channels/sip/media/recording.ts';
import { loadConfig } from '../../src/config.ts';

const env = (over: Record<string, string> = {}) => loadConfig({ SIP_RTPENGINE: '127.0.0.1:2223', ...over }, false);

describe('recording settings', () => {
  it('off by default: no notice, nothing recorded; 90 days', () => {
    const c = env();
    expect(c.SIP_RECORDING_RETENTION_DAYS).toBe(90);
    const m = mediaSetup(c)!;
    expect(m.recording).toBeUndefined();
    expect(m.queue.recordingNotice).toBe(false);
  });

  it('SIP_RECORDING=1: the notice and rtpengine recording into SIP_RECORDING_DIR', () => {
    const m = mediaSetup(env({ SIP_RECORDING: '1', SIP_RECORDING_DIR: '/srv/rtpengine-rec', SIP_RECORDING_RETENTION_DAYS: '30' }))!;
    expect(m.recording).toEqual({ dir: '/srv/rtpengine-rec' });
    expect(m.queue.recordingNotice).toBe(true);
    expect(() => env({ SIP_RECORDING_RETENTION_DAYS: '0' })).toThrow(/SIP_RECORDING_RETENTION_DAYS/);
    // Without rtpengine there is nothing to record with.
    expect(mediaSetup(loadConfig({ SIP_RECORDING: '1' }, false))).toBeNull();
  });

  it("names files as rtpengine does (percent-escaped call-id: seen with 10.5, 'exp/1@pbx.x' → exp%2F1%40pbx.x)", () => {
    expect(rtpengineFileId('exp/1@pbx.x')).toBe('exp%2F1%40pbx.x');
    expect(rtpengineFileId("a-b_c.d~e!'()*")).toBe('a-b_c.d~e%21%27%28%29%2A');
  });
});

// Channel state: what a channel keeps between runs (watermarks, sessions), by channel and key.
import type { StoreBase } from './core.ts';

export function ChannelStateQueries<B extends StoreBase>(Base: B) {
  abstract class ChannelState extends Base {
    getChannelState(channel: string, key: string): string | undefined {
      return (this.q(`SELECT value FROM channel_state WHERE channel = ? AND key = ?`).get(channel, key) as { value: string } | undefined)
        ?.value;
    }
    setChannelState(channel: string, key: string, value: string, now: number) {
      this.q(
        `INSERT INTO channel_state (channel, key, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(channel, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      ).run(channel, key, value, now);
    }
  }
  return ChannelState;
}

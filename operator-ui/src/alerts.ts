// New tickets and inbound messages: a short beep (WebAudio, no sound file) and a browser notification.
let audio: AudioContext | null = null;

/** Browsers allow sound only after a user gesture: call this from one (e.g. the sign-in click). */
export function unlockAudio() {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') void audio.resume();
  } catch {
    audio = null;
  }
}

export function beep() {
  if (!audio || audio.state !== 'running') return;
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.type = 'sine';
  osc.frequency.value = 880;
  const t = audio.currentTime;
  gain.gain.setValueAtTime(0.0001, t);
  gain.gain.exponentialRampToValueAtTime(0.2, t + 0.01);
  gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.25);
  osc.connect(gain).connect(audio.destination);
  osc.start(t);
  osc.stop(t + 0.3);
}

export const notificationsSupported = () => typeof Notification !== 'undefined';

/** Shows a notification when allowed and the operator is looking elsewhere (the list already shows it otherwise);
 * a click brings the ticket up. */
export function notify(title: string, body: string, onClick: () => void) {
  if (!notificationsSupported() || Notification.permission !== 'granted' || document.hasFocus()) return;
  const n = new Notification(title, { body, tag: title });
  n.onclick = () => {
    window.focus();
    onClick();
    n.close();
  };
}

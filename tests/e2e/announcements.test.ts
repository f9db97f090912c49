// What callers hear, in real Chromium against a real VIC: an admin replaces the Kazakh greeting with a WAV made here,
// sees it listed as their upload with its length and plays it in the page; a stereo file is refused with the reason
// in Russian and leaves the upload in place; in Kazakh a 44.1 kHz file is refused in Kazakh and the standard
// recording comes back, and a 70 s hold music (longer than an announcement may be) replaces the music's row.
import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { uploadedAnnouncement } from '../../src/announcement-uploads.ts';
import { wavFile } from '../support/wav.ts';
import { e2eSuite, shot, signIn } from './harness.ts';

let vic: Vic;
const browsers = e2eSuite({
  ready: (s) => {
    vic = s.vic;
  },
});

/** A 440 Hz tone as a WAV file: 8 kHz mono 16-bit PCM unless told otherwise. */
const toneWav = (ms: number, rate = 8000, channels = 1) => wavFile({ ms, rate, channels });
const file = (name: string, buffer: Buffer) => ({ name, mimeType: 'audio/wav', buffer });

describe('announcements', () => {
  it('lets an admin upload a replacement, play it, see a bad file refused, and restore the default in Kazakh', async () => {
    const page = await browsers.newPage();
    await signIn(page, 'admin', 'admin-secret-1');
    await page.getByRole('link', { name: 'Голосовые объявления' }).click();
    await page.getByRole('heading', { name: 'Голосовые объявления' }).waitFor();
    const cell = page.locator('tr[data-message="greeting"] td[data-lang="kk"]');
    await expect.poll(() => cell.getAttribute('data-source')).toBe('default');
    await cell.getByText('Стандартная запись').waitFor();

    // A 2.4 s recording replaces the Kazakh greeting: listed as the admin's, with its length.
    await page.getByLabel('Заменить файлом WAV: Приветствие (на казахском)').setInputFiles(file('сәлем.wav', toneWav(2400)));
    await cell.getByRole('status').filter({ hasText: 'Запись заменена' }).waitFor();
    await cell.getByText(/2,4 с · Загружена: Administrator, /).waitFor();
    expect(await cell.getAttribute('data-source')).toBe('upload');
    expect(uploadedAnnouncement(vic.config.DATA_DIR, 'kk', 'greeting')).not.toBeNull();
    // The Russian greeting is untouched.
    expect(await page.locator('tr[data-message="greeting"] td[data-lang="ru"]').getAttribute('data-source')).toBe('default');

    // The page's player loads the uploaded file (its length, not the default's).
    const player = page.getByLabel('Прослушать: Приветствие (на казахском)');
    await expect
      .poll(() =>
        player.evaluate((a: HTMLAudioElement) => {
          if (!a.dataset.asked) {
            a.dataset.asked = '1';
            a.preload = 'metadata';
            a.load();
          }
          return Number.isFinite(a.duration) ? Math.round(a.duration * 10) / 10 : null;
        }),
      )
      .toBe(2.4);

    // A stereo file: refused with the reason in Russian, the upload stays.
    await page.getByLabel('Заменить файлом WAV: Приветствие (на казахском)').setInputFiles(file('stereo.wav', toneWav(1000, 8000, 2)));
    await cell.getByRole('alert').filter({ hasText: 'Файл «stereo.wav» не принят: Нужна запись в моно, а не в стерео' }).waitFor();
    expect(await cell.getAttribute('data-source')).toBe('upload');
    await shot(page, '95-admin-announcements');

    // In Kazakh: a 44.1 kHz file is refused in Kazakh; then the standard recording comes back.
    await page.getByRole('button', { name: 'Қазақша' }).click();
    await page.getByRole('heading', { name: 'Дауыстық хабарландырулар' }).waitFor();
    await page.getByLabel('WAV файлымен ауыстыру: Сәлемдесу (қазақ тілінде)').setInputFiles(file('cd.wav', toneWav(1000, 44_100)));
    await cell.getByRole('alert').filter({ hasText: '«cd.wav» файлы қабылданбады: Дискреттеу жиілігі 8000 Гц болуы керек' }).waitFor();
    await page.getByRole('button', { name: 'Стандартты жазбаны қайтару: Сәлемдесу (қазақ тілінде)' }).click();
    await cell.getByRole('status').filter({ hasText: 'Стандартты жазба қайтарылды' }).waitFor();
    await cell.getByText(/^\d+,\d с · Стандартты жазба$/).waitFor();
    expect(await cell.getAttribute('data-source')).toBe('default');
    expect(uploadedAnnouncement(vic.config.DATA_DIR, 'kk', 'greeting')).toBeNull();
    await shot(page, '96-admin-announcements-kk');

    // The hold music: one row without a language, its own (longer) limit.
    const music = page.locator('tr[data-message="music"] td');
    await page.locator('tr[data-message="music"] th').getByText('Күту әуені').waitFor();
    await page.getByLabel('Күту әуенін WAV файлымен ауыстыру').setInputFiles(file('әуен.wav', toneWav(70_000)));
    await music.getByRole('status').filter({ hasText: 'Жазба ауыстырылды' }).waitFor();
    await music.getByText(/^70,0 с · Жүктеген: Administrator, /).waitFor();
    expect(await music.getAttribute('data-source')).toBe('upload');
    expect(uploadedAnnouncement(vic.config.DATA_DIR, null, 'music')).not.toBeNull();
    expect(vic.store.db.prepare(`SELECT action FROM audit_log WHERE action LIKE 'announcement.%' ORDER BY id`).all()).toEqual([
      { action: 'announcement.uploaded' },
      { action: 'announcement.reset' },
      { action: 'announcement.uploaded' },
    ]);
  }, 60_000);
});

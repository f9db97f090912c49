// Labels of the console's notify part, in Russian and Kazakh (the Kazakh ones are typed against the Russian ones).
// The two `retention.count.*` keys are named as the retention screen builds them from the run's counts.
const ru = {
  /** A ticket the routing gave the user, unread: the bell's line and the desktop notification. */
  'notify.routed': 'Новое сообщение: {ref} — назначено вам',
  'retention.count.notifications': 'Уведомлений удаляется (старше NOTIFICATION_RETENTION_DAYS; прочитанных — старше 30 дн.)',
  'retention.count.drafts': 'Неотправленных черновиков удаляется',
};

const kk: Record<keyof typeof ru, string> = {
  'notify.routed': 'Жаңа хабарлама: {ref} — сізге тағайындалды',
  'retention.count.notifications': 'Жойылатын хабарландырулар (NOTIFICATION_RETENTION_DAYS мерзімінен ескі; оқылғандары — 30 күннен ескі)',
  'retention.count.drafts': 'Жойылатын жіберілмеген жобалар',
};

export default { ru, kk };

// Labels of the console's csat part, in Russian and Kazakh (the Kazakh ones are typed against the Russian ones).
const ru = {
  'csat.rating': 'Оценка гражданина: {score} из 5',
  'csat.pending': 'Опрос об оценке отправлен, ответа нет',
  'csat.comment': 'Комментарий: {text}',
  'csat.counts': 'Оценка засчитана: {names}',
  'csat.via.whatsapp': 'через WhatsApp',
  'csat.via.email': 'ответом на письмо',
  'csat.via.page': 'на странице опроса',
};

const kk: Record<keyof typeof ru, string> = {
  'csat.rating': 'Азаматтың бағасы: 5-тен {score}',
  'csat.pending': 'Бағалау сауалы жіберілді, жауап жоқ',
  'csat.comment': 'Пікір: {text}',
  'csat.counts': 'Баға есептелді: {names}',
  'csat.via.whatsapp': 'WhatsApp арқылы',
  'csat.via.email': 'хатқа жауаппен',
  'csat.via.page': 'сауалнама бетінде',
};

export default { ru, kk };

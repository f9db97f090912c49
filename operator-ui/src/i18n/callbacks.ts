// Labels of the callbacks part (server error texts), in Russian and Kazakh (the Kazakh ones are typed against the Russian ones).
const ru = {
  'error.VIC_CALLBACK_DONE': 'Этот обратный звонок уже выполнен',
  'error.VIC_PHONE_TEXT_REPLY': 'Текстовый ответ до звонившего не дойдёт: перезвоните ему или напишите в WhatsApp на тот же номер',
  'error.VIC_NO_WHATSAPP': 'Канал WhatsApp не подключён',
};

const kk: Record<keyof typeof ru, string> = {
  'error.VIC_CALLBACK_DONE': 'Бұл кері қоңырау орындалып қойған',
  'error.VIC_PHONE_TEXT_REPLY':
    'Мәтіндік жауап қоңырау шалған адамға жетпейді: оған кері қоңырау шалыңыз немесе сол нөмірге WhatsApp арқылы жазыңыз',
  'error.VIC_NO_WHATSAPP': 'WhatsApp арнасы қосылмаған',
};

export default { ru, kk };

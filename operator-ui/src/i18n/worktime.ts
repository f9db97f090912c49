// Labels of the console's worktime part, in Russian and Kazakh (the Kazakh ones are typed against the Russian ones).
const ru = {
  'worktime.paused': 'часы стоят: нерабочее время',
  'worktime.resumes': 'отсчёт продолжится {at}',
  'worktime.wall': 'рабочий календарь не загрузился: отсчёт по обычным часам',
};

const kk: Record<keyof typeof ru, string> = {
  'worktime.paused': 'сағат тоқтап тұр: жұмыстан тыс уақыт',
  'worktime.resumes': 'санау {at} қайта басталады',
  'worktime.wall': 'жұмыс кестесі жүктелмеді: уақыт кәдімгі сағатпен саналады',
};

export default { ru, kk };

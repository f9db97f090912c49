// VIC_DEMO=1: example staff and a few dozen realistic tickets, so a newcomer can look around
// without connecting a channel. Loaded once; the messages go through the real ingest pipeline.
import { hashPassword, randomPassword } from './auth.ts';
import type { Vic } from './app.ts';
import { ManualClock } from './clock.ts';
import type { InboundEnvelope } from './envelope.ts';
import { ingest } from './ingest/pipeline.ts';

const STAFF = [
  { login: 'aigerim', name: 'Айгерім Сейітова', role: 'operator', court: 'sko-regional', sipExtension: '201' },
  { login: 'dmitry', name: 'Дмитрий Ковалёв', role: 'operator', court: 'sko-regional', sipExtension: '202' },
  { login: 'zhanar', name: 'Жанар Омарова', role: 'operator', court: 'petropavl-city-2', sipExtension: '203' },
  { login: 'olga', name: 'Ольга Петренко', role: 'operator', court: 'sko-economic', sipExtension: '204' },
  { login: 'nurlan', name: 'Нұрлан Тоқтаров', role: 'operator', court: 'sko-administrative', sipExtension: '205' },
  { login: 'secretary1', name: 'Асель Жумабаева', role: 'specialist', court: 'sko-regional', title: 'Секретарь судебного заседания' },
  { login: 'clerk1', name: 'Марина Иванова', role: 'specialist', court: 'petropavl-city-2', title: 'Специалист канцелярии' },
  // The court's management: sees the reports of the regional court (its home page), handles no tickets.
  { login: 'chief', name: 'Серік Әбенов', role: 'supervisor', court: 'sko-regional', title: 'Руководитель аппарата суда' },
] as const;

// Demo citizens must never be reachable, whatever happens to the data later (a restart with a channel configured
// on the same DATA_DIR): every address is reserved. E-mail: the domains example.com/.net/.org and the .test TLD
// (RFC 2606, RFC 6761) never deliver to anyone. Phones and WhatsApp: Kazakhstan publishes no numbers reserved for
// fiction, so Ofcom's drama ranges are used, which are never assigned to a subscriber: mobile +44 7700 900000–900999
// and London +44 20 7946 0000–0999. And the tickets are marked demo: the outbox never sends on them (src/outbox.ts).
type Sample = { who: [kind: 'whatsapp' | 'email' | 'phone', address: string, name: string]; court: string; text: string; subject?: string };

const SAMPLES: Sample[] = [
  {
    who: ['whatsapp', '447700900101@c.us', 'Ержан'],
    court: 'sko-regional',
    text: 'Сәлеметсіз бе! Апелляциялық шағымды қай мерзімде беруге болады?',
  },
  {
    who: ['whatsapp', '447700900102@c.us', 'Наталья'],
    court: 'petropavl-city-2',
    text: 'Здравствуйте, подскажите, когда будет готово решение по делу о разделе имущества? Заседание было 12 ноября.',
  },
  {
    who: ['email', 'too.agro@example.com', 'ТОО «Агро-Север»'],
    court: 'sko-economic',
    subject: 'Запрос о госпошлине',
    text: 'Добрый день! Просим сообщить реквизиты для оплаты государственной пошлины по иску о взыскании задолженности.',
  },
  {
    who: ['whatsapp', '447700900103@c.us', 'Гүлнар'],
    court: 'sko-regional',
    text: 'Шешімнің көшірмесін қалай алуға болады? Өзім бара алмаймын.',
  },
  { who: ['phone', '+442079460123', ''], court: 'sko-regional', text: 'Входящий звонок' },
  {
    who: ['whatsapp', '447700900104@c.us', 'Сергей'],
    court: 'petropavl-city-2',
    text: 'Требую отменить постановление о штрафе, в тот день я был в другом городе',
  },
  {
    who: ['email', 'a.beisenova@example.org', 'Айгүл Бейсенова'],
    court: 'sko-administrative',
    subject: 'Сот отырысы',
    text: 'Қайырлы күн! Менің ісім бойынша сот отырысы қашан болатынын хабарлаңызшы. Іс нөмірі 5999-25-00-2/417.',
  },
  {
    who: ['whatsapp', '447700900105@c.us', 'Мария'],
    court: 'sko-regional',
    text: 'Добрый вечер, как подать иск через Судебный кабинет? Нет ЭЦП.',
  },
  {
    who: ['whatsapp', '447700900106@c.us', 'Бауыржан'],
    court: 'sko-regional',
    text: 'Сот мені жазықсыз соттады, үкімді жойыңдар! Қайта қарауды сұраймын',
  },
  {
    who: ['email', 'yurist@law-firm.test', 'Адвокат Смагулов'],
    court: 'sko-economic',
    subject: 'Ознакомление с материалами дела',
    text: 'Прошу сообщить, в какие дни можно ознакомиться с материалами дела 7599-24-00-2А/8554.',
  },
  {
    who: ['whatsapp', '447700900107@c.us', 'Алия'],
    court: 'petropavl-city-2',
    text: 'Здравствуйте. Секретарь не берёт трубку уже третий день, как связаться с судьёй?',
  },
  {
    who: ['whatsapp', '447700900108@c.us', 'Ерлан'],
    court: 'sko-administrative',
    text: 'Әкімшілік іс бойынша талап арызды қайда беремін? Мемлекеттік баж қанша?',
  },
  {
    who: ['email', 'ivanov.p@example.net', 'Павел Иванов'],
    court: 'petropavl-city-2',
    subject: 'Алименты',
    text: 'Здравствуйте! Какие документы нужны для подачи заявления о взыскании алиментов?',
  },
  {
    who: ['whatsapp', '447700900109@c.us', 'Динара'],
    court: 'sko-regional',
    text: 'Судья неправильно посчитал долг, пусть пересмотрят решение',
  },
  {
    who: ['whatsapp', '447700900110@c.us', 'Роман'],
    court: 'sko-economic',
    text: 'Добрый день, можно ли получить исполнительный лист по почте?',
  },
  { who: ['phone', '+442079460456', ''], court: 'petropavl-city-2', text: 'Входящий звонок' },
  {
    who: ['whatsapp', '447700900111@c.us', 'Мадина'],
    court: 'petropavl-city-2',
    text: 'Сәлем, ажырасу туралы арыз беру үшін қандай құжаттар керек? Спасибо заранее',
  },
  {
    who: ['email', 'kense@kazpost.test', 'Казпочта'],
    court: 'sko-regional',
    subject: 'Возврат корреспонденции',
    text: 'Уведомляем о возврате заказного письма за истечением срока хранения.',
  },
  { who: ['whatsapp', '447700900112@c.us', 'Тимур'], court: 'sko-regional', text: 'Другая сторона подала апелляцию? Как узнать?' },
  {
    who: ['whatsapp', '447700900113@c.us', 'Светлана'],
    court: 'sko-administrative',
    text: 'Не согласна с решением суда по земельному участку, прошу его отменить и пересмотреть дело',
  },
  {
    who: ['email', 'legal@bank.example.com', 'Юридический департамент'],
    court: 'sko-economic',
    subject: 'Статус дела',
    text: 'Просим сообщить статус дела по иску о взыскании задолженности по кредиту, поданному 03.11.2026.',
  },
  { who: ['whatsapp', '447700900114@c.us', 'Асқар'], court: 'sko-regional', text: 'Куәгер ретінде шақырылдым, сотқа келмесем не болады?' },
  {
    who: ['whatsapp', '447700900115@c.us', 'Людмила'],
    court: 'petropavl-city-2',
    text: 'Во сколько начинается приём граждан в канцелярии? И нужна ли запись?',
  },
  {
    who: ['whatsapp', '447700900116@c.us', 'Айдос'],
    court: 'sko-regional',
    text: 'Мировое соглашение можно заключить на стадии апелляции? Қалай рәсімдейміз?',
  },
  {
    who: ['email', 'zhanna.k@example.com', 'Жанна К.'],
    court: 'petropavl-city-2',
    subject: 'Копия приговора',
    text: 'Прошу выдать копию приговора в отношении моего сына, как это сделать?',
  },
  {
    who: ['whatsapp', '447700900117@c.us', 'Кайрат'],
    court: 'sko-administrative',
    text: 'Приставы арестовали счёт, хотя долг оплачен. Куда жаловаться?',
  },
  {
    who: ['whatsapp', '447700900118@c.us', 'Әсел'],
    court: 'sko-regional',
    text: 'Қаулымен келіспеймін, ол заңсыз, өзгертуді талап етемін',
  },
  {
    who: ['whatsapp', '447700900119@c.us', 'Игорь'],
    court: 'petropavl-city-2',
    text: 'Перенесли заседание, а мне не сообщили. Какая новая дата?',
  },
  {
    who: ['email', 'info@stroy-sk.test', 'ТОО «Строй-СК»'],
    court: 'sko-economic',
    subject: 'Re: Заседание 20.11',
    text: 'Просим отложить заседание в связи с болезнью представителя. Ходатайство прилагаем.',
  },
  {
    who: ['whatsapp', '447700900120@c.us', 'Ботагөз'],
    court: 'sko-administrative',
    text: 'Добрый день, сот отырысына онлайн қатысуға бола ма? Ссылку кто присылает?',
  },
];

export async function loadDemo(vic: Vic): Promise<{ tickets: number; logins: string[]; password: string } | null> {
  const { store } = vic;
  if (store.getChannelState('demo', 'loaded')) return null;
  const password = vic.config.DEMO_PASSWORD ?? randomPassword();
  const hash = await hashPassword(password);
  const now = vic.clock.now();
  const ids: Record<string, number> = {};
  for (const s of STAFF) {
    const courtId = store.getCourtByCode(s.court)!.id;
    const existing = store.getUserByLogin(s.login);
    ids[s.login] =
      existing?.id ??
      store.createUser(
        {
          login: s.login,
          name: s.name,
          role: s.role,
          passwordHash: hash,
          courtId,
          sipExtension: 'sipExtension' in s ? s.sipExtension : null,
          title: 'title' in s ? s.title : null,
        },
        now,
      );
  }
  // Spread over the last days, in and out of working hours, so every queue has something in it. The gaps are
  // summed first so that the newest sample lands a few minutes before now, never in the future.
  const gap = (i: number) => 5 * 3_600_000 + i * 60_000;
  const span = SAMPLES.reduce((sum, _, i) => sum + gap(i), 0);
  const clock = new ManualClock(now - span - 5 * 60_000);
  const deps = { ...vic.pipeline, clock };
  let tickets = 0;
  SAMPLES.forEach((s, i) => {
    clock.advance(gap(i));
    const [kind, address, name] = s.who;
    const env: InboundEnvelope = {
      channel: kind === 'phone' ? 'sip' : kind,
      account: 'demo',
      externalId: `demo-${i}`,
      courtHint: s.court,
      sender: { kind, address, displayName: name || undefined },
      text: s.text,
      receivedAt: clock.now(),
      ...(kind === 'email' ? { thread: { messageId: `<demo-${i}@vic.demo>`, subject: s.subject } } : {}),
      ...(kind === 'phone'
        ? { call: { callId: `demo-call-${i}`, from: address, to: '+77152000000', outcome: 'missed' as const, startedAt: clock.now() } }
        : {}),
    };
    store.tx(() => {
      const r = ingest(deps, env);
      store.markDemoTicket(r.ticketId);
      if (r.ticketCreated) tickets++;
    });
  });
  // The court's case directory, as exported by its case-management system.
  await vic.escalations.importCases(
    store.getUserByLogin('admin')!,
    [
      'case_number,court,judge,specialist_login',
      '5999-25-00-2/417,sko-regional,Ахметов Б.К.,secretary1',
      '7599-24-00-2А/8554,sko-regional,Ахметов Б.К.,secretary1',
      '5911-26-00-2/1203,petropavl-city-2,Смирнова Е.В.,clerk1',
    ].join('\n'),
  );
  for (const c of [
    {
      title: 'Копия решения',
      lang: 'ru' as const,
      text: 'Здравствуйте, {name}! Копию судебного акта можно получить в канцелярии суда или через «Судебный кабинет» (office.sud.kz). Номер вашего обращения {ref}.',
    },
    {
      title: 'Шешімнің көшірмесі',
      lang: 'kk' as const,
      text: 'Сәлеметсіз бе, {name}! Сот актісінің көшірмесін сот кеңсесінен немесе «Сот кабинеті» (office.sud.kz) арқылы алуға болады. Өтінішіңіздің нөмірі {ref}.',
    },
  ])
    store.saveCanned(c, now);
  // A few answered and resolved ones, as an operator would leave them.
  const { items } = store.listTickets({ id: 0, role: 'admin', courtId: null }, { queue: 'all', limit: 200 });
  for (const t of items.filter((t) => t.status === 'open').slice(0, 6)) {
    const op = store.listUsers().find((u) => u.role === 'operator' && u.courtId === t.courtId);
    if (!op) continue;
    vic.tickets.post(op, t.id, 'note', 'Уточнила у канцелярии, отвечаю гражданину.');
    if (t.id % 2) vic.tickets.resolve(op, t.id);
  }
  store.setChannelState('demo', 'loaded', new Date(now).toISOString(), now);
  return { tickets, logins: STAFF.map((s) => s.login), password };
}

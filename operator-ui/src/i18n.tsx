// Interface language: every label in Russian and Kazakh. Russian is the default; the choice is remembered
// in this browser. The Kazakh dictionary is typed against the Russian one, so a missing label fails the build.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

const ru = {
  'app.name': 'Виртуальный информационный центр судов СКО',
  'lang.label': 'Язык интерфейса',

  'login.title': 'Вход в консоль',
  'login.login': 'Логин',
  'login.password': 'Пароль',
  'login.submit': 'Войти',
  logout: 'Выйти',

  'role.admin': 'Администратор',
  'role.operator': 'Оператор',
  'role.specialist': 'Специалист',

  'presence.label': 'Мой статус',
  'presence.available': 'На месте',
  'presence.away': 'Отошёл',
  'notify.enable': 'Включить уведомления',
  'notify.newTicket': 'Новое обращение {ref}',
  'notify.newMessage': 'Новое сообщение: {ref}',
  sound: 'Звук',
  'conn.offline': 'Нет связи с сервером, переподключение…',
  'conn.online': 'На связи',
  'conn.connecting': 'Подключение…',

  'nav.main': 'Разделы',
  'nav.queues': 'Очереди',
  'nav.admin': 'Администрирование',
  'queue.mine': 'Мои обращения',
  'queue.court': 'Очередь суда',
  'queue.unassigned': 'Не распределены',
  'queue.off-hours': 'Ждут рабочего времени',
  'queue.escalated': 'Эскалированные',
  'queue.out-of-scope': 'Вне компетенции',
  'queue.resolved': 'Решённые',
  'queue.all': 'Все обращения',
  'admin.users': 'Пользователи',
  'admin.courts': 'Суды',
  'admin.channels': 'Каналы',

  'filter.search': 'Поиск',
  'filter.searchHint': 'Номер, телефон, e-mail, имя, № дела, текст',
  'filter.court': 'Суд',
  'filter.channel': 'Канал',
  'filter.status': 'Статус',
  'filter.any': 'Все',

  'channel.whatsapp': 'WhatsApp',
  'channel.email': 'E-mail',
  'channel.sip': 'Телефон',
  'channel.web': 'Сайт',

  'status.open': 'Открыто',
  'status.waiting': 'Ждёт рабочего времени',
  'status.out_of_scope': 'Вне компетенции',
  'status.resolved': 'Решено',

  'list.label': 'Список обращений',
  'list.empty': 'Обращений нет',
  'list.total': 'Всего: {n}',
  'list.more': 'Показать ещё',
  'list.unassigned': 'не назначено',
  'list.slaBreached': 'Срок ответа истёк',
  loading: 'Загрузка…',

  'ticket.pane': 'Обращение',
  'ticket.choose': 'Выберите обращение в списке',
  'ticket.notFound': 'Обращение не найдено',
  'ticket.forbidden': 'Это обращение вам недоступно',
  'ticket.assignee': 'Исполнитель',
  'ticket.specialist': 'У специалиста',
  'ticket.caseNumber': '№ дела',
  'ticket.court': 'Суд',
  'ticket.created': 'Создано',
  'ticket.due': 'Ответить до',
  'ticket.conversation': 'Переписка',
  'ticket.actions': 'Действия',
  'ticket.scope': 'Фильтр обжалований',
  'scope.appeal': 'обжалование судебного акта',
  'scope.in_scope': 'в компетенции центра',
  'ticket.scopeFlagged': 'Есть сообщения, похожие на обжалование',
  'ticket.movedAway': 'Обращение передано в другой суд',

  'dir.in': 'Входящее',
  'dir.out': 'Ответ',
  'dir.note': 'Заметка',
  'dir.auto': 'Автоответ',
  'author.system': 'Система',
  'author.citizen': 'Заявитель',

  'delivery.queued': 'В очереди',
  'delivery.sent': 'Отправлено',
  'delivery.delivered': 'Доставлено',
  'delivery.read': 'Прочитано',
  'delivery.failed': 'Не доставлено',
  'delivery.lastError': 'последняя ошибка: {reason}',
  'delivery.retry': 'Отправить снова',

  'msg.htmlOnly': 'Письмо только в HTML — оно не показывается из соображений безопасности',
  'msg.scopeFlag': 'Похоже на обжалование судебного акта',
  'att.dropped': 'не сохранено: {reason}',

  'composer.kind': 'Тип сообщения',
  'composer.reply': 'Ответ заявителю',
  'composer.note': 'Внутренняя заметка',
  'composer.textReply': 'Текст ответа',
  'composer.textNote': 'Текст заметки',
  'composer.send': 'Отправить',
  'composer.saveNote': 'Сохранить заметку',
  'composer.hintReply': 'Уйдёт заявителю через канал «{channel}». Ctrl+Enter — отправить',
  'composer.hintNote': 'Видна только сотрудникам. Ctrl+Enter — сохранить',

  'action.claim': 'Взять себе',
  'action.release': 'Снять с себя',
  'action.assignTo': 'Назначить оператору',
  'action.assign': 'Назначить',
  'action.move': 'Передать',
  'action.nobody': '— никому —',
  'action.resolve': 'Закрыть как решённое',
  'action.reopen': 'Открыть снова',
  'action.changeCourt': 'Передать в суд',
  'action.save': 'Сохранить',
  'action.cancel': 'Отмена',
  'action.overrule': 'Это не обжалование — взять в работу',
  'action.overruleTitle': 'Отменить решение фильтра обжалований',
  'action.reason': 'Причина',
  'action.escalate': 'Эскалировать специалисту',

  'contact.title': 'Заявитель',
  'contact.noName': 'Без имени',
  'contact.phone': 'Телефон',
  'contact.email': 'E-mail',
  'contact.whatsapp': 'WhatsApp',
  'contact.iin': 'ИИН',
  'contact.language': 'Язык',
  'contact.other': 'Другие обращения',
  'contact.none': 'нет',
  'calls.title': 'Звонки',
  'call.ringing': 'входящий звонок',
  'call.answered': 'принят',
  'call.missed': 'пропущен',
  'call.abandoned': 'сброшен',
  'call.rejected_off_hours': 'в нерабочее время',
  'call.ended': 'завершён',

  'users.new': 'Новый пользователь',
  'users.login': 'Логин',
  'users.name': 'ФИО',
  'users.role': 'Роль',
  'users.court': 'Суд',
  'users.allCourts': 'Все суды',
  'users.sip': 'Внутренний номер SIP',
  'users.languages': 'Языки',
  'users.max': 'Одновременно обращений, не больше',
  'users.position': 'Должность',
  'users.password': 'Пароль (не короче 8 символов)',
  'users.create': 'Создать',
  'users.created': 'Пользователь {login} создан',
  'users.state': 'Состояние',
  'users.active': 'Активен',
  'users.inactive': 'Деактивирован',
  'users.deactivate': 'Деактивировать',
  'users.activate': 'Активировать',

  'courts.new': 'Новый суд',
  'courts.code': 'Код',
  'courts.nameRu': 'Название на русском',
  'courts.nameKk': 'Название на казахском',
  'courts.sla': 'Срок первого ответа, мин',
  'courts.create': 'Добавить',
  'courts.edit': 'Изменить',
  'courts.active': 'Работает',
  'courts.calendar': 'Выходные и рабочие дни суда — на странице «Календарь судов»',

  'channels.none': 'Ни один канал не подключён',
  'channels.since': 'с {time}',
  'channels.qr': 'Отсканируйте код в WhatsApp на телефоне центра: Связанные устройства → Привязка устройства',
  'channels.qrAlt': 'QR-код для привязки WhatsApp',
  'channels.done': 'Команда «{command}» выполнена',
  'command.restart': 'Перезапустить',
  'command.logout': 'Отвязать телефон',
  'health.connected': 'Подключён',
  'health.connecting': 'Подключается',
  'health.pairing': 'Ждёт привязки',
  'health.degraded': 'Работает с ошибками',
  'health.down': 'Не работает',

  'error.network': 'Нет связи с сервером',
  'error.VIC_BAD_CREDENTIALS': 'Неверный логин или пароль',
  'error.VIC_TOO_MANY_LOGINS': 'Слишком много попыток входа, попробуйте позже',
  'error.VIC_FORBIDDEN': 'Ваша роль не позволяет это сделать',
  'error.VIC_FORBIDDEN_COURT': 'Это обращение относится к суду, который вы не обслуживаете',
  'error.VIC_LOGIN_TAKEN': 'Этот логин уже занят',
  'error.failed': 'Не удалось: {message}',
  'dir.escalation': 'Эскалация',
  'composer.signed': 'Ответ будет подписан: «{title}».',
  'canned.pick': 'Шаблон ответа',
  'canned.choose': 'Вставить шаблон…',
  'esc.group': 'Эскалация специалисту',
  'esc.dialogTitle': 'Эскалация обращения {ref} специалисту',
  'esc.caseNumbers': 'Номера дел в обращении: {list}',
  'esc.specialist': 'Специалист',
  'esc.suggestions': 'Предлагаемые специалисты',
  'esc.byCase': 'ведёт дело № {case}',
  'esc.byCourt': 'специалист суда',
  'esc.noSpecialists': 'В суде нет активных специалистов',
  'esc.question': 'Вопрос специалисту',
  'esc.notify': 'Сообщить заявителю, что вопрос передан специалисту',
  'esc.send': 'Передать специалисту',
  'esc.handBack': 'Вернуть оператору',
  'esc.takeBack': 'Забрать у специалиста',
  'esc.pass': 'Передать другому специалисту',
  'esc.passTo': 'Кому',
  'esc.choose': '— выберите —',
  'esc.listUnavailable': 'список недоступен',
  'esc.note': 'Комментарий (необязательно)',
  'esc.questionFrom': 'Вопрос от {name}',
  'esc.timeline': 'Эскалации',
  'esc.created': 'передано',
  'esc.pickupDue': 'взять до',
  'esc.pickedUp': 'взято',
  'esc.answerDue': 'ответить до',
  'esc.answeredAt': 'ответ',
  'esc.closed': 'закрыто',
  'esc.status.open': 'у специалиста',
  'esc.status.answered': 'отвечено',
  'esc.status.returned': 'возвращено',
  'esc.status.passed': 'передано другому',
  'notify.escalated': 'Вам передано обращение {ref}',
  'alerts.label': 'Оповещения',
  'alert.pickup': 'Специалист {name} не взял в работу обращение {ref} в срок',
  'alert.answer': 'Специалист {name} не ответил по обращению {ref} в срок',
  'reminder.pickup': 'Напоминание: возьмите в работу обращение {ref}',
  'reminder.answer': 'Напоминание: истёк срок ответа по обращению {ref}',
  'alert.open': 'Открыть',
  'alert.dismiss': 'Скрыть',
  'pop.title': 'Входящий звонок',
  'pop.from': 'Звонит {from}',
  'pop.open': 'Открыть обращение {ref}',
  'pop.other': 'Других обращений: {n}',
  'admin.canned': 'Шаблоны ответов',
  'admin.calendar': 'Календарь судов',
  'canned.title': 'Название',
  'canned.lang': 'Язык',
  'canned.text': 'Текст',
  'canned.hint': 'Подстановки: {ref} — номер обращения, {name} — имя заявителя',
  'canned.new': 'Новый шаблон',
  'canned.add': 'Добавить',
  'canned.delete': 'Удалить',
  'canned.none': 'Шаблонов пока нет',
  'lang.kk': 'казахский',
  'lang.ru': 'русский',
  'cal.court': 'Суд',
  'cal.year': 'Год',
  'cal.daysOff': 'Нерабочие будние дни',
  'cal.workingWeekends': 'Рабочие субботы и воскресенья',
  'cal.overrides': 'Собственные изменения суда',
  'cal.date': 'Дата',
  'cal.kind': 'Вид',
  'cal.off': 'выходной',
  'cal.working': 'рабочий день',
  'cal.note': 'Примечание',
  'cal.add': 'Сохранить день',
  'cal.remove': 'Убрать',
  'cal.none': 'нет',
  close: 'Закрыть',
  yes: 'да',
  no: 'нет',
};

export type Key = keyof typeof ru;

const kk: Record<Key, string> = {
  'app.name': 'СҚО соттарының виртуалды ақпараттық орталығы',
  'lang.label': 'Интерфейс тілі',

  'login.title': 'Консольге кіру',
  'login.login': 'Логин',
  'login.password': 'Құпиясөз',
  'login.submit': 'Кіру',
  logout: 'Шығу',

  'role.admin': 'Әкімші',
  'role.operator': 'Оператор',
  'role.specialist': 'Маман',

  'presence.label': 'Менің мәртебем',
  'presence.available': 'Орнымда',
  'presence.away': 'Орнымда жоқпын',
  'notify.enable': 'Хабарландыруларды қосу',
  'notify.newTicket': 'Жаңа өтініш {ref}',
  'notify.newMessage': 'Жаңа хабарлама: {ref}',
  sound: 'Дыбыс',
  'conn.offline': 'Сервермен байланыс жоқ, қайта қосылуда…',
  'conn.online': 'Байланыста',
  'conn.connecting': 'Қосылуда…',

  'nav.main': 'Бөлімдер',
  'nav.queues': 'Кезектер',
  'nav.admin': 'Әкімшілік',
  'queue.mine': 'Менің өтініштерім',
  'queue.court': 'Сот кезегі',
  'queue.unassigned': 'Бөлінбегендер',
  'queue.off-hours': 'Жұмыс уақытын күтуде',
  'queue.escalated': 'Маманға жіберілгендер',
  'queue.out-of-scope': 'Құзыреттен тыс',
  'queue.resolved': 'Шешілгендер',
  'queue.all': 'Барлық өтініштер',
  'admin.users': 'Пайдаланушылар',
  'admin.courts': 'Соттар',
  'admin.channels': 'Арналар',

  'filter.search': 'Іздеу',
  'filter.searchHint': 'Нөмір, телефон, e-mail, аты, іс нөмірі, мәтін',
  'filter.court': 'Сот',
  'filter.channel': 'Арна',
  'filter.status': 'Мәртебе',
  'filter.any': 'Барлығы',

  'channel.whatsapp': 'WhatsApp',
  'channel.email': 'E-mail',
  'channel.sip': 'Телефон',
  'channel.web': 'Сайт',

  'status.open': 'Ашық',
  'status.waiting': 'Жұмыс уақытын күтуде',
  'status.out_of_scope': 'Құзыреттен тыс',
  'status.resolved': 'Шешілді',

  'list.label': 'Өтініштер тізімі',
  'list.empty': 'Өтініштер жоқ',
  'list.total': 'Барлығы: {n}',
  'list.more': 'Тағы көрсету',
  'list.unassigned': 'тағайындалмаған',
  'list.slaBreached': 'Жауап беру мерзімі өтті',
  loading: 'Жүктелуде…',

  'ticket.pane': 'Өтініш',
  'ticket.choose': 'Тізімнен өтінішті таңдаңыз',
  'ticket.notFound': 'Өтініш табылмады',
  'ticket.forbidden': 'Бұл өтініш сізге қолжетімсіз',
  'ticket.assignee': 'Орындаушы',
  'ticket.specialist': 'Маманда',
  'ticket.caseNumber': 'Іс нөмірі',
  'ticket.court': 'Сот',
  'ticket.created': 'Құрылды',
  'ticket.due': 'Жауап беру мерзімі',
  'ticket.conversation': 'Хат алмасу',
  'ticket.actions': 'Әрекеттер',
  'ticket.scope': 'Шағым сүзгісі',
  'scope.appeal': 'сот актісіне шағым',
  'scope.in_scope': 'орталықтың құзыретінде',
  'ticket.scopeFlagged': 'Шағымға ұқсас хабарламалар бар',
  'ticket.movedAway': 'Өтініш басқа сотқа берілді',

  'dir.in': 'Кіріс',
  'dir.out': 'Жауап',
  'dir.note': 'Ескертпе',
  'dir.auto': 'Автожауап',
  'author.system': 'Жүйе',
  'author.citizen': 'Өтініш беруші',

  'delivery.queued': 'Кезекте',
  'delivery.sent': 'Жіберілді',
  'delivery.delivered': 'Жеткізілді',
  'delivery.read': 'Оқылды',
  'delivery.failed': 'Жеткізілмеді',
  'delivery.lastError': 'соңғы қате: {reason}',
  'delivery.retry': 'Қайта жіберу',

  'msg.htmlOnly': 'Хат тек HTML түрінде — қауіпсіздік үшін көрсетілмейді',
  'msg.scopeFlag': 'Сот актісіне шағымға ұқсайды',
  'att.dropped': 'сақталмады: {reason}',

  'composer.kind': 'Хабарлама түрі',
  'composer.reply': 'Өтініш берушіге жауап',
  'composer.note': 'Ішкі ескертпе',
  'composer.textReply': 'Жауап мәтіні',
  'composer.textNote': 'Ескертпе мәтіні',
  'composer.send': 'Жіберу',
  'composer.saveNote': 'Ескертпені сақтау',
  'composer.hintReply': '«{channel}» арнасы арқылы өтініш берушіге жіберіледі. Ctrl+Enter — жіберу',
  'composer.hintNote': 'Тек қызметкерлерге көрінеді. Ctrl+Enter — сақтау',

  'action.claim': 'Өзіме алу',
  'action.release': 'Өзімнен алып тастау',
  'action.assignTo': 'Операторға тағайындау',
  'action.assign': 'Тағайындау',
  'action.move': 'Беру',
  'action.nobody': '— ешкімге —',
  'action.resolve': 'Шешілді деп жабу',
  'action.reopen': 'Қайта ашу',
  'action.changeCourt': 'Сотқа беру',
  'action.save': 'Сақтау',
  'action.cancel': 'Болдырмау',
  'action.overrule': 'Бұл шағым емес — жұмысқа алу',
  'action.overruleTitle': 'Шағым сүзгісінің шешімін болдырмау',
  'action.reason': 'Себебі',
  'action.escalate': 'Маманға жіберу',

  'contact.title': 'Өтініш беруші',
  'contact.noName': 'Аты көрсетілмеген',
  'contact.phone': 'Телефон',
  'contact.email': 'E-mail',
  'contact.whatsapp': 'WhatsApp',
  'contact.iin': 'ЖСН',
  'contact.language': 'Тілі',
  'contact.other': 'Басқа өтініштері',
  'contact.none': 'жоқ',
  'calls.title': 'Қоңыраулар',
  'call.ringing': 'кіріс қоңырау',
  'call.answered': 'қабылданды',
  'call.missed': 'өткізіп алынды',
  'call.abandoned': 'үзілді',
  'call.rejected_off_hours': 'жұмыстан тыс уақытта',
  'call.ended': 'аяқталды',

  'users.new': 'Жаңа пайдаланушы',
  'users.login': 'Логин',
  'users.name': 'Аты-жөні',
  'users.role': 'Рөлі',
  'users.court': 'Сот',
  'users.allCourts': 'Барлық соттар',
  'users.sip': 'SIP ішкі нөмірі',
  'users.languages': 'Тілдер',
  'users.max': 'Бір мезгілде өтініштер, көп емес',
  'users.position': 'Лауазымы',
  'users.password': 'Құпиясөз (кемінде 8 таңба)',
  'users.create': 'Құру',
  'users.created': '{login} пайдаланушысы құрылды',
  'users.state': 'Күйі',
  'users.active': 'Белсенді',
  'users.inactive': 'Өшірілген',
  'users.deactivate': 'Өшіру',
  'users.activate': 'Қосу',

  'courts.new': 'Жаңа сот',
  'courts.code': 'Коды',
  'courts.nameRu': 'Орысша атауы',
  'courts.nameKk': 'Қазақша атауы',
  'courts.sla': 'Алғашқы жауап мерзімі, мин',
  'courts.create': 'Қосу',
  'courts.edit': 'Өзгерту',
  'courts.active': 'Жұмыс істейді',
  'courts.calendar': 'Соттың демалыс және жұмыс күндері — «Соттар күнтізбесі» бетінде',

  'channels.none': 'Бірде-бір арна қосылмаған',
  'channels.since': '{time} бастап',
  'channels.qr': 'Орталық телефонындағы WhatsApp-та кодты сканерлеңіз: Байланыстырылған құрылғылар → Құрылғыны байланыстыру',
  'channels.qrAlt': 'WhatsApp байланыстыру QR-коды',
  'channels.done': '«{command}» командасы орындалды',
  'command.restart': 'Қайта іске қосу',
  'command.logout': 'Телефонды ажырату',
  'health.connected': 'Қосылған',
  'health.connecting': 'Қосылуда',
  'health.pairing': 'Байланыстыруды күтуде',
  'health.degraded': 'Ақаулармен жұмыс істейді',
  'health.down': 'Жұмыс істемейді',

  'error.network': 'Сервермен байланыс жоқ',
  'error.VIC_BAD_CREDENTIALS': 'Логин немесе құпиясөз қате',
  'error.VIC_TOO_MANY_LOGINS': 'Кіру әрекеттері тым көп, кейінірек қайталаңыз',
  'error.VIC_FORBIDDEN': 'Рөліңіз бұған рұқсат бермейді',
  'error.VIC_FORBIDDEN_COURT': 'Бұл өтініш сіз қызмет көрсетпейтін сотқа жатады',
  'error.VIC_LOGIN_TAKEN': 'Бұл логин бос емес',
  'error.failed': 'Орындалмады: {message}',
  'dir.escalation': 'Маманға жіберу',
  'composer.signed': 'Жауапқа қол қойылады: «{title}».',
  'canned.pick': 'Жауап үлгісі',
  'canned.choose': 'Үлгіні қою…',
  'esc.group': 'Маманға жіберу',
  'esc.dialogTitle': '{ref} өтінішін маманға жіберу',
  'esc.caseNumbers': 'Өтініштегі іс нөмірлері: {list}',
  'esc.specialist': 'Маман',
  'esc.suggestions': 'Ұсынылатын мамандар',
  'esc.byCase': '№ {case} ісін жүргізеді',
  'esc.byCourt': 'сот маманы',
  'esc.noSpecialists': 'Сотта белсенді мамандар жоқ',
  'esc.question': 'Маманға сұрақ',
  'esc.notify': 'Өтініш берушіге сұрақ маманға жіберілгенін хабарлау',
  'esc.send': 'Маманға беру',
  'esc.handBack': 'Операторға қайтару',
  'esc.takeBack': 'Маманнан қайтарып алу',
  'esc.pass': 'Басқа маманға беру',
  'esc.passTo': 'Кімге',
  'esc.choose': '— таңдаңыз —',
  'esc.listUnavailable': 'тізім қолжетімсіз',
  'esc.note': 'Түсініктеме (міндетті емес)',
  'esc.questionFrom': '{name} сұрағы',
  'esc.timeline': 'Маманға жіберулер',
  'esc.created': 'берілді',
  'esc.pickupDue': 'алу мерзімі',
  'esc.pickedUp': 'алынды',
  'esc.answerDue': 'жауап беру мерзімі',
  'esc.answeredAt': 'жауап',
  'esc.closed': 'жабылды',
  'esc.status.open': 'маманда',
  'esc.status.answered': 'жауап берілді',
  'esc.status.returned': 'қайтарылды',
  'esc.status.passed': 'басқаға берілді',
  'notify.escalated': 'Сізге {ref} өтініші берілді',
  'alerts.label': 'Хабарландырулар',
  'alert.pickup': '{name} маманы {ref} өтінішін мерзімінде жұмысқа алмады',
  'alert.answer': '{name} маманы {ref} өтініші бойынша мерзімінде жауап бермеді',
  'reminder.pickup': 'Еске салу: {ref} өтінішін жұмысқа алыңыз',
  'reminder.answer': 'Еске салу: {ref} өтініші бойынша жауап беру мерзімі өтті',
  'alert.open': 'Ашу',
  'alert.dismiss': 'Жасыру',
  'pop.title': 'Кіріс қоңырау',
  'pop.from': 'Қоңырау шалушы: {from}',
  'pop.open': '{ref} өтінішін ашу',
  'pop.other': 'Басқа өтініштер: {n}',
  'admin.canned': 'Жауап үлгілері',
  'admin.calendar': 'Соттар күнтізбесі',
  'canned.title': 'Атауы',
  'canned.lang': 'Тілі',
  'canned.text': 'Мәтіні',
  'canned.hint': 'Ауыстырулар: {ref} — өтініш нөмірі, {name} — өтініш берушінің аты',
  'canned.new': 'Жаңа үлгі',
  'canned.add': 'Қосу',
  'canned.delete': 'Жою',
  'canned.none': 'Үлгілер әлі жоқ',
  'lang.kk': 'қазақ тілі',
  'lang.ru': 'орыс тілі',
  'cal.court': 'Сот',
  'cal.year': 'Жыл',
  'cal.daysOff': 'Жұмыс істемейтін жұмыс күндері',
  'cal.workingWeekends': 'Жұмыс істейтін сенбі мен жексенбі',
  'cal.overrides': 'Соттың өз өзгерістері',
  'cal.date': 'Күні',
  'cal.kind': 'Түрі',
  'cal.off': 'демалыс',
  'cal.working': 'жұмыс күні',
  'cal.note': 'Ескертпе',
  'cal.add': 'Күнді сақтау',
  'cal.remove': 'Алып тастау',
  'cal.none': 'жоқ',
  close: 'Жабу',
  yes: 'иә',
  no: 'жоқ',
};

export type Lang = 'ru' | 'kk';
const dictionaries: Record<Lang, Record<Key, string>> = { ru, kk };
const STORAGE_KEY = 'vic.lang';

export type T = (key: Key, params?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t: T;
}

const Ctx = createContext<I18n | null>(null);

function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'kk' ? 'kk' : 'ru';
  } catch {
    return 'ru';
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // Private mode without storage: the choice lasts until reload.
    }
  }, []);
  const value = useMemo<I18n>(() => {
    const dict = dictionaries[lang];
    const t: T = (key, params) => {
      let s = dict[key];
      if (params) for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, String(v));
      return s;
    };
    return { lang, setLang, t };
  }, [lang, setLang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}

/** A localized message for an API error: our own text for known codes, else the server's message. */
export function errorText(t: T, e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'NETWORK') return t('error.network');
  const key = `error.${code}` as Key;
  if (key in ru) return t(key);
  return t('error.failed', { message: e instanceof Error ? e.message : String(e) });
}

export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <div className="lang-switch" role="group" aria-label={t('lang.label')}>
      <button type="button" lang="ru" aria-pressed={lang === 'ru'} onClick={() => setLang('ru')}>
        Русский
      </button>
      <button type="button" lang="kk" aria-pressed={lang === 'kk'} onClick={() => setLang('kk')}>
        Қазақша
      </button>
    </div>
  );
}

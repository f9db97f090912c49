// The courts the information centre serves; created on first start so tickets always have a court.
export const CENTRE_COURTS = [
  { code: 'sko-regional', nameRu: 'Северо-Казахстанский областной суд', nameKk: 'Солтүстік Қазақстан облыстық соты' },
  { code: 'petropavl-city-2', nameRu: 'Петропавловский городской суд №2', nameKk: 'Петропавл қалалық №2 соты' },
  {
    code: 'sko-economic',
    nameRu: 'Специализированный межрайонный экономический суд СКО',
    nameKk: 'СҚО мамандандырылған ауданаралық экономикалық соты',
  },
  {
    code: 'sko-administrative',
    nameRu: 'Специализированный межрайонный административный суд СКО',
    nameKk: 'СҚО мамандандырылған ауданаралық әкімшілік соты',
  },
];

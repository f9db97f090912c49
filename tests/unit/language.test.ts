import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../routing/language.ts';

describe('detectLanguage', () => {
  it('recognises Kazakh by its letters and common words', () => {
    expect(detectLanguage('Шешімнің көшірмесін қалай алуға болады?')).toBe('kk');
    expect(detectLanguage('сот отырысы қашан болады')).toBe('kk');
    expect(detectLanguage('сот шешимимен келиспеймин кайта карауды сураймын')).toBe('kk');
    expect(detectLanguage('СОТ МЕНІ ЖАЗЫҚСЫЗ СОТТАДЫ')).toBe('kk');
  });

  it('recognises Russian', () => {
    expect(detectLanguage('Когда будет готово решение по моему делу?')).toBe('ru');
    expect(detectLanguage('Здравствуйте, подскажите срок подачи апелляционной жалобы')).toBe('ru');
    expect(detectLanguage('В приложении Smart Sot не могу войти')).toBe('ru');
  });

  it('reads Latin-script Kazakh and Russian translit', () => {
    expect(detectLanguage('sheshim qashan dain bolady?')).toBe('kk');
    expect(detectLanguage('Sot şeşımımen kelıspeimın, qaita qarauyñyzdy sūraimyn')).toBe('kk');
    expect(detectLanguage('salem, sot magan aiyppul saldy, qalai bolady')).toBe('kk');
    expect(detectLanguage('zdravstvuyte kogda budet sud po moemu delu')).toBe('ru');
    expect(detectLanguage('ne soglasen s resheniem suda, prosim peresmotret')).toBe('ru');
  });

  it('reports code-switching as mixed', () => {
    expect(detectLanguage('Оператор, перезвоните маған, сұрақ бар по делу, пожалуйста')).toBe('mixed');
    expect(detectLanguage('Сот решение шығарды, но я с ним не согласен, отмените пожалуйста')).toBe('mixed');
  });

  it('returns unknown without Kazakh or Russian evidence', () => {
    expect(detectLanguage('')).toBe('unknown');
    expect(detectLanguage('87015553214 2-876/2025 !!!')).toBe('unknown');
    expect(detectLanguage('👍👍')).toBe('unknown');
    expect(detectLanguage('How can I get a copy of the decision?')).toBe('unknown');
  });
});

#!/usr/bin/env bash
# Produces the shipped default announcements, audio/<lang>/<clip>.wav (8 kHz mono 16-bit PCM, what the phone
# network carries), with Debian's espeak-ng (Kazakh and Russian voices) and sox; and audio/music.wav, a soft
# synthesized hold tune. The clip list is channels/sip/media/messages.ts. The output is committed: nothing is
# generated at install or run time; run this again only after changing a text here. `sox -R` fixes the dither's
# seed, so a rerun reproduces the same bytes (git shows only what a changed text changed).
# Usage: scripts/make-announcements.sh [OUT_DIR]   (default: audio/ in the repository)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-audio}"
for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "make-announcements: $tool is missing (apt-get install espeak-ng sox)" >&2; exit 1; }
done
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# say LANG CLIP TEXT: speak, resample to 8 kHz, cut leading/trailing silence, normalize to -3 dBFS.
say() {
  local lang="$1" clip="$2" text="$3"
  mkdir -p "$out/$lang"
  espeak-ng -v "$lang" -s 145 -w "$tmp/raw.wav" "$text"
  sox -R "$tmp/raw.wav" -r 8000 -c 1 -b 16 -e signed-integer "$out/$lang/$clip.wav" \
    silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse gain -n -3
}

# ---- Kazakh
say kk greeting "Сәлеметсіз бе! Сіз Солтүстік Қазақстан облысы соттарының ақпараттық орталығына қоңырау шалдыңыз."
say kk language-menu "Қазақ тілі үшін бірді басыңыз."
say kk recording-notice "Назар аударыңыз, сөйлесу жазылуы мүмкін."
say kk please-wait "Қазір барлық операторлар бос емес. Желіде күте тұрыңыз, бірінші босаған оператор сізге жауап береді."
say kk position "Сіздің кезектегі нөміріңіз:"
say kk you-are-next "Келесі кезек сіздікі."
say kk callback-offer "Күткіңіз келмесе, бірді басыңыз, біз сізге өзіміз қоңырау шаламыз."
say kk callback-confirmed "Рақмет. Біз сізге жұмыс уақытында қайта қоңырау шаламыз. Сау болыңыз."
say kk off-hours "Ақпараттық орталық қазір жұмыс істемейді."
say kk opens "Орталық"
say kk opens-end "жұмысын бастайды."
say kk off-hours-callback "Сізге қайта қоңырау шалуымызды қаласаңыз, бірді басыңыз."
say kk goodbye "Қоңырауыңызға рақмет. Сау болыңыз."
kk_numbers=(бір екі үш төрт бес алты жеті сегіз тоғыз)
for i in "${!kk_numbers[@]}"; do say kk "number-$((i + 1))" "${kk_numbers[$i]}"; done
say kk day-today "бүгін"
say kk day-tomorrow "ертең"
say kk day-monday "дүйсенбі күні"
say kk day-tuesday "сейсенбі күні"
say kk day-wednesday "сәрсенбі күні"
say kk day-thursday "бейсенбі күні"
say kk day-friday "жұма күні"
say kk day-saturday "сенбі күні"
say kk day-sunday "жексенбі күні"
kk_hours=(жетіде сегізде тоғызда онда "он бірде" "он екіде" "он үште" "он төртте" "он бесте" "он алтыда" "он жетіде" "он сегізде" "он тоғызда" жиырмада)
for i in "${!kk_hours[@]}"; do say kk "time-$(printf %02d $((i + 7)))" "сағат ${kk_hours[$i]}"; done

# ---- Russian
say ru greeting "Здравствуйте! Вы позвонили в информационный центр судов Северо-Казахстанской области."
say ru language-menu "Для русского языка нажмите два."
say ru recording-notice "Обратите внимание, разговор может быть записан."
say ru please-wait "Сейчас все операторы заняты. Пожалуйста, оставайтесь на линии, вам ответит первый освободившийся оператор."
say ru position "Ваш номер в очереди:"
say ru you-are-next "Вы следующий в очереди."
say ru callback-offer "Если не хотите ждать, нажмите один, и мы вам перезвоним."
say ru callback-confirmed "Спасибо. Мы перезвоним вам в рабочее время. До свидания."
say ru off-hours "Информационный центр сейчас не работает."
say ru opens "Центр"
say ru opens-end "начнёт работу."
say ru off-hours-callback "Если хотите, чтобы мы вам перезвонили, нажмите один."
say ru goodbye "Спасибо за звонок. До свидания."
ru_numbers=(один два три четыре пять шесть семь восемь девять)
for i in "${!ru_numbers[@]}"; do say ru "number-$((i + 1))" "${ru_numbers[$i]}"; done
say ru day-today "сегодня"
say ru day-tomorrow "завтра"
say ru day-monday "в понедельник"
say ru day-tuesday "во вторник"
say ru day-wednesday "в среду"
say ru day-thursday "в четверг"
say ru day-friday "в пятницу"
say ru day-saturday "в субботу"
say ru day-sunday "в воскресенье"
ru_hours=(семь восемь девять десять одиннадцать двенадцать тринадцать четырнадцать пятнадцать шестнадцать семнадцать восемнадцать девятнадцать двадцать)
for i in "${!ru_hours[@]}"; do say ru "time-$(printf %02d $((i + 7)))" "в ${ru_hours[$i]} часов"; done

# ---- Hold music: four soft sine chords (C, Am, F, G; semitones from A4), 4 s each with gentle fades, so the loop
# rtpengine repeats has no click; quiet (-14 dBFS) so an announcement stands out.
chords=("-9 -5 -2" "-12 -9 -5" "-16 -12 -9" "-14 -10 -7")
parts=()
for i in "${!chords[@]}"; do
  read -r a b c <<<"${chords[$i]}"
  sox -R -n -r 8000 -c 3 -b 16 "$tmp/chord3-$i.wav" synth 4 sine "%$a" sine "%$b" sine "%$c"
  sox -R "$tmp/chord3-$i.wav" -c 1 "$tmp/chord-$i.wav" remix - fade t 0.6 4 0.8
  parts+=("$tmp/chord-$i.wav")
done
sox -R "${parts[@]}" -r 8000 -c 1 -b 16 -e signed-integer "$out/music.wav" gain -n -14
echo "make-announcements: $(find "$out" -name '*.wav' | wc -l) files in $out/"

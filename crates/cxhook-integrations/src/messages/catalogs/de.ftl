# Der deutsche Katalog: dieselben Nachrichten und Argumente wie en.ftl.

## Konten

account-unavailable = Entschuldigung, ich komme gerade nicht an Ihre Kontodaten. Bitte versuchen Sie es gleich noch einmal.
account-balance = Der Kontostand von Konto { $user_id } beträgt { $balance }.
account-which = Um welches Konto geht es? Bitte nennen Sie mir Ihre Benutzerkennung.
account-unknown = Ich habe kein Konto mit der Benutzerkennung { $user_id } gefunden. Bitte prüfen Sie die Kennung und nennen Sie sie mir noch einmal.
account-count-out-of-range = { $said } Umsätze kann ich nicht auflisten. Wie viele möchten Sie, zwischen 1 und { $max }?
account-count-not-understood = „{ $said }“ habe ich nicht als Zahl verstanden. Wie viele Umsätze möchten Sie, zwischen 1 und { $max }?
account-no-transactions = Auf dem Konto { $user_id } gibt es noch keine Umsätze.
account-transactions-capped =
    { $max ->
        [one] Ich kann höchstens einen Umsatz auf einmal nennen.
       *[other] Ich kann höchstens { $max } Umsätze auf einmal nennen.
    }
account-transactions =
    { $count ->
        [one] Der letzte Umsatz auf dem Konto { $user_id }:
       *[other] Die letzten { $count } Umsätze auf dem Konto { $user_id }:
    }
account-transaction = { $date }: { $description }, { $amount }

## Wetter

weather-unavailable = Entschuldigung, ich komme gerade nicht an das Wetter. Bitte versuchen Sie es gleich noch einmal.
weather-which-place = Für welche Stadt möchten Sie das Wetter wissen?
weather-unknown-place = Einen Ort namens { $place } habe ich nicht gefunden. Welche Stadt meinen Sie?
# Im Dativ, nach „bei“.
weather-conditions =
    { $code ->
        [0] klarem Himmel
        [1] überwiegend klarem Himmel
        [2] teils bewölktem Himmel
        [3] bedecktem Himmel
        [45] Nebel
        [48] gefrierendem Nebel
        [51] leichtem Nieselregen
        [53] Nieselregen
        [55] starkem Nieselregen
        [56] leichtem gefrierendem Nieselregen
        [57] starkem gefrierendem Nieselregen
        [61] leichtem Regen
        [63] Regen
        [65] starkem Regen
        [66] leichtem gefrierendem Regen
        [67] starkem gefrierendem Regen
        [71] leichtem Schneefall
        [73] Schneefall
        [75] starkem Schneefall
        [77] Schneegriesel
        [80] leichten Regenschauern
        [81] Regenschauern
        [82] heftigen Regenschauern
        [85] leichten Schneeschauern
        [86] starken Schneeschauern
        [95] Gewitter
        [96] Gewitter mit leichtem Hagel
        [99] Gewitter mit starkem Hagel
       *[other] wechselhaftem Wetter
    }
weather-now =
    { $conditions ->
        [none] In { $place } sind es { $temperature } { $temperature_unit }, der Wind weht mit { $wind_speed } { $wind_unit }.
       *[other] In { $place } sind es { $temperature } { $temperature_unit } bei { $conditions }, der Wind weht mit { $wind_speed } { $wind_unit }.
    }
# $age steht am Satzanfang: „Vor fünf Minuten …“.
weather-stale =
    { $conditions ->
        [none] Ich erreiche den Wetterdienst gerade nicht. { $age } waren es in { $place } { $temperature } { $temperature_unit }, der Wind wehte mit { $wind_speed } { $wind_unit }.
       *[other] Ich erreiche den Wetterdienst gerade nicht. { $age } waren es in { $place } { $temperature } { $temperature_unit } bei { $conditions }, der Wind wehte mit { $wind_speed } { $wind_unit }.
    }
weather-age-now = Vor weniger als einer Minute
weather-age-minutes =
    { $minutes ->
        [one] Vor einer Minute
       *[other] Vor { $minutes } Minuten
    }
weather-age-hours =
    { $hours ->
        [one] Vor einer Stunde
       *[other] Vor { $hours } Stunden
    }

## Die Rückfallantworten des Servers

fallback-failure = Entschuldigung, bei uns ist gerade etwas schiefgelaufen. Bitte versuchen Sie es gleich noch einmal.
fallback-deadline = Entschuldigung, das dauert länger, als es sollte. Bitte versuchen Sie es gleich noch einmal.
fallback-unknown-tag = Dabei kann ich Ihnen im Moment leider nicht helfen.

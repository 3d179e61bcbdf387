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
account-transaction = { $description } über { $amount } am { $date }

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
weather-remembered =
    { $conditions ->
        [none] In { $place }, wie beim letzten Mal, sind es { $temperature } { $temperature_unit }, der Wind weht mit { $wind_speed } { $wind_unit }.
       *[other] In { $place }, wie beim letzten Mal, sind es { $temperature } { $temperature_unit } bei { $conditions }, der Wind weht mit { $wind_speed } { $wind_unit }.
    }

## Formen: wie Datum, Uhrzeit und Aufzählungen in den Sätzen gesagt werden.

weekday =
    { $weekday ->
        [1] Montag
        [2] Dienstag
        [3] Mittwoch
        [4] Donnerstag
        [5] Freitag
        [6] Samstag
       *[7] Sonntag
    }
# Als Adverb: „Wir haben sonntags geschlossen.“
weekdays =
    { $weekday ->
        [1] montags
        [2] dienstags
        [3] mittwochs
        [4] donnerstags
        [5] freitags
        [6] samstags
       *[7] sonntags
    }
month =
    { $month ->
        [1] Januar
        [2] Februar
        [3] März
        [4] April
        [5] Mai
        [6] Juni
        [7] Juli
        [8] August
        [9] September
        [10] Oktober
        [11] November
       *[12] Dezember
    }
day = { $day }. { month }
date = { weekday }, { day }
time = { $hour }:{ $minute } Uhr
list-and = { $rest } und { $last }
list-or = { $rest } oder { $last }

## Buchungen

# Die Namen der voreingestellten Leistungen; andere stehen so da, wie sie konfiguriert sind.
booking-service =
    { $service ->
        [haircut] Haarschnitt
        [consultation] Beratung
        [massage] Massage
       *[other] { $name }
    }
# Mit unbestimmtem Artikel im Akkusativ: „für einen Haarschnitt“.
booking-service-a =
    { $service ->
        [haircut] einen Haarschnitt
        [consultation] eine Beratung
        [massage] eine Massage
       *[other] { booking-service }
    }
booking-unavailable = Entschuldigung, ich erreiche das Buchungssystem gerade nicht. Bitte versuchen Sie es gleich noch einmal.
booking-which-service = Welche Leistung möchten Sie buchen?
booking-not-offered =
    { $sorry ->
        [yes] Leider bieten wir „{ $said }“ nicht an. Buchen können Sie: { $services }.
       *[other] „{ $said }“ bieten wir nicht an. Buchen können Sie: { $services }.
    }
booking-which-date =
    { $sorry ->
        [yes] Entschuldigung, welches Datum meinten Sie?
       *[other] Welches Datum meinten Sie?
    }
booking-which-time =
    { $sorry ->
        [yes] Entschuldigung, welche Uhrzeit meinten Sie?
       *[other] Welche Uhrzeit meinten Sie?
    }
booking-past-date = Dieses Datum liegt in der Vergangenheit. An welchem Tag möchten Sie kommen?
booking-out-of-range = Für dieses Datum kann ich nicht buchen. An welchem Tag möchten Sie kommen?
booking-closed-day = Wir haben { weekdays } geschlossen. Welcher andere Tag passt Ihnen?
booking-past-time = Diese Uhrzeit ist schon vorbei. Welche spätere Uhrzeit passt Ihnen?
booking-outside-hours = Wir haben { weekdays } von { $open } bis { $close } geöffnet. Welche Uhrzeit dazwischen passt Ihnen?
booking-off-grid =
    { $minutes ->
        [one] Termine beginnen ab Öffnung jede Minute. Welche Uhrzeit möchten Sie?
       *[other] Termine beginnen ab Öffnung alle { $minutes } Minuten. Welche Uhrzeit möchten Sie?
    }
booking-ends-after-closing =
    { $service ->
        [none] Für einen Termin um { $start } reicht die Zeit nicht: Wir schließen um { $close }. Der letzte mögliche Beginn ist { $last }.
       *[other] Für { booking-service-a } um { $start } reicht die Zeit nicht: Wir schließen um { $close }. Der letzte mögliche Beginn ist { $last }.
    }
booking-ends-after-closing-that-day =
    { $service ->
        [none] Für einen Termin um { $start } reicht die Zeit nicht: Wir schließen um { $close }, und an diesem Tag passt auch keine andere Uhrzeit. Welcher andere Tag passt Ihnen?
       *[other] Für { booking-service-a } um { $start } reicht die Zeit nicht: Wir schließen um { $close }, und an diesem Tag passt auch keine andere Uhrzeit. Welcher andere Tag passt Ihnen?
    }
booking-taken =
    { $sorry ->
        [yes] Leider ist am { $date }, um { $time } kein Termin für { booking-service-a } mehr frei. Welche andere Uhrzeit passt Ihnen?
       *[other] Am { $date }, um { $time } ist kein Termin für { booking-service-a } mehr frei. Welche andere Uhrzeit passt Ihnen?
    }
booking-just-taken =
    { $sorry ->
        [yes] Leider wurde dieser Termin ({ $date }, { $time }) gerade eben vergeben. Welche andere Uhrzeit passt Ihnen?
       *[other] Dieser Termin ({ $date }, { $time }) wurde gerade eben vergeben. Welche andere Uhrzeit passt Ihnen?
    }
booking-available = Am { $date }, um { $time } ist ein Termin für { booking-service-a } frei.
# „Für einen Haarschnitt am Dienstag, 1. Dezember, brauche ich noch eine Uhrzeit.“
booking-need =
    Für { $service ->
        [none] einen Termin
       *[other] { booking-service-a }
    }{ $date ->
        [none] {""}
       *[other] {" "}am { $date },
    }{ $time ->
        [none] {""}
       *[other] {" "}um { $time }
    } brauche ich noch { $needed }.
booking-need-service = eine Leistung ({ $services })
booking-need-date = ein Datum
booking-need-time = eine Uhrzeit
booking-not-offered-short = Leider bieten wir „{ $said }“ nicht an.
booking-confirmed = Ihr Termin ist gebucht: { booking-service } am { $date }, um { $time }. Ihre Buchungsnummer lautet { $confirmation }.
booking-pending = Ich bestätige Ihren Termin ({ booking-service } am { $date }, um { $time }) noch mit unserem Terminsystem. Ihre Referenz lautet { $confirmation }; bitte fragen Sie mich gleich noch einmal.
booking-no-longer-active = Diese Buchung ({ $confirmation }) ist nicht mehr aktiv. Möchten Sie neu buchen?
booking-which-to-cancel = Welche Buchung soll ich stornieren? Bitte nennen Sie mir die Buchungsnummer.
booking-not-found = Eine Buchung mit der Nummer { $said } finde ich nicht. Bitte prüfen Sie die Nummer und nennen Sie sie mir noch einmal.
booking-already-cancelled = Ihr Termin { $confirmation } ({ booking-service } am { $date }, um { $time }) war schon storniert.
booking-cancel-failed = Entschuldigung, ich konnte die Buchung gerade nicht in unserem Terminsystem stornieren. Bitte versuchen Sie es gleich noch einmal.
booking-cancelled = Ihr Termin { $confirmation } ({ booking-service } am { $date }, um { $time }) ist storniert.
booking-suggest = Möchten Sie wieder { booking-service-a } buchen?

## Gedächtnis

memory-forgotten = Erledigt: Ich habe alles vergessen, was ich mir über Sie gemerkt hatte.
memory-unavailable = Entschuldigung, ich komme gerade nicht an das, was ich mir gemerkt habe, daher wurde nichts gelöscht. Bitte versuchen Sie es gleich noch einmal.

## Die Rückfallantworten des Servers

fallback-failure = Entschuldigung, bei uns ist gerade etwas schiefgelaufen. Bitte versuchen Sie es gleich noch einmal.
fallback-deadline = Entschuldigung, das dauert länger, als es sollte. Bitte versuchen Sie es gleich noch einmal.
fallback-unknown-tag = Dabei kann ich Ihnen im Moment leider nicht helfen.

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

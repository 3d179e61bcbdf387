# Le catalogue français : les mêmes messages et arguments que en.ftl. Une espace fine
# insécable (U+202F) précède « ? », « : » et suit « « ».

## Comptes

account-unavailable = Désolé, je n’arrive pas à accéder à vos informations de compte pour le moment. Merci de réessayer dans un instant.
account-balance = Le solde du compte { $user_id } est de { $balance }.
account-which = De quel compte s’agit-il ? Merci de m’indiquer votre identifiant.
account-unknown = Je ne trouve aucun compte avec l’identifiant { $user_id }. Pouvez-vous vérifier l’identifiant et me le redonner ?
account-count-out-of-range = Je ne peux pas afficher { $said } opérations. Combien en voulez-vous, entre 1 et { $max } ?
account-count-not-understood = Je n’ai pas compris « { $said } » comme un nombre. Combien d’opérations voulez-vous, entre 1 et { $max } ?
account-no-transactions = Il n’y a encore aucune opération sur le compte { $user_id }.
account-transactions-capped =
    { $max ->
        [one] Je peux indiquer une seule opération à la fois.
       *[other] Je peux indiquer au maximum { $max } opérations à la fois.
    }
account-transactions =
    { $count ->
        [one] La dernière opération sur le compte { $user_id } :
       *[other] Les { $count } dernières opérations sur le compte { $user_id } :
    }
account-transaction = { $description } de { $amount } le { $date }

## Météo

weather-unavailable = Désolé, je n’arrive pas à obtenir la météo pour le moment. Merci de réessayer dans un instant.
weather-which-place = Pour quelle ville voulez-vous la météo ?
weather-unknown-place = Je ne trouve aucun lieu appelé { $place }. De quelle ville s’agit-il ?
# Après « avec ».
weather-conditions =
    { $code ->
        [0] un ciel dégagé
        [1] un ciel plutôt dégagé
        [2] un ciel partiellement nuageux
        [3] un ciel couvert
        [45] du brouillard
        [48] du brouillard givrant
        [51] une légère bruine
        [53] de la bruine
        [55] une forte bruine
        [56] une légère bruine verglaçante
        [57] une forte bruine verglaçante
        [61] une petite pluie
        [63] de la pluie
        [65] une forte pluie
        [66] une légère pluie verglaçante
        [67] une forte pluie verglaçante
        [71] quelques flocons de neige
        [73] de la neige
        [75] de fortes chutes de neige
        [77] de la neige en grains
        [80] de légères averses
        [81] des averses
        [82] de violentes averses
        [85] de légères averses de neige
        [86] de fortes averses de neige
        [95] un orage
        [96] un orage avec un peu de grêle
        [99] un orage avec de la grêle
       *[other] un temps changeant
    }
weather-now =
    { $conditions ->
        [none] Il fait { $temperature } { $temperature_unit } à { $place }, avec un vent de { $wind_speed } { $wind_unit }.
       *[other] Il fait { $temperature } { $temperature_unit } à { $place }, avec { $conditions } et un vent de { $wind_speed } { $wind_unit }.
    }
# $age commence la phrase : « Il y a cinq minutes… ».
weather-stale =
    { $conditions ->
        [none] Je n’arrive pas à joindre le service météo pour le moment. { $age }, il faisait { $temperature } { $temperature_unit } à { $place }, avec un vent de { $wind_speed } { $wind_unit }.
       *[other] Je n’arrive pas à joindre le service météo pour le moment. { $age }, il faisait { $temperature } { $temperature_unit } à { $place }, avec { $conditions } et un vent de { $wind_speed } { $wind_unit }.
    }
weather-age-now = Il y a moins d’une minute
weather-age-minutes =
    { $minutes ->
        [one] Il y a une minute
       *[other] Il y a { $minutes } minutes
    }
weather-age-hours =
    { $hours ->
        [one] Il y a une heure
       *[other] Il y a { $hours } heures
    }
weather-remembered =
    { $conditions ->
        [none] À { $place }, comme la dernière fois : il fait { $temperature } { $temperature_unit }, avec un vent de { $wind_speed } { $wind_unit }.
       *[other] À { $place }, comme la dernière fois : il fait { $temperature } { $temperature_unit }, avec { $conditions } et un vent de { $wind_speed } { $wind_unit }.
    }

## Formes : comment les dates, les heures et les listes se disent dans les phrases.

weekday =
    { $weekday ->
        [1] lundi
        [2] mardi
        [3] mercredi
        [4] jeudi
        [5] vendredi
        [6] samedi
       *[7] dimanche
    }
# « Nous sommes fermés le dimanche. »
weekdays =
    { $weekday ->
        [1] le lundi
        [2] le mardi
        [3] le mercredi
        [4] le jeudi
        [5] le vendredi
        [6] le samedi
       *[7] le dimanche
    }
month =
    { $month ->
        [1] janvier
        [2] février
        [3] mars
        [4] avril
        [5] mai
        [6] juin
        [7] juillet
        [8] août
        [9] septembre
        [10] octobre
        [11] novembre
       *[12] décembre
    }
day =
    { $day ->
        [1] 1er { month }
       *[other] { $day } { month }
    }
date = { weekday } { day }
time = { $hour } h { $minute }
list-and = { $rest } et { $last }
list-or = { $rest } ou { $last }

## Réservations

# Les noms des prestations par défaut ; les autres tels qu’ils sont configurés.
booking-service =
    { $service ->
        [haircut] coupe de cheveux
        [consultation] consultation
        [massage] massage
       *[other] { $name }
    }
booking-service-a =
    { $service ->
        [haircut] une coupe de cheveux
        [consultation] une consultation
        [massage] un massage
       *[other] { booking-service }
    }
booking-unavailable = Désolé, je n’arrive pas à joindre le système de réservation pour le moment. Merci de réessayer dans un instant.
booking-which-service = Quelle prestation souhaitez-vous ?
booking-not-offered =
    { $sorry ->
        [yes] Désolé, nous ne proposons pas « { $said } ». Vous pouvez réserver : { $services }.
       *[other] Nous ne proposons pas « { $said } ». Vous pouvez réserver : { $services }.
    }
booking-which-date =
    { $sorry ->
        [yes] Pardon, quelle date avez-vous dite ?
       *[other] Quelle date avez-vous dite ?
    }
booking-which-time =
    { $sorry ->
        [yes] Pardon, quelle heure avez-vous dite ?
       *[other] Quelle heure avez-vous dite ?
    }
booking-past-date = Cette date est déjà passée. Quel jour vous conviendrait ?
booking-out-of-range = Je ne peux pas réserver à cette date. Quel jour vous conviendrait ?
booking-closed-day = Nous sommes fermés { weekdays }. Quel autre jour vous conviendrait ?
booking-past-time = Cette heure est déjà passée. Quelle heure plus tardive vous conviendrait ?
booking-outside-hours = Nous sommes ouverts { weekdays } de { $open } à { $close }. Quelle heure dans cette plage vous conviendrait ?
booking-off-grid =
    { $minutes ->
        [one] Les rendez-vous commencent toutes les minutes à partir de l’ouverture. À quelle heure souhaitez-vous venir ?
       *[other] Les rendez-vous commencent toutes les { $minutes } minutes à partir de l’ouverture. À quelle heure souhaitez-vous venir ?
    }
booking-ends-after-closing =
    { $service ->
        [none] Un rendez-vous à { $start } finirait après notre fermeture à { $close }. Le dernier horaire possible est { $last }.
       *[other] { booking-service-a } à { $start } finirait après notre fermeture à { $close }. Le dernier horaire possible est { $last }.
    }
booking-ends-after-closing-that-day =
    { $service ->
        [none] Un rendez-vous à { $start } finirait après notre fermeture à { $close }, et aucun autre horaire ne convient ce jour-là. Quel autre jour vous conviendrait ?
       *[other] { booking-service-a } à { $start } finirait après notre fermeture à { $close }, et aucun autre horaire ne convient ce jour-là. Quel autre jour vous conviendrait ?
    }
booking-taken =
    { $sorry ->
        [yes] Désolé, le créneau du { $date } à { $time } est déjà pris pour { booking-service-a }. Quelle autre heure vous conviendrait ?
       *[other] Le créneau du { $date } à { $time } est déjà pris pour { booking-service-a }. Quelle autre heure vous conviendrait ?
    }
booking-just-taken =
    { $sorry ->
        [yes] Désolé, ce créneau (le { $date } à { $time }) vient d’être pris. Quelle autre heure vous conviendrait ?
       *[other] Ce créneau (le { $date } à { $time }) vient d’être pris. Quelle autre heure vous conviendrait ?
    }
booking-available = Le créneau du { $date } à { $time } est libre pour { booking-service-a }.
# « Pour réserver une coupe de cheveux le mardi 1er décembre, il me faut encore une heure. »
booking-need =
    Pour réserver { $service ->
        [none] un rendez-vous
       *[other] { booking-service-a }
    }{ $date ->
        [none] {""}
       *[other] {" "}le { $date }
    }{ $time ->
        [none] {""}
       *[other] {" "}à { $time }
    }, il me faut encore { $needed }.
booking-need-service = une prestation ({ $services })
booking-need-date = une date
booking-need-time = une heure
booking-not-offered-short = Désolé, nous ne proposons pas « { $said } ».
booking-confirmed = C’est réservé : { booking-service } le { $date } à { $time }. Votre numéro de confirmation est { $confirmation }.
booking-pending = Je suis encore en train de confirmer votre rendez-vous ({ booking-service } le { $date } à { $time }) auprès de notre système de planification. Votre référence est { $confirmation } ; redemandez-moi dans un instant.
booking-no-longer-active = Cette réservation ({ $confirmation }) n’est plus active. Voulez-vous réserver à nouveau ?
booking-which-to-cancel = Quelle réservation dois-je annuler ? Merci de m’indiquer son numéro de confirmation.
booking-not-found = Je ne trouve aucune réservation avec le numéro de confirmation { $said }. Pouvez-vous vérifier le numéro et me le redonner ?
booking-already-cancelled = Votre rendez-vous { $confirmation } ({ booking-service } le { $date } à { $time }) était déjà annulé.
booking-cancel-failed = Désolé, je n’ai pas pu annuler cette réservation auprès de notre système de planification. Merci de réessayer dans un instant.
booking-cancelled = Votre rendez-vous { $confirmation } ({ booking-service } le { $date } à { $time }) est annulé.
booking-suggest = Souhaitez-vous de nouveau { booking-service-a } ?

## Mémoire

memory-forgotten = C’est fait : j’ai oublié tout ce que je savais de vous.
memory-unavailable = Désolé, je n’arrive pas à accéder à ce dont je me souviens pour le moment, donc rien n’a été effacé. Merci de réessayer dans un instant.

## Les réponses de repli du serveur

fallback-failure = Désolé, un problème est survenu de notre côté. Merci de réessayer dans un instant.
fallback-deadline = Désolé, cela prend plus de temps que prévu. Merci de réessayer dans un instant.
fallback-unknown-tag = Désolé, je ne peux pas vous aider pour cela pour le moment.

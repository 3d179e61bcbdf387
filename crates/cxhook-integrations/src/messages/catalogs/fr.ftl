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
account-transaction = { $date } : { $description }, { $amount }

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

## Les réponses de repli du serveur

fallback-failure = Désolé, un problème est survenu de notre côté. Merci de réessayer dans un instant.
fallback-deadline = Désolé, cela prend plus de temps que prévu. Merci de réessayer dans un instant.
fallback-unknown-tag = Désolé, je ne peux pas vous aider pour cela pour le moment.
